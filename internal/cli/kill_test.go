package cli

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/ikdtest/testwallet"
	"github.com/ikd-project/ikd/internal/issuance"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
	"github.com/ikd-project/ikd/internal/lembaga"
)

// TestKillServe kills ikd serve with SIGKILL at random moments while
// activations, status changes and verifications are in flight, and starts
// it again, IKD_KILL_ROUNDS times per database (50 by default: 100 in
// all). After each restart: every activation the server answered is there
// (its credential verifies) and its offer cannot be redeemed again; every
// status change it answered holds; the verifications it answered are all
// in the audit log and none twice (no more events than requests sent); and
// the audit chain verifies.
func TestKillServe(t *testing.T) {
	rounds := 50
	if v := os.Getenv("IKD_KILL_ROUNDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("IKD_KILL_ROUNDS=%q: want a positive number", v)
		}
		rounds = n
	}
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) { killServe(t, backend, rounds) })
	}
}

// killRig is the test's view of the service across kills: what the server
// acknowledged and what was sent.
type killRig struct {
	t       *testing.T
	vars    map[string]string
	base    string // http://127.0.0.1:PORT/, the same across restarts
	officer string // API token
	bank    string // institution key
	outbox  string
	db      *sql.DB

	candidates []string // residents to activate, in order
	next       int
	active     []*killResident // acknowledged activations
	verified   int64           // verifications answered
	sent       atomic.Int64    // verification requests sent
	mu         sync.Mutex      // r.active, r.stats, r.lastFail and the residents' fields while a load runs
	lastFail   string          // why the last activation not answered failed
	stats      killStats
}

// killStats counts what the server answered.
type killStats struct{ activations, changes int }

// answered returns the counts so far, also while a load runs.
func (r *killRig) answered() killStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats
}

// killResident is an activated resident as the test knows it.
type killResident struct {
	nik       string
	wallet    *testwallet.Wallet
	cwt       []byte
	code, tx  string // the spent pre-authorized code and tx code
	suspended bool   // the last status change the server answered
	unsure    bool   // a status change was sent and not answered
}

func killServe(t *testing.T, backend string, rounds int) {
	r := newKillRig(t, backendVars(t, backend))
	var downtime time.Duration
	// The kill comes at a random moment of a window that stretches while
	// rounds answer no activation (a slow machine, the race detector) and
	// shrinks back once they do, so that kills land inside activations.
	stretch := 1
	for round := range rounds {
		start := time.Now()
		cmd := r.start()
		downtime += time.Since(start)
		r.check(round)
		before := r.stats.activations
		r.load(cmd, time.Duration(stretch*(100+rand.IntN(500)))*time.Millisecond)
		if r.stats.activations == before {
			stretch = min(2*stretch, 16)
		} else {
			stretch = max(stretch/2, 1)
		}
	}
	cmd := r.start()
	r.check(rounds)
	cmd.Process.Kill()
	cmd.Wait()
	t.Logf("%d kills: %d activations, %d status changes and %d verifications answered, all there after the restarts; "+
		"%.2f s on average from start to ready", rounds, r.stats.activations, r.stats.changes, r.verified,
		downtime.Seconds()/float64(rounds+1))
	if r.stats.activations < rounds/5 || r.stats.changes == 0 || r.verified < int64(rounds) {
		t.Errorf("the load did too little to test anything: %d activations, %d status changes, %d verifications",
			r.stats.activations, r.stats.changes, r.verified)
	}
}

// newKillRig prepares the database of vars with the demo residents, an
// officer and an institution, and a fixed port for the server.
func newKillRig(t *testing.T, vars map[string]string) *killRig {
	ctx := context.Background()
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	vars["IKD_LISTEN"] = addr
	vars["IKD_PUBLIC_URL"] = "http://" + addr
	if code, _, stderr := run(t, ctx, vars, "demo", "--scale", "0.002"); code != 0 {
		t.Fatalf("demo: exit %d %s", code, stderr)
	}
	r := &killRig{t: t, vars: vars, base: "http://" + addr + "/", outbox: filepath.Join(vars["IKD_DATA_DIR"], "outbox")}
	r.officer = printed(t, vars, `token API / API token: (\S+)`, "petugas", "add", "--username", "uji", "--nama", "UJI", "--kantor", "DISDUKCAPIL-17.71")
	r.bank = printed(t, vars, `kunci API / API key: (\S+)`, "lembaga", "add", "--nama", "Bank", "--purpose", "uji", "--fields", "nama",
		"--rate", strconv.Itoa(lembaga.MaxRate))
	st := openVars(t, vars)
	r.db = st.(interface{ SQL() *sql.DB }).SQL()
	// Lift the institution's per-minute quota out of the way: the kills
	// restart the server's buckets, not the quota in the database.
	if _, err := r.db.Exec(`UPDATE lembaga SET rate_per_minute = 100000000`); err != nil {
		t.Fatal(err)
	}
	rows, err := r.db.Query(`SELECT nik FROM penduduk WHERE desa_kode LIKE '17.71.%' AND email <> '' ORDER BY nik`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		r.candidates = append(r.candidates, n)
	}
	rows.Close()
	return r
}

