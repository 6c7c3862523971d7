package httpapi_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/httpapi"
	"github.com/ikd-project/ikd/internal/httpserver"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/lembaga"
)

// BenchmarkVerificationsHTTP measures POST /api/v1/verifications (a QR
// presentation checked against the trust list and the status list, the
// result audited with group commit as the server does) through the real
// server and middleware, against two limits measured in the same run: the
// signature checks alone (two ECDSA P-256 verifications per QR
// presentation, on every core; "limit/s" and "ratio") and a hello-world
// handler on the same server (the HTTP limit, "hello/s" and
// "hello_ratio"). 16 clients for 3 seconds each.
//
//	go test -run '^$' -bench VerificationsHTTP -benchtime 1x ./internal/httpapi/
func BenchmarkVerificationsHTTP(b *testing.B) {
	for _, be := range ikdtest.Backends {
		b.Run(be.Name, func(b *testing.B) {
			st := be.Open(b, nil)
			e := start(b, st)
			phone := newKey(b)
			creds, _ := e.activate(b, phone, "ktp_qr_dasar")
			qr := presentQR(b, creds, phone, "")

			svc := &lembaga.Service{Store: st, Audit: e.dig.Aktivasi.Audit, Actor: "bench",
				Group: audit.NewGroup(e.dig.Aktivasi.Audit, st, 0)}
			api := &httpapi.API{PublicURL: e.dig.PublicURL, Store: st, Keys: e.dig.Keys, Issuer: e.dig.Issuer,
				Aktivasi: e.dig.Aktivasi}
			api.UseLembaga(svc)
			_, key, err := svc.Register(ctx, "Bench", "benchmark", []string{"nama"}, lembaga.MaxRate)
			if err != nil {
				b.Fatal(err)
			}
			// Lift the rate limit out of the way of the measurement.
			if _, err := st.(interface{ SQL() *sql.DB }).SQL().Exec("UPDATE lembaga SET rate_per_minute = 100000000"); err != nil {
				b.Fatal(err)
			}
			srv := httpserver.New(slog.New(slog.NewTextHandler(io.Discard, nil)), st.Ready, func() any { return nil })
			api.Mount(srv.Handle)
			srv.Handle("GET /bench/hello", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") }))
			ts := httptest.NewServer(srv.Handler())
			defer ts.Close()
			tr := &http.Transport{MaxIdleConnsPerHost: 64}
			client := &http.Client{Transport: tr}
			body, _ := json.Marshal(map[string]string{"presentation": qr})

			hello := rate(b, func() *http.Request {
				r, _ := http.NewRequest("GET", ts.URL+"/bench/hello", nil)
				return r
			}, client, "")
			verify := rate(b, func() *http.Request {
				r, _ := http.NewRequest("POST", ts.URL+"/api/v1/verifications", strings.NewReader(string(body)))
				r.Header.Set("Authorization", "Bearer "+key)
				return r
			}, client, `"result":"VALID"`)
			limit := signatureLimit()
			b.ReportMetric(verify, "verifications/s")
			b.ReportMetric(limit, "limit/s")
			b.ReportMetric(verify/limit, "ratio")
			b.ReportMetric(hello, "hello/s")
			b.ReportMetric(verify/hello, "hello_ratio")
		})
	}
}

// signatureLimit returns how many QR presentations per second this machine
// could check if it did nothing but their two ECDSA P-256 signature
// verifications, on every core at once for 2 seconds.
func signatureLimit() float64 {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	d := sha256.Sum256([]byte("ikd"))
	sig, _ := ecdsa.SignASN1(rand.Reader, k, d[:])
	const window = 2 * time.Second
	var n atomic.Int64
	var wg sync.WaitGroup
	deadline := time.Now().Add(window)
	for i := 0; i < runtime.GOMAXPROCS(0); i++ {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				if !ecdsa.VerifyASN1(&k.PublicKey, d[:], sig) || !ecdsa.VerifyASN1(&k.PublicKey, d[:], sig) {
					panic("signature does not verify")
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	return float64(n.Load()) / window.Seconds()
}

// rate sends requests from 16 goroutines for 3 seconds and returns the
// completed requests per second; every answer must be 200 and contain want.
func rate(b *testing.B, req func() *http.Request, c *http.Client, want string) float64 {
	const workers, window = 16, 3 * time.Second
	var n atomic.Int64
	var wg sync.WaitGroup
	deadline := time.Now().Add(window)
	for i := 0; i < workers; i++ {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				resp, err := c.Do(req())
				if err != nil {
					b.Error(err)
					return
				}
				out, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !strings.Contains(string(out), want) {
					b.Errorf("status %d: %s", resp.StatusCode, out)
					return
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	return float64(n.Load()) / window.Seconds()
}

// BenchmarkBurst runs TestBurst's bursts (200 concurrent requests and 50
// reads of the trust list on each write path) and reports requests per
// second and p99 latency per endpoint, on both databases. The limit it
// compares against, measured in the same run on the same database, is a
// burst of 250 bare durable commits (one row inserted per transaction,
// 250 at once through the store's own pool, best of three on a warm pool):
// every request that changes something commits at least once. The token
// and credential bursts are mostly refusals, which commit nothing, so
// their ratio can pass 1.
//
//	go test -run '^$' -bench Burst -benchtime 1x ./internal/httpapi/
func BenchmarkBurst(b *testing.B) {
	for _, be := range ikdtest.Backends {
		b.Run(be.Name, func(b *testing.B) {
			st := be.Open(b, nil)
			limit := commitBurst(b, st.(interface{ SQL() *sql.DB }).SQL(), burstSize+burstReads)
			var stats []burstStat
			bursts(b, st, &stats)
			b.ReportMetric(limit, "commits/s")
			for _, s := range stats {
				name := strings.Fields(s.name)[1]
				b.ReportMetric(s.perSecond, name+"-req/s")
				b.ReportMetric(float64(s.p99.Microseconds())/1000, name+"-p99-ms")
				b.ReportMetric(s.perSecond/limit, name+"-ratio")
			}
		})
	}
}

// commitBurst commits bursts of n one-row transactions at once on db and
// returns the best commits per second of three bursts.
func commitBurst(b *testing.B, db *sql.DB, n int) float64 {
	if _, err := db.Exec("CREATE TABLE bench_commit (id INTEGER PRIMARY KEY)"); err != nil {
		b.Fatal(err)
	}
	best := 0.0
	for round := range 3 {
		best = max(best, commitRound(b, db, round*n, n))
	}
	return best
}

// commitRound commits n one-row transactions at once, ids from first on,
// and returns the commits per second.
func commitRound(b *testing.B, db *sql.DB, first, n int) float64 {
	var wg sync.WaitGroup
	startGun := make(chan struct{})
	for i := first; i < first+n; i++ {
		wg.Go(func() {
			<-startGun
			if _, err := db.Exec("INSERT INTO bench_commit (id) VALUES ($1)", i); err != nil {
				b.Error(err)
			}
		})
	}
	t0 := time.Now()
	close(startGun)
	wg.Wait()
	return float64(n) / time.Since(t0).Seconds()
}
