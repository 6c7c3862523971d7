package petugas_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/petugas"
	"github.com/ikd-project/ikd/internal/store"
)

// accounts returns a service on each backend with a fake clock shared by
// the service and the store.
func accounts(t *testing.T, fn func(t *testing.T, svc *petugas.Service, clock *ikdtest.Clock)) {
	for _, be := range ikdtest.Backends {
		t.Run(be.Name, func(t *testing.T) {
			clock := ikdtest.NewClock(time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC))
			st := be.Open(t, clock.Now)
			if _, err := kantor.Seed(context.Background(), st); err != nil {
				t.Fatal(err)
			}
			log, err := audit.New([]byte(strings.Repeat("k", 32)), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			fn(t, &petugas.Service{Store: st, Audit: log, Actor: "admin", Now: clock.Now}, clock)
		})
	}
}

func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestFirstLoginAndLogin: a supervisor must enrol TOTP with the one-time
// code; then logs in with password and code, and with nothing less.
func TestFirstLoginAndLogin(t *testing.T) {
	ctx := context.Background()
	accounts(t, func(t *testing.T, svc *petugas.Service, clock *ikdtest.Clock) {
		c, err := svc.Create(ctx, petugas.Baru{Username: "sari", Nama: "Sari", Kantor: "DISDUKCAPIL-17.71", Peran: store.PeranSupervisor})
		if err != nil || !c.Petugas.TOTPWajib || c.SetupCode == "" || c.Token == "" {
			t.Fatalf("create: %+v %v", c, err)
		}
		if _, err := svc.Create(ctx, petugas.Baru{Username: "x1", Nama: "X", Kantor: "DISDUKCAPIL-17.71", Peran: "raja"}); !errors.Is(err, errs.Invalid) {
			t.Errorf("unknown role: %v", err)
		}
		// Not yet set up: no login with any password.
		if _, err := svc.Login(ctx, "sari", "", ""); !errors.Is(err, petugas.ErrLogin) {
			t.Errorf("login before setup: %v", err)
		}
		const pw = "kopi-bengkulu-2026"
		secret, uri, err := petugas.NewTOTPSecret("sari")
		if err != nil || !strings.HasPrefix(uri, "otpauth://totp/") {
			t.Fatalf("totp secret: %q %v", uri, err)
		}
		for name, tc := range map[string]struct {
			code, pw, again, secret, totp string
			want                          error
		}{
			"wrong code":     {"AAAA-BBBB-CCCC-DDDD", pw, pw, secret, code(t, secret, clock.Now()), petugas.ErrSetupCode},
			"short password": {c.SetupCode, "pendek", "pendek", secret, code(t, secret, clock.Now()), errs.Invalid},
			"mismatch":       {c.SetupCode, pw, pw + "x", secret, code(t, secret, clock.Now()), errs.Invalid},
			"username in it": {c.SetupCode, "sari-sari-sari", "sari-sari-sari", secret, code(t, secret, clock.Now()), errs.Invalid},
			"no totp":        {c.SetupCode, pw, pw, "", "", errs.Invalid},
			"wrong totp":     {c.SetupCode, pw, pw, secret, "000000", petugas.ErrTOTP},
		} {
			if err := svc.Setup(ctx, "sari", tc.code, tc.pw, tc.again, tc.secret, tc.totp); !errors.Is(err, tc.want) {
				t.Errorf("setup, %s: %v, want %v", name, err, tc.want)
			}
		}
		// The code as typed, lower case and without hyphens, works once.
		typed := strings.ToLower(strings.ReplaceAll(c.SetupCode, "-", ""))
		if err := svc.Setup(ctx, "sari", typed, pw, pw, secret, code(t, secret, clock.Now())); err != nil {
			t.Fatalf("setup: %v", err)
		}
		if err := svc.Setup(ctx, "sari", c.SetupCode, pw, pw, secret, code(t, secret, clock.Now())); !errors.Is(err, petugas.ErrSetupCode) {
			t.Errorf("second use of the code: %v", err)
		}
		clock.Advance(time.Minute)
		if _, err := svc.Login(ctx, "sari", pw, ""); !errors.Is(err, petugas.ErrLogin) {
			t.Errorf("login without the code: %v", err)
		}
		now := code(t, secret, clock.Now())
		p, err := svc.Login(ctx, " SARI ", pw, now)
		if err != nil || p.Username != "sari" || p.Gagal != 0 {
			t.Fatalf("login: %+v %v", p, err)
		}
		// A code is good once: the same code again (read over a shoulder,
		// replayed) is refused, the next one works.
		if _, err := svc.Login(ctx, "sari", pw, now); !errors.Is(err, petugas.ErrLogin) {
			t.Errorf("the same code twice: %v", err)
		}
		clock.Advance(30 * time.Second)
		if _, err := svc.Login(ctx, "sari", pw, code(t, secret, clock.Now())); err != nil {
			t.Errorf("the next code: %v", err)
		}
		if _, err := svc.Login(ctx, "nobody", pw, ""); !errors.Is(err, petugas.ErrLogin) {
			t.Errorf("unknown officer: %v", err)
		}
	})
}

