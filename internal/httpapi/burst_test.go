package httpapi_test

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/httpapi"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/lembaga"
	"github.com/ikd-project/ikd/internal/store"
)

// burstSize is the number of concurrent requests of each burst, and
// burstReads the reads mixed into it.
const (
	burstSize  = 200
	burstReads = 50
)

// answer is one request's outcome in a burst.
type answer struct {
	status int
	body   string
	err    error
	took   time.Duration
}

// burst sends n requests built by req(i) at once (they wait on one start
// signal), together with burstReads GETs of the trust list, each within a
// deadline, and returns the answers of the n requests in order. Every
// answer of 5xx, read or not, and every transport error fails the test.
func burst(t testing.TB, e *env, name string, n int, req func(i int) *http.Request) []answer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out := make([]answer, n+burstReads)
	var wg sync.WaitGroup
	startGun := make(chan struct{})
	for i := range out {
		var r *http.Request
		if i < n {
			r = req(i)
		} else {
			r, _ = http.NewRequest("GET", e.url+"/.well-known/ikd-trust-list", nil)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-startGun
			t0 := time.Now()
			res, err := e.client.Do(r.WithContext(ctx))
			if err != nil {
				out[i] = answer{err: err}
				return
			}
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			out[i] = answer{status: res.StatusCode, body: string(b), err: err, took: time.Since(t0)}
		}()
	}
	t0 := time.Now()
	close(startGun)
	wg.Wait()
	took := time.Since(t0)
	counts := map[int]int{}
	var lat []time.Duration
	for i, a := range out {
		if a.err != nil || a.status >= 500 {
			t.Errorf("%s: request %d: %d %v %s", name, i, a.status, a.err, a.body)
		}
		if i < n {
			counts[a.status]++
			lat = append(lat, a.took)
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	st := burstStat{name: name, perSecond: float64(n+burstReads) / took.Seconds(), p99: lat[len(lat)*99/100]}
	t.Logf("%s: %d requests + %d reads in %v (%.0f req/s), p99 %v, answers %v",
		name, n, burstReads, took.Round(time.Millisecond), st.perSecond, st.p99, counts)
	if e.stats != nil {
		*e.stats = append(*e.stats, st)
	}
	return out[:n]
}

// burstStat is one burst's speed: requests (and reads) answered per second
// and the 99th percentile latency of the requests.
type burstStat struct {
	name      string
	perSecond float64
	p99       time.Duration
}

// post builds a POST to e.
func post(e *env, path, contentType, body string, header ...string) *http.Request {
	r, _ := http.NewRequest("POST", e.url+path, strings.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	return r
}

// statusCount returns how many answers had each status.
func statusCount(as []answer) map[int]int {
	m := map[int]int{}
	for _, a := range as {
		m[a.status]++
	}
	return m
}

// TestBurst is issue 7's concurrency test: bursts of concurrent requests
// on every write path, mixed with reads, on both databases, over real HTTP
// on 127.0.0.1. No answer may be 5xx, and the invariants hold afterwards:
// one token per code, one redemption per nonce, one device bound per
// activation (the first proof's), each configuration issued at most once
// per activation, every verification audited, an intact audit chain.
func TestBurst(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		bursts(t, st, nil)
	})
}

