package konsol_test

import (
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/ikdtest/ikdserver"
	"github.com/ikd-project/ikd/internal/ikdtest/testwallet"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
	"github.com/ikd-project/ikd/internal/lembaga"
	"github.com/ikd-project/ikd/internal/petugas"
	"github.com/ikd-project/ikd/internal/store"
)

var offerLinkRE = regexp.MustCompile(`href="(openid-credential-offer://[^"]+)" id="offer-link"`)

// TestTwoInstances runs two complete ikd servers on one database, each
// with its own connection pool, caches and in-memory state, behind one
// address that hands every request to the other instance than the one
// before, so that each step of a journey reaches a different instance
// from the step before it: a console session (sign-in on one, pages and
// forms on the other, sign-out seen by both), an activation (the offer
// made on one, the wallet's offer fetch, token, nonces and credential
// requests alternating), verifications (valid on both; a suspension made
// through one counts at once on the other; the trust list each signs
// verifies), the institution's rate limit (the rate across both, not
// twice it), the sign-in limit per address and an account's lock (both
// count once for the pair). At the end the audit chain verifies, with
// every event once.
func TestTwoInstances(t *testing.T) {
	ikdtest.ForEachBackendPair(t, func(t *testing.T, st, other store.Store) {
		cl := ikdserver.StartCluster(t, []store.Store{st, other}, seed)
		first := cl.Instances[0]
		c := &console{srv: first, url: cl.URL, st: st, dataDir: first.DataDir, audit: first.Audit,
			officer: &petugas.Service{Store: st, Audit: first.Audit, Actor: "admin"}}

		// The console session: signed in through one instance, used through the other.
		op := signIn(t, c, "mira", "MPP-17.71", store.PeranOperator)
		res, body := op.post("/konsol/penduduk/"+siti+"/aktivasi", url.Values{"email": {"siti@example.id"}})
		m := offerLinkRE.FindStringSubmatch(body)
		if res.StatusCode != http.StatusCreated || m == nil {
			t.Fatalf("activation offer: %d, link %v\n%s", res.StatusCode, m, body)
		}
		code, err := testwallet.MailedCode(filepath.Join(c.dataDir, "outbox"))
		if err != nil {
			t.Fatal(err)
		}
		wallet, err := testwallet.New(http.DefaultClient)
		if err != nil {
			t.Fatal(err)
		}
		creds, err := wallet.Redeem(html.UnescapeString(m[1]), code, "ktp_qr_dasar")
		if err != nil || len(creds) != 4 {
			t.Fatalf("wallet through two instances: %d credentials, %v", len(creds), err)
		}
		if _, page := op.get("/konsol/penduduk/" + siti + "?tujuan=layanan"); !strings.Contains(page, "Aktif") {
			t.Error("the resident's page does not show the digital ID as active")
		}

		// Verifications, alternating; a suspension through the console on
		// one instance counts at once on both.
		bank := &lembaga.Service{Store: st, Audit: first.Audit, Actor: "admin"}
		const rate = 40
		_, key, err := bank.Register(ctx, "Bank Bengkulu", "pembukaan rekening", []string{"nama"}, rate)
		if err != nil {
			t.Fatal(err)
		}
		cwt, err := base64.RawURLEncoding.DecodeString(creds["ktp_qr_dasar"])
		if err != nil {
			t.Fatal(err)
		}
		verifyOnce := func() (int, string) {
			t.Helper()
			qr, err := qrcred.Present(cwt, wallet.Key, time.Now(), nil)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(map[string]string{"presentation": qr})
			req, _ := http.NewRequest("POST", cl.URL+"/api/v1/verifications", strings.NewReader(string(b)))
			req.Header.Set("Authorization", "Bearer "+key)
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			out, _ := io.ReadAll(res.Body)
			var v struct{ Result, Reason string }
			json.Unmarshal(out, &v)
			return res.StatusCode, v.Result + " " + v.Reason
		}
		// The quota is per minute: start early in one, so that the
		// verifications below (about a second) fall in it.
		if now := time.Now(); now.Second() > 45 {
			time.Sleep(now.Truncate(time.Minute).Add(time.Minute + time.Second).Sub(now))
		}
		minute := time.Now().Truncate(time.Minute)
		for i := range 4 {
			if status, got := verifyOnce(); status != 200 || got != "VALID " {
				t.Fatalf("verification %d: %d %s", i+1, status, got)
			}
		}
		if res, _ := op.post("/konsol/penduduk/"+siti+"/status", url.Values{"tindakan": {"tangguhkan"}, "alasan": {"perangkat_hilang"}}); res.StatusCode >= 400 {
			t.Fatalf("suspend: %d", res.StatusCode)
		}
		for i := range 2 {
			if status, got := verifyOnce(); status != 200 || got != "INVALID suspended" {
				t.Fatalf("verification %d after the suspension: %d %s", i+1, status, got)
			}
		}
		if res, _ := op.post("/konsol/penduduk/"+siti+"/status", url.Values{"tindakan": {"pulihkan"}, "alasan": {"pemeriksaan_selesai"}}); res.StatusCode >= 400 {
			t.Fatalf("lift the suspension: %d", res.StatusCode)
		}
		// The rest of the minute's quota, across both: 6 used so far.
		ok, limited := 0, 0
		for range rate {
			switch status, _ := verifyOnce(); status {
			case 200:
				ok++
			case http.StatusTooManyRequests:
				limited++
			default:
				t.Fatalf("verification: %d", status)
			}
		}
		if !time.Now().Truncate(time.Minute).Equal(minute) {
			t.Fatal("the verifications took more than 15 s: the minute turned")
		}
		if ok+6 != rate {
			t.Errorf("%d verifications in the minute across both instances, then %d refused; want %d", ok+6, limited, rate)
		}

		// Each instance signs the trust list it serves; both verify.
		for range 2 {
			res, err := http.Get(cl.URL + "/.well-known/ikd-trust-list")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/jwt" {
				t.Fatalf("trust list: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
		}

		// Signing out through one instance ends the session on both.
		if res, _ := op.post("/konsol/keluar", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-out: %d", res.StatusCode)
		}
		for range 2 {
			if res, _ := op.get("/konsol/"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/konsol/masuk") {
				t.Fatalf("the console after sign-out: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
		}

		// An account's lock and the sign-in limit per address count once
		// for the pair.
		lockedAccount(t, c)
		loginsUntilLimited(t, c)

		for i := range cl.Hits {
			if n := cl.Hits[i].Load(); n < 30 {
				t.Errorf("instance %d served %d requests", i+1, n)
			}
		}
		res2, err := first.Audit.Verify(ctx, st, nil)
		if err != nil || len(res2.Problems) > 0 {
			t.Fatalf("audit chain after two instances: %v %v", err, res2.Problems)
		}
	})
}

// loginsUntilLimited signs in with a wrong password from one address until
// the console refuses the address; it must be refused after exactly the
// limit, however the attempts were spread over the instances.
func loginsUntilLimited(t *testing.T, c *console) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for i := 1; i <= 40; i++ {
		res, err := client.PostForm(c.url+"/konsol/masuk", url.Values{"username": {"nobody"}, "password": {"wrong"}})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if strings.Contains(string(body), "terlalu banyak percobaan masuk") {
			t.Logf("refused at attempt %d of the loop", i)
			// 20 per address in the window, attempts before this one included.
			if i > 20 {
				t.Errorf("the address was refused at attempt %d of this loop, after more than the limit of 20", i)
			}
			return
		}
	}
	t.Fatal("40 wrong sign-ins from one address through two instances, never refused")
}
