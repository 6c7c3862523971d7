package lembaga_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
	"github.com/ikd-project/ikd/internal/lembaga"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/trustlist"
	"github.com/ikd-project/ikd/internal/verify"
	"github.com/ikd-project/ikd/internal/verify/verifytest"
)

// fixtureNIK is the NIK verifytest puts in its credentials.
const fixtureNIK = "1771014501900003"

var ctx = context.Background()

type env struct {
	svc   *lembaga.Service
	st    store.Store
	log   *audit.Log
	clock *ikdtest.Clock
	fx    *verifytest.Fixture
}

func newEnv(t *testing.T, st store.Store) *env {
	clock := ikdtest.NewClock(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	log, err := audit.New([]byte(strings.Repeat("k", 32)), clock.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	fx := verifytest.New(t, clock.Now())
	trust := fx.Trust()
	svc := &lembaga.Service{Store: st, Audit: log, Now: clock.Now,
		Trust: func(context.Context) (*trustlist.List, error) { return trust, nil }}
	return &env{svc: svc, st: st, log: log, clock: clock, fx: fx}
}

func TestNewKey(t *testing.T) {
	k1, h1 := lembaga.NewKey()
	k2, h2 := lembaga.NewKey()
	if k1 == k2 || h1 == h2 || !strings.HasPrefix(k1, lembaga.KeyPrefix) || len(k1) != len(lembaga.KeyPrefix)+43 {
		t.Fatalf("keys %q %q", k1, k2)
	}
	if lembaga.HashKey(k1) != h1 || len(h1) != 64 || strings.Contains(h1, k1) {
		t.Fatalf("hash %q of %q", h1, k1)
	}
}

func TestRegisterValidation(t *testing.T) {
	e := newEnv(t, ikdtest.NewStore(t))
	for _, tc := range []struct {
		nama, purpose string
		fields        []string
		rate          int
		want          string
	}{
		{"Bank", "rekening", []string{"nama", "alamat"}, 60, "alamat"},
		{"Bank", "  ", []string{"nama"}, 60, "purpose"},
		{"Bank", "rekening", []string{"nama"}, 0, "rate"},
		{"Bank", "rekening", []string{"nama"}, 6001, "rate"},
		{"Bank", "rekening", nil, 60, "field"},
		{"", "rekening", []string{"nama"}, 60, "name"},
	} {
		_, key, err := e.svc.Register(ctx, tc.nama, tc.purpose, tc.fields, tc.rate)
		var ee *errs.Error
		if !errors.As(err, &ee) || ee.Kind != errs.Invalid || key != "" || !strings.Contains(ee.EN, tc.want) || ee.ID == "" {
			t.Errorf("%+v: err %v", tc, err)
		}
	}
	list, err := e.st.ListLembaga(ctx)
	if err != nil || len(list) != 0 {
		t.Fatalf("after refusals: %v %v", list, err)
	}
	l, key, err := e.svc.Register(ctx, " Bank Bengkulu ", "pembukaan rekening", []string{"NAMA", " nik", "nama"}, 6000)
	if err != nil {
		t.Fatal(err)
	}
	if l.Nama != "Bank Bengkulu" || strings.Join(l.AllowedFields, ",") != "nama,nik" || l.APIKeyHash != lembaga.HashKey(key) {
		t.Fatalf("registered %+v", l)
	}
	ev, err := e.st.ListAudit(ctx, 0, 10)
	if err != nil || len(ev) != 1 || ev[0].Action != "lembaga.daftar" || strings.Contains(ev[0].Detail, key) || strings.Contains(ev[0].Detail, l.APIKeyHash) {
		t.Fatalf("audit %+v %v", ev, err)
	}
}

func TestVerify(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		bank, bankKey, err := e.svc.Register(ctx, "Bank Bengkulu", "pembukaan rekening", []string{"nama", "nik", "tanggal_lahir"}, 60)
		if err != nil {
			t.Fatal(err)
		}
		bar, barKey, err := e.svc.Register(ctx, "Kafe", "pemeriksaan usia", []string{"age_over_17"}, 60)
		if err != nil {
			t.Fatal(err)
		}
		qr := e.fx.QR(verifytest.QR{Profile: qrcred.Dasar, Idx: verifytest.IdxValid})

		// The bank gets what it is allowed, the resident is the subject.
		res, err := e.svc.Verify(ctx, bankKey, qr, verify.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Valid || res.Claims["nama"] != "SITI AMINAH" || res.Claims["nik"] != fixtureNIK || res.Claims["foto_hash"] != nil ||
			res.Claims["jenis_kelamin"] != nil || res.Lembaga.ID != bank.ID || !res.VerifiedAt.Equal(e.clock.Now()) {
			t.Fatalf("bank result %+v", res)
		}
		checkEvent(t, e, res.AuditSeq, bank, "VALID", false)

		// The bar, allowed only age_over_17, gets no name or NIK from a
		// dasar QR (which discloses them but no age claim).
		res, err = e.svc.Verify(ctx, barKey, qr, verify.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Valid || len(res.Claims) != 0 || res.Result.Claims != nil {
			t.Fatalf("bar result %+v", res)
		}
		ev := checkEvent(t, e, res.AuditSeq, bar, "VALID", false)
		if ev.Purpose != "pemeriksaan usia" {
			t.Errorf("purpose %q", ev.Purpose)
		}
		// An age QR gives the bar its claim and no subject.
		res, err = e.svc.Verify(ctx, barKey, e.fx.QR(verifytest.QR{Profile: qrcred.Usia, Idx: verifytest.IdxValid}), verify.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Valid || res.Claims["age_over_17"] != true || len(res.Claims) != 1 {
			t.Fatalf("bar usia result %+v", res)
		}
		checkEvent(t, e, res.AuditSeq, bar, "VALID", true)

		// A revoked credential is INVALID, still recorded.
		res, err = e.svc.Verify(ctx, bankKey, e.fx.QR(verifytest.QR{Idx: verifytest.IdxRevoked}), verify.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Valid || res.Reason == "" || res.MessageID == "" || len(res.Claims) != 0 {
			t.Fatalf("revoked result %+v", res)
		}
		checkEvent(t, e, res.AuditSeq, bank, string(res.Reason), true)

		// Unknown key, no key.
		for _, k := range []string{"", "ikdk_nope", bankKey + "x"} {
			if _, err := e.svc.Verify(ctx, k, qr, verify.Options{}); !errors.Is(err, lembaga.ErrUnknownKey) || !errors.Is(err, errs.Unauthenticated) {
				t.Errorf("key %q: %v", k, err)
			}
		}
		// Revoked institution.
		if err := e.svc.Revoke(ctx, bar.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Verify(ctx, barKey, qr, verify.Options{}); !errors.Is(err, lembaga.ErrRevoked) {
			t.Errorf("revoked institution: %v", err)
		}
		if err := e.svc.Revoke(ctx, "lbg-none"); !errors.Is(err, errs.NotFound) {
			t.Errorf("revoke unknown: %v", err)
		}
	})
}

// checkEvent checks the audit event of a verification and returns it.
func checkEvent(t *testing.T, e *env, seq int64, l store.Lembaga, result string, noSubject bool) store.AuditEvent {
	t.Helper()
	evs, err := e.st.ListAudit(ctx, seq-1, 1)
	if err != nil || len(evs) != 1 {
		t.Fatalf("event %d: %v %v", seq, evs, err)
	}
	ev := evs[0]
	if ev.Actor != "lembaga:"+l.ID || ev.Action != lembaga.ActionVerifikasi || ev.Purpose != l.Purpose {
		t.Errorf("event %+v", ev)
	}
	if strings.Contains(ev.Detail, fixtureNIK) {
		t.Errorf("NIK in detail %s", ev.Detail)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(ev.Detail), &d); err != nil || d["result"] != result || d["format"] != "qr" {
		t.Errorf("detail %s: %v", ev.Detail, err)
	}
	if noSubject {
		if ev.SubjectHash != "" || ev.SubjectMask != "" || d["subject"] != "not_disclosed" {
			t.Errorf("expected no subject: %+v", ev)
		}
	} else if ev.SubjectHash != e.log.SubjectHash(fixtureNIK) || ev.SubjectHash == "" || ev.SubjectMask == fixtureNIK || d["subject"] != nil {
		t.Errorf("subject: %+v", ev)
	}
	return ev
}

func TestRateLimit(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		a, keyA, err := e.svc.Register(ctx, "A", "uji", []string{"nama"}, 3)
		if err != nil {
			t.Fatal(err)
		}
		_, keyB, err := e.svc.Register(ctx, "B", "uji", []string{"nama"}, 3)
		if err != nil {
			t.Fatal(err)
		}
		qr := e.fx.QR(verifytest.QR{Idx: verifytest.IdxValid})
		for i := range 3 {
			if _, err := e.svc.Verify(ctx, keyA, qr, verify.Options{}); err != nil {
				t.Fatalf("verification %d: %v", i+1, err)
			}
		}
		_, err = e.svc.Verify(ctx, keyA, qr, verify.Options{})
		var rl *lembaga.RateLimitError
		if !errors.As(err, &rl) || rl.RetryAfter <= 0 || rl.RetryAfter > 20*time.Second || errs.Message(err, "id", "") == "" {
			t.Fatalf("4th verification: %v", err)
		}
		// Another institution has its own bucket.
		if _, err := e.svc.Verify(ctx, keyB, qr, verify.Options{}); err != nil {
			t.Fatalf("other institution: %v", err)
		}
		// 3 per minute refill one every 20 s.
		e.clock.Advance(rl.RetryAfter)
		if _, err := e.svc.Verify(ctx, keyA, qr, verify.Options{}); err != nil {
			t.Fatalf("after waiting: %v", err)
		}
		if _, err := e.svc.Verify(ctx, keyA, qr, verify.Options{}); !errors.As(err, &rl) {
			t.Fatalf("again: %v", err)
		}
		// Refused verifications are not recorded: 2 registrations + 5 verifications.
		evs, err := e.st.ListAudit(ctx, 0, 100)
		if err != nil || len(evs) != 7 {
			t.Fatalf("%d events, %v", len(evs), err)
		}
		_ = a
	})
}

func TestCachedTrust(t *testing.T) {
	clock := ikdtest.NewClock(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	fx := verifytest.New(t, clock.Now())
	calls := 0
	trust := lembaga.CachedTrust(func(context.Context) (string, error) { calls++; return fx.TrustList(), nil }, time.Minute, clock.Now)
	for range 3 {
		if l, err := trust(ctx); err != nil || l == nil {
			t.Fatal(err)
		}
	}
	clock.Advance(time.Minute)
	if _, err := trust(ctx); err != nil {
		t.Fatal(err)
	}
	if calls != 2 {
		t.Fatalf("fetched %d times, want 2", calls)
	}
	bad := lembaga.CachedTrust(func(context.Context) (string, error) { return "not a jws", nil }, time.Minute, clock.Now)
	if _, err := bad(ctx); err == nil {
		t.Fatal("bad trust list accepted")
	}
}

func TestFilter(t *testing.T) {
	got := lembaga.Filter(map[string]any{"nama": "X", "nik": "1", "foto": "data:", "foto_hash": "ab", "agama": "ISLAM"}, []string{"foto", "nama"})
	if len(got) != 3 || got["nama"] != "X" || got["foto"] != "data:" || got["foto_hash"] != "ab" {
		t.Fatalf("filter %v", got)
	}
}

func TestRateLimitConcurrent(t *testing.T) {
	e := newEnv(t, ikdtest.NewStore(t))
	_, key, err := e.svc.Register(ctx, "A", "uji", []string{"nama"}, 5)
	if err != nil {
		t.Fatal(err)
	}
	qr := e.fx.QR(verifytest.QR{Idx: verifytest.IdxValid})
	results := make(chan error, 20)
	for range 20 {
		go func() {
			_, err := e.svc.Verify(ctx, key, qr, verify.Options{})
			results <- err
		}()
	}
	ok, limited := 0, 0
	for range 20 {
		var rl *lembaga.RateLimitError
		switch err := <-results; {
		case err == nil:
			ok++
		case errors.As(err, &rl):
			limited++
		default:
			t.Error(err)
		}
	}
	if ok != 5 || limited != 15 {
		t.Fatalf("%d passed, %d limited; want 5 and 15", ok, limited)
	}
}

// TestRateLimitAcrossInstances: two instances (two services, each with its
// own database handle, as two ikd serve behind a load balancer) share an
// institution's quota through the database: alternating between them, the
// institution gets exactly its rate in a minute, not twice it, and the
// next minute opens it again on both.
func TestRateLimitAcrossInstances(t *testing.T) {
	ikdtest.ForEachBackendPair(t, func(t *testing.T, st, other store.Store) {
		e := newEnv(t, st)
		first := e.svc
		first.Quota = st
		second := lembaga.Service{Store: other, Audit: first.Audit, Now: first.Now, Trust: first.Trust, Quota: other}
		// Start inside a minute, so that the minute does not turn during the loop.
		e.clock.Advance(5 * time.Second)
		const rate = 40 // chunks of 2
		_, key, err := first.Register(ctx, "Bank", "uji", []string{"nama"}, rate)
		if err != nil {
			t.Fatal(err)
		}
		qr := e.fx.QR(verifytest.QR{Idx: verifytest.IdxValid})
		count := func(n int) (ok, limited int, wait time.Duration) {
			for i := range n {
				svc := first
				if i%2 == 1 {
					svc = &second
				}
				_, err := svc.Verify(ctx, key, qr, verify.Options{})
				var rl *lembaga.RateLimitError
				switch {
				case err == nil:
					ok++
				case errors.As(err, &rl):
					limited++
					wait = rl.RetryAfter
				default:
					t.Fatal(err)
				}
			}
			return ok, limited, wait
		}
		ok, limited, wait := count(60)
		if ok != rate || limited != 20 || wait <= 0 || wait > 55*time.Second {
			t.Fatalf("first minute: %d verified, %d refused (retry after %v), want %d and 20", ok, limited, wait, rate)
		}
		e.clock.Advance(wait)
		// The buckets of each process have refilled a little by now; the
		// minute's quota is whole again.
		if ok, _, _ := count(2); ok != 2 {
			t.Fatalf("next minute: %d of 2 verified", ok)
		}
	})
}