// bursts runs issue 7's bursts on st and checks their invariants; with
// stats non-nil, it appends each burst's speed to it.
func bursts(t testing.TB, st store.Store, stats *[]burstStat) {
	o := startOfficer(t, st)
	e := o.env
	e.stats, o.api.stats = stats, stats
	officer := []string{"Authorization", "Bearer " + o.token}

	// Offers at the counter, all for the same resident at once.
	as := burst(t, o.api, "POST /api/v1/aktivasi", burstSize, func(int) *http.Request {
		return post(o.api, "/api/v1/aktivasi", "application/json", `{"nik": "`+siti+`"}`, officer...)
	})
	if c := statusCount(as); c[http.StatusCreated] == 0 {
		t.Fatalf("aktivasi: no offer created: %v", c)
	}
	// A fresh offer after the burst, its code in the one new mail.
	files, _ := filepath.Glob(filepath.Join(e.dig.Outbox.Dir, "*.eml"))
	for _, f := range files {
		e.seen[f] = true
	}
	off := e.offer(t)
	code := e.mailedCode(t)

	// One code, many token requests: one token, the rest refused.
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:pre-authorized_code"},
		"pre-authorized_code": {off.Code}, "tx_code": {code}}.Encode()
	as = burst(t, e, "POST /oid4vci/token", burstSize, func(int) *http.Request {
		return post(e, "/oid4vci/token", "application/x-www-form-urlencoded", form)
	})
	var access string
	if c := statusCount(as); c[http.StatusOK] != 1 || c[http.StatusBadRequest] != burstSize-1 {
		t.Fatalf("token: answers %v, want one 200 and %d of 400", c, burstSize-1)
	}
	for _, a := range as {
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if a.status == http.StatusOK && json.Unmarshal([]byte(a.body), &tok) == nil {
			access = tok.AccessToken
		}
	}

	// Nonces: every request gets a fresh one.
	as = burst(t, e, "POST /oid4vci/nonce", burstSize, func(int) *http.Request {
		return post(e, "/oid4vci/nonce", "", "")
	})
	nonces := map[string]bool{}
	for _, a := range as {
		var n struct {
			CNonce string `json:"c_nonce"`
		}
		if a.status != http.StatusOK || json.Unmarshal([]byte(a.body), &n) != nil || n.CNonce == "" {
			t.Fatalf("nonce: %d %s", a.status, a.body)
		}
		nonces[n.CNonce] = true
	}
	if len(nonces) != burstSize {
		t.Fatalf("nonce: %d distinct nonces of %d", len(nonces), burstSize)
	}

	// Credential requests with one access token, for the four
	// configurations in turn: half over one nonce, half over nonces of
	// their own, each from its own device key. Exactly one binds its
	// device; the others are refused (invalid_nonce, or invalid_proof for
	// a key that is not the bound device's).
	var list []string
	for n := range nonces {
		list = append(list, n)
	}
	configs := httpapi.ConfigurationIDs()
	bodies := make([]string, burstSize)
	keys := make([]*ecdsa.PrivateKey, burstSize)
	for i := range bodies {
		n := list[i%2*i] // even i: list[0]; odd i: a nonce of its own
		keys[i] = newKey(t)
		bodies[i] = credentialBody(configs[i%len(configs)], proof(t, keys[i], e.url, n))
	}
	as = burst(t, e, "POST /oid4vci/credential", burstSize, func(i int) *http.Request {
		return post(e, "/oid4vci/credential", "application/json", bodies[i], "Authorization", "Bearer "+access)
	})
	creds := map[string]string{}
	var phone *ecdsa.PrivateKey
	if c := statusCount(as); c[http.StatusOK] != 1 || c[http.StatusBadRequest] != burstSize-1 {
		t.Fatalf("credential: answers %v, want exactly one 200 and %d of 400", c, burstSize-1)
	}
	for i, a := range as {
		if a.status == http.StatusOK {
			phone = keys[i]
			creds[configs[i%len(configs)]] = credentialOf(t, response{a.status, nil, []byte(a.body)}, configs[i%len(configs)])
		}
	}
	wantOAuthErrors(t, as, "invalid_nonce", "invalid_proof")

	// The bound device asks for each configuration 50 times at once, each
	// request over a fresh nonce: each configuration is issued once, the
	// rest are credential_request_denied.
	for i := range bodies {
		bodies[i] = credentialBody(configs[i%len(configs)], proof(t, phone, e.url, e.nonce(t)))
	}
	as = burst(t, e, "POST /oid4vci/credential (one device)", burstSize, func(i int) *http.Request {
		return post(e, "/oid4vci/credential", "application/json", bodies[i], "Authorization", "Bearer "+access)
	})
	for i, a := range as {
		if c := configs[i%len(configs)]; a.status == http.StatusOK {
			if creds[c] != "" {
				t.Fatalf("credential: %s issued twice", c)
			}
			creds[c] = credentialOf(t, response{a.status, nil, []byte(a.body)}, c)
		}
	}
	if len(creds) != len(configs) {
		t.Fatalf("credential: %d configurations issued, want %d", len(creds), len(configs))
	}
	wantOAuthErrors(t, as, "credential_request_denied")
	wantOneDevice(t, st, len(configs))
	// Officer status changes, suspend and unsuspend racing.
	as = burst(t, o.api, "POST /api/v1/penduduk/{nik}/tangguhkan|pulihkan", burstSize, func(i int) *http.Request {
		act, alasan := "tangguhkan", "perangkat_hilang"
		if i%2 == 1 {
			act, alasan = "pulihkan", "perangkat_ditemukan"
		}
		return post(o.api, "/api/v1/penduduk/"+siti+"/"+act, "application/json", `{"alasan": "`+alasan+`"}`, officer...)
	})
	if c := statusCount(as); c[http.StatusOK] == 0 || c[http.StatusOK]+c[http.StatusConflict] != burstSize {
		t.Fatalf("status: answers %v, want only 200 and 409", c)
	}

	// Verifications by an institution.
	verifs := make([]string, burstSize)
	for i := range verifs {
		nonce := fmt.Sprintf("burst-%d", i)
		b, _ := json.Marshal(map[string]string{"presentation": presentQR(t, creds, phone, nonce), "nonce": nonce})
		verifs[i] = string(b)
	}
	before := countAudit(t, st, lembaga.ActionVerifikasi)
	as = burst(t, o.api, "POST /api/v1/verifications", burstSize, func(i int) *http.Request {
		return post(o.api, "/api/v1/verifications", "application/json", verifs[i], "Authorization", "Bearer "+o.bankKey)
	})
	c := statusCount(as)
	if c[http.StatusOK]+c[http.StatusTooManyRequests] != burstSize || c[http.StatusOK] == 0 {
		t.Fatalf("verifications: answers %v, want only 200 and 429", c)
	}
	if got := countAudit(t, st, lembaga.ActionVerifikasi) - before; got != c[http.StatusOK] {
		t.Errorf("verifications: %d audited, %d answered", got, c[http.StatusOK])
	}

	res, err := o.auditLog.Verify(ctx, st, nil)
	if err != nil || len(res.Problems) > 0 {
		t.Fatalf("audit verify after the bursts: %v %v", err, res.Problems)
	}
}

