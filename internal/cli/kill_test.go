package cli

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net"
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
	stats      struct{ activations, changes, verifications int }
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
	r := newKillRig(t, backend)
	var downtime time.Duration
	for round := range rounds {
		start := time.Now()
		cmd := r.start()
		downtime += time.Since(start)
		r.check(round)
		r.load(cmd, time.Duration(100+rand.IntN(500))*time.Millisecond)
	}
	cmd := r.start()
	r.check(rounds)
	cmd.Process.Kill()
	cmd.Wait()
	t.Logf("%d kills: %d activations, %d status changes and %d verifications answered, all there after the restarts; "+
		"%.2f s on average from start to ready", rounds, r.stats.activations, r.stats.changes, r.verified,
		downtime.Seconds()/float64(rounds+1))
	if r.stats.activations < rounds/5 || r.stats.changes == 0 || r.verified < int64(rounds) {
		t.Errorf("the load did too little to test anything: %+v", r.stats)
	}
}

// newKillRig prepares a database with the demo residents, an officer and an
// institution, and a fixed port for the server.
func newKillRig(t *testing.T, backend string) *killRig {
	ctx := context.Background()
	vars := backendVars(t, backend)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
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

// load runs an activation, a status change and two verification loops
// against the server until it is killed after d.
func (r *killRig) load(cmd *exec.Cmd, d time.Duration) {
	var dead atomic.Bool
	var mu sync.Mutex // r.active, r.stats
	var wg sync.WaitGroup
	wg.Go(func() {
		for !dead.Load() && r.next < len(r.candidates) {
			nik := r.candidates[r.next]
			r.next++
			if p := r.activate(nik); p != nil {
				mu.Lock()
				r.active = append(r.active, p)
				r.stats.activations++
				mu.Unlock()
			}
		}
	})
	wg.Go(func() {
		for i := 0; !dead.Load(); i++ {
			mu.Lock()
			if len(r.active) == 0 {
				mu.Unlock()
				time.Sleep(5 * time.Millisecond)
				continue
			}
			p := r.active[i%len(r.active)]
			mu.Unlock()
			act := "tangguhkan"
			if p.suspended {
				act = "pulihkan"
			}
			p.unsure = true
			status, _ := r.json("api/v1/penduduk/"+p.nik+"/"+act, r.officer, `{"alasan":"permintaan_penduduk"}`)
			if status != 200 {
				return // killed: the change may or may not have landed
			}
			p.suspended, p.unsure = act == "tangguhkan", false
			mu.Lock()
			r.stats.changes++
			mu.Unlock()
		}
	})
	var answered atomic.Int64
	for range 2 {
		wg.Go(func() {
			for i := 0; !dead.Load(); i++ {
				mu.Lock()
				n := len(r.active)
				var p *killResident
				if n > 0 {
					p = r.active[rand.IntN(n)]
				}
				mu.Unlock()
				if p == nil {
					time.Sleep(5 * time.Millisecond)
					continue
				}
				if status, _ := r.verify(p); status != 200 {
					return
				}
				answered.Add(1)
			}
		})
	}
	time.Sleep(d)
	dead.Store(true)
	cmd.Process.Kill()
	cmd.Wait()
	wg.Wait()
	r.verified += answered.Load()
}

// activate starts an activation through the officers' API and redeems it
// with a new wallet; nil when the server did not answer every step.
func (r *killRig) activate(nik string) *killResident {
	status, body := r.json("api/v1/aktivasi", r.officer, `{"nik":"`+nik+`"}`)
	if status == http.StatusConflict {
		return nil // the demo activated this one already
	}
	var offer struct {
		OfferURI string `json:"offer_uri"`
	}
	if status != http.StatusCreated || json.Unmarshal([]byte(body), &offer) != nil {
		return nil
	}
	u, err := url.Parse(offer.OfferURI)
	if err != nil {
		r.t.Fatalf("offer URI %q: %v", offer.OfferURI, err)
	}
	res, err := http.Get(u.Query().Get("credential_offer_uri"))
	if err != nil {
		return nil
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
		return nil
	}
	w, err := testwallet.New(&http.Client{Timeout: 10 * time.Second})
	if err != nil {
		r.t.Fatal(err)
	}
	creds, err := w.Redeem(offer.OfferURI, tx, "ktp_qr_dasar")
	if err != nil || len(creds) != 4 {
		return nil
	}
	cwt, err := base64.RawURLEncoding.DecodeString(creds["ktp_qr_dasar"])
	if err != nil {
		r.t.Fatal(err)
	}
	return &killResident{nik: nik, wallet: w, cwt: cwt, code: code, tx: tx}
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