// printed runs an ikd command and returns the value re finds in its output.
func printed(t *testing.T, vars map[string]string, re string, args ...string) string {
	t.Helper()
	code, stdout, stderr := run(t, context.Background(), vars, args...)
	m := regexp.MustCompile(re).FindStringSubmatch(stdout)
	if code != 0 || m == nil {
		t.Fatalf("ikd %v: exit %d\n%s\n%s", args, code, stdout, stderr)
	}
	return m[1]
}

// start runs ikd serve as a process of its own and waits until it is ready.
func (r *killRig) start() *exec.Cmd {
	r.t.Helper()
	cmd := ikdCmd(r.vars, "serve")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(r.base + "readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return cmd
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Kill()
	r.t.Fatal("ikd serve was not ready within 30 s of a restart")
	return nil
}

// check holds the restarted server to what it answered before the kill.
func (r *killRig) check(round int) {
	t := r.t
	t.Helper()
	for _, p := range r.active {
		status, result := r.verify(p)
		if status != 200 {
			t.Fatalf("round %d: verification of an acknowledged activation: %d %s (%d sent)", round, status, result, r.sent.Load())
		}
		r.verified++
		want := "VALID "
		if p.suspended {
			want = "INVALID suspended"
		}
		if result != want && !(p.unsure && (result == "VALID " || result == "INVALID suspended")) {
			t.Fatalf("round %d: resident %s… answers %q after the restart, want %q (last acknowledged change)", round, p.nik[:6], result, want)
		}
		p.suspended, p.unsure = result != "VALID ", false
		if status, body := r.form("oid4vci/token", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:pre-authorized_code"},
			"pre-authorized_code": {p.code}, "tx_code": {p.tx}}); status != http.StatusBadRequest {
			t.Fatalf("round %d: a redeemed offer was redeemed again after the restart: %d %s", round, status, body)
		}
	}
	var events int64
	if err := r.db.QueryRow(`SELECT count(*) FROM audit_event WHERE action = '` + lembaga.ActionVerifikasi + `'`).Scan(&events); err != nil {
		t.Fatal(err)
	}
	if events < r.verified || events > r.sent.Load() {
		t.Fatalf("round %d: %d verifications in the audit log; %d were answered and %d sent", round, events, r.verified, r.sent.Load())
	}
	if code, stdout, stderr := run(t, context.Background(), r.vars, "audit", "verify"); code != 0 {
		t.Fatalf("round %d: audit verify: exit %d\n%s\n%s", round, code, stdout, stderr)
	}
}

// load runs the load against the server until it is killed after d.
func (r *killRig) load(cmd *exec.Cmd, d time.Duration) {
	stop := make(chan struct{})
	wait := r.runLoad(stop)
	time.Sleep(d)
	cmd.Process.Kill()
	cmd.Wait()
	close(stop)
	wait()
}

// runLoad runs an activation loop, a status-change loop and two
// verification loops until stop is closed, and returns a function that
// waits for them and adds what was answered to r. A request that gets no
// answer is not counted, and the loops go on (a server coming back, or
// none at all).
func (r *killRig) runLoad(stop <-chan struct{}) func() {
	mu := &r.mu
	var wg sync.WaitGroup
	stopped := func() bool {
		select {
		case <-stop:
			return true
		default:
			return false
		}
	}
	pause := func() { time.Sleep(5 * time.Millisecond) }
	wg.Go(func() {
		for !stopped() && r.next < len(r.candidates) {
			nik := r.candidates[r.next]
			r.next++
			if p := r.activate(nik); p != nil {
				mu.Lock()
				r.active = append(r.active, p)
				r.stats.activations++
				mu.Unlock()
			} else {
				pause()
			}
		}
	})
	wg.Go(func() {
		for i := 0; !stopped(); i++ {
			mu.Lock()
			var p *killResident
			if n := len(r.active); n > 0 {
				p = r.active[i%n]
				p.unsure = true
			}
			mu.Unlock()
			if p == nil {
				pause()
				continue
			}
			// From the last answered state; for an unsure resident this
			// is the unanswered change again, and "already in that state"
			// says that it had landed.
			act, already := "tangguhkan", issuance.ErrAlreadySuspended
			if p.suspended {
				act, already = "pulihkan", issuance.ErrNotSuspended
			}
			status, body := r.json("api/v1/penduduk/"+p.nik+"/"+act, r.officer, `{"alasan":"permintaan_penduduk"}`)
			if status != 200 && !(status == http.StatusConflict && strings.Contains(body, already.Message("id"))) {
				pause() // it may or may not have landed: p stays unsure
				continue
			}
			mu.Lock()
			p.suspended, p.unsure = act == "tangguhkan", false
			r.stats.changes++
			mu.Unlock()
		}
	})
	var answered atomic.Int64
	for range 2 {
		wg.Go(func() {
			for !stopped() {
				mu.Lock()
				var p *killResident
				if n := len(r.active); n > 0 {
					p = r.active[rand.IntN(n)]
				}
				mu.Unlock()
				if p == nil {
					pause()
					continue
				}
				if status, _ := r.verify(p); status == 200 {
					answered.Add(1)
				} else {
					pause()
				}
			}
		})
	}
	return func() {
		wg.Wait()
		r.verified += answered.Load()
	}
}