// TestLockout: MaxGagal wrong attempts lock the account for LockFor, even
// against the right password; then it opens again.
func TestLockout(t *testing.T) {
	ctx := context.Background()
	accounts(t, func(t *testing.T, svc *petugas.Service, clock *ikdtest.Clock) {
		c, err := svc.Create(ctx, petugas.Baru{Username: "budi", Nama: "Budi", Kantor: "DISDUKCAPIL-17.71", Peran: store.PeranOperator})
		if err != nil || c.Petugas.TOTPWajib {
			t.Fatalf("create: %+v %v", c, err)
		}
		const pw = "kopi-bengkulu-2026"
		if err := svc.Setup(ctx, "budi", c.SetupCode, pw, pw, "", ""); err != nil {
			t.Fatal(err)
		}
		for i := 1; i < petugas.MaxGagal; i++ {
			if _, err := svc.Login(ctx, "budi", "salah-salah", ""); !errors.Is(err, petugas.ErrLogin) {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		// The lock answers as any wrong login: it must not tell that
		// the username exists. The message names the lock as a reason.
		if _, err := svc.Login(ctx, "budi", "salah-salah", ""); err != petugas.ErrLogin {
			t.Fatalf("attempt %d: %v, want ErrLogin", petugas.MaxGagal, err)
		}
		if _, err := svc.Login(ctx, "budi", pw, ""); err != petugas.ErrLogin {
			t.Errorf("right password while locked: %v, want ErrLogin", err)
		}
		if p, err := svc.Store.GetPetugas(ctx, "budi"); err != nil || !clock.Now().Before(p.TerkunciSampai) {
			t.Errorf("not locked after %d wrong attempts: %+v %v", petugas.MaxGagal, p.TerkunciSampai, err)
		}
		var e *errs.Error
		if !errors.As(petugas.ErrLogin, &e) || !strings.Contains(e.Message("id"), "terkunci sementara") ||
			!strings.Contains(e.Message("en"), "locked for a while") {
			t.Errorf("ErrLogin does not mention the lock: %v", petugas.ErrLogin)
		}
		clock.Advance(petugas.LockFor)
		if _, err := svc.Login(ctx, "budi", pw, ""); err != nil {
			t.Errorf("after the lock: %v", err)
		}
	})
}

// TestSessions: a session works until it is idle for IdleTimeout or past
// SessionLifetime, ends at logout, and every session of an officer ends
// when the officer is deactivated.
func TestSessions(t *testing.T) {
	ctx := context.Background()
	accounts(t, func(t *testing.T, svc *petugas.Service, clock *ikdtest.Clock) {
		c, err := svc.Create(ctx, petugas.Baru{Username: "budi", Nama: "Budi", Kantor: "DISDUKCAPIL-17.71", Peran: store.PeranOperator})
		if err != nil {
			t.Fatal(err)
		}
		p := c.Petugas
		id, se, err := svc.StartSession(ctx, p, "127.0.0.1")
		if err != nil || se.CSRF == "" || strings.Contains(se.IDHash, id) {
			t.Fatalf("start: %+v %v", se, err)
		}
		if _, _, err := svc.Session(ctx, id+"x"); !errors.Is(err, petugas.ErrNoSession) {
			t.Errorf("unknown id: %v", err)
		}
		// Used every 20 minutes, it lasts until its lifetime.
		for elapsed := time.Duration(0); elapsed < petugas.SessionLifetime-20*time.Minute; elapsed += 20 * time.Minute {
			clock.Advance(20 * time.Minute)
			if got, _, err := svc.Session(ctx, id); err != nil || got.Username != "budi" {
				t.Fatalf("after %v: %v", elapsed, err)
			}
		}
		clock.Advance(20 * time.Minute)
		if _, _, err := svc.Session(ctx, id); !errors.Is(err, petugas.ErrNoSession) {
			t.Errorf("past its lifetime: %v", err)
		}

		idle, _, _ := svc.StartSession(ctx, p, "127.0.0.1")
		clock.Advance(petugas.IdleTimeout)
		if _, _, err := svc.Session(ctx, idle); !errors.Is(err, petugas.ErrNoSession) {
			t.Errorf("idle: %v", err)
		}

		out, outSesi, _ := svc.StartSession(ctx, p, "127.0.0.1")
		if err := svc.EndSession(ctx, p, outSesi); err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.Session(ctx, out); !errors.Is(err, petugas.ErrNoSession) {
			t.Errorf("after logout: %v", err)
		}

		a, _, _ := svc.StartSession(ctx, p, "127.0.0.1")
		b, _, _ := svc.StartSession(ctx, p, "10.0.0.2")
		if err := svc.Deactivate(ctx, "budi"); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{a, b} {
			if _, _, err := svc.Session(ctx, id); !errors.Is(err, petugas.ErrNoSession) {
				t.Errorf("after deactivation: %v", err)
			}
		}
	})
}