// wantOAuthErrors checks that every answer but 200 is a 400 with one of the
// OpenID4VCI error codes.
func wantOAuthErrors(t testing.TB, as []answer, codes ...string) {
	t.Helper()
	for i, a := range as {
		var e struct {
			Error string `json:"error"`
		}
		if a.status != http.StatusOK && (a.status != http.StatusBadRequest ||
			json.Unmarshal([]byte(a.body), &e) != nil || !slices.Contains(codes, e.Error)) {
			t.Errorf("request %d: %d %s, want 200 or 400 with one of %v", i, a.status, a.body, codes)
		}
	}
}

// wantOneDevice checks that siti has one active device holding exactly n
// credentials, one per configuration.
func wantOneDevice(t testing.TB, st store.Store, n int) {
	t.Helper()
	dev, err := st.GetPerangkatAktif(ctx, siti)
	if err != nil {
		t.Fatalf("no active device after the credential bursts: %v", err)
	}
	creds, err := st.ListKredensialPerangkat(ctx, dev.ID)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, k := range creds {
		kinds[k.Format+"/"+k.Profil] = true
	}
	if len(creds) != n || len(kinds) != n {
		t.Fatalf("the device holds %d credentials of %d kinds, want %d of %d", len(creds), len(kinds), n, n)
	}
}

// countAudit counts the audit events with action.
func countAudit(t testing.TB, st store.Store, action string) int {
	t.Helper()
	n := 0
	for after := int64(0); ; {
		page, err := st.ListAudit(ctx, after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return n
		}
		for _, ev := range page {
			if ev.Action == action {
				n++
			}
		}
		after = page[len(page)-1].Seq
	}
}