// activate starts an activation through the officers' API and redeems it
// with a new wallet; nil when the server did not answer every step.
func (r *killRig) activate(nik string) *killResident {
	status, body := r.json("api/v1/aktivasi", r.officer, `{"nik":"`+nik+`"}`)
	if status == http.StatusConflict {
		return nil // the demo activated this one already
	}
	if status != http.StatusCreated {
		return r.failed("aktivasi: %d %s", status, body)
	}
	var offer struct {
		OfferURI string `json:"offer_uri"`
	}
	if err := json.Unmarshal([]byte(body), &offer); err != nil {
		return r.failed("aktivasi: %v", err)
	}
	u, err := url.Parse(offer.OfferURI)
	if err != nil {
		r.t.Fatalf("offer URI %q: %v", offer.OfferURI, err)
	}
	res, err := killClient.Get(u.Query().Get("credential_offer_uri"))
	if err != nil {
		return r.failed("offer: %v", err)
	}
	var o struct {
		Grants map[string]struct {
			Code string `json:"pre-authorized_code"`
		} `json:"grants"`
	}
	json.NewDecoder(res.Body).Decode(&o)
	res.Body.Close()
	code := o.Grants["urn:ietf:params:oauth:grant-type:pre-authorized_code"].Code
	tx, err := testwallet.MailedCode(r.outbox)
	if err != nil || code == "" {
		return r.failed("offer code %q, mailed code: %v", code, err)
	}
	w, err := testwallet.New(&http.Client{Timeout: 10 * time.Second})
	if err != nil {
		r.t.Fatal(err)
	}
	creds, err := w.Redeem(offer.OfferURI, tx, "ktp_qr_dasar")
	if err != nil || len(creds) != 4 {
		return r.failed("redeem: %d credentials, %v", len(creds), err)
	}
	cwt, err := base64.RawURLEncoding.DecodeString(creds["ktp_qr_dasar"])
	if err != nil {
		r.t.Fatal(err)
	}
	return &killResident{nik: nik, wallet: w, cwt: cwt, code: code, tx: tx}
}

// failed notes why an activation was not answered, for the test's
// report, and returns nil.
func (r *killRig) failed(format string, args ...any) *killResident {
	r.mu.Lock()
	r.lastFail = fmt.Sprintf(format, args...)
	r.mu.Unlock()
	return nil
}

// verify presents p's QR credential to the institutions' API and returns
// the status and "RESULT reason".
func (r *killRig) verify(p *killResident) (int, string) {
	qr, err := qrcred.Present(p.cwt, p.wallet.Key, time.Now(), nil)
	if err != nil {
		r.t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]string{"presentation": qr})
	r.sent.Add(1)
	status, body := r.json("api/v1/verifications", r.bank, string(b))
	var v struct{ Result, Reason string }
	json.Unmarshal([]byte(body), &v)
	return status, v.Result + " " + v.Reason
}

// json posts a JSON body with a Bearer token; status 0 when the server
// did not answer.
func (r *killRig) json(path, token, body string) (int, string) {
	req, _ := http.NewRequest("POST", r.base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	return r.send(req)
}

// form posts a form.
func (r *killRig) form(path string, v url.Values) (int, string) {
	req, _ := http.NewRequest("POST", r.base+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r.send(req)
}

func (r *killRig) send(req *http.Request) (int, string) {
	res, err := killClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	b, err := io.ReadAll(bufio.NewReader(res.Body))
	if err != nil {
		return 0, err.Error()
	}
	return res.StatusCode, string(b)
}

var killClient = &http.Client{Timeout: 10 * time.Second}
