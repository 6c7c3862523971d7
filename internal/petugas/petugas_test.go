package petugas_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/petugas"
	"github.com/ikd-project/ikd/internal/store"
)

func TestService(t *testing.T) {
	ctx := context.Background()
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		if _, err := kantor.Seed(ctx, st); err != nil {
			t.Fatal(err)
		}
		log, err := audit.New([]byte(strings.Repeat("k", 32)), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		svc := &petugas.Service{Store: st, Audit: log}
		p, token, err := svc.Add(ctx, " budi ", "Budi", "DISDUKCAPIL-17.71")
		if err != nil || p.Username != "budi" || !strings.HasPrefix(token, petugas.TokenPrefix) || strings.Contains(p.TokenHash, token) {
			t.Fatalf("add: %+v %q %v", p, token, err)
		}
		if got, err := svc.Authenticate(ctx, token); err != nil || got.Username != "budi" || got.KantorKode != "DISDUKCAPIL-17.71" {
			t.Fatalf("authenticate: %+v %v", got, err)
		}
		for _, tok := range []string{"", "ikdp_x", token + "x"} {
			if _, err := svc.Authenticate(ctx, tok); !errors.Is(err, petugas.ErrUnknownToken) || !errors.Is(err, errs.Unauthenticated) {
				t.Errorf("token %q: %v", tok, err)
			}
		}
		if _, _, err := svc.Add(ctx, "budi", "Lain", "DISDUKCAPIL-17.71"); !errors.Is(err, errs.Conflict) {
			t.Errorf("same username: %v", err)
		}
		if _, _, err := svc.Add(ctx, "citra", "Citra", "NOPE"); !errors.Is(err, errs.Invalid) {
			t.Errorf("unknown office: %v", err)
		}
		for _, u := range []string{"", "a", "Budi", "budi santoso", "x:y", strings.Repeat("a", 33)} {
			if _, _, err := svc.Add(ctx, u, "X", "DISDUKCAPIL-17.71"); !errors.Is(err, errs.Invalid) {
				t.Errorf("username %q: %v", u, err)
			}
		}
		if err := svc.Deactivate(ctx, "budi"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Authenticate(ctx, token); !errors.Is(err, petugas.ErrNonaktif) {
			t.Errorf("deactivated: %v", err)
		}
		if err := svc.Deactivate(ctx, "nobody"); !errors.Is(err, errs.NotFound) {
			t.Errorf("unknown officer: %v", err)
		}

		evs, err := st.ListAudit(ctx, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, ev := range evs {
			got = append(got, ev.Action+" "+ev.Actor+" "+ev.KantorKode)
		}
		if strings.Join(got, "|") != "petugas.tambah system:petugas DISDUKCAPIL-17.71|petugas.nonaktif system:petugas " {
			t.Errorf("audit: %q", got)
		}
	})
}
