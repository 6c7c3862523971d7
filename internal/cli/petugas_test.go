package cli

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/apikey"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/petugas"
	"github.com/ikd-project/ikd/internal/store"
)

func TestPetugas(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			vars := dirVars(t)
			if backend == "postgres" {
				vars["IKD_DATABASE"] = ikdtest.SchemaDSN(t, ikdtest.PostgresDSN(t))
			}
			code, stdout, stderr := run(t, ctx, vars, "petugas", "add", "--username", "budi", "--nama", "Budi Santoso", "--kantor", "DISDUKCAPIL-17.71")
			m := regexp.MustCompile(`API token: (ikdp_\S+)`).FindStringSubmatch(stdout)
			if code != 0 || m == nil || !strings.Contains(stdout, "hanya ditampilkan sekali") || !strings.Contains(stdout, "shown only once") {
				t.Fatalf("add: exit %d\n%s\n%s", code, stdout, stderr)
			}
			token := m[1]
			if strings.Count(stdout, token) != 1 {
				t.Errorf("the token is printed more than once:\n%s", stdout)
			}

			// The token is stored as its hash; it authenticates the officer.
			st := openVars(t, vars)
			p, err := st.GetPetugasByTokenHash(ctx, apikey.Hash(token))
			if err != nil || p.Username != "budi" || p.Nama != "Budi Santoso" || p.KantorKode != "DISDUKCAPIL-17.71" || p.State != store.PetugasAktif {
				t.Fatalf("stored %+v, %v", p, err)
			}
			svc := &petugas.Service{Store: st}
			if got, err := svc.Authenticate(ctx, token); err != nil || got.Username != "budi" {
				t.Fatalf("authenticate: %+v %v", got, err)
			}

			// Refusals change nothing.
			for _, tc := range []struct {
				args []string
				want string
			}{
				{[]string{"--username", "budi", "--nama", "Lain", "--kantor", "DISDUKCAPIL-17.71"}, "sudah dipakai"},
				{[]string{"--username", "citra", "--nama", "Citra", "--kantor", "KANTOR-X"}, "tidak dikenal"},
				{[]string{"--username", "Bad Name", "--nama", "X", "--kantor", "DISDUKCAPIL-17.71"}, "tidak sah"},
				{[]string{"--username", "dedi", "--nama", " ", "--kantor", "DISDUKCAPIL-17.71"}, "wajib"},
			} {
				code, _, stderr := run(t, ctx, vars, append([]string{"petugas", "add"}, tc.args...)...)
				if code != 1 || !strings.Contains(stderr, tc.want) {
					t.Errorf("%v: exit %d %s", tc.args, code, stderr)
				}
			}

			code, stdout, _ = run(t, ctx, vars, "petugas", "list")
			if code != 0 || !strings.Contains(stdout, "budi") || !strings.Contains(stdout, "DISDUKCAPIL-17.71") || !strings.Contains(stdout, "AKTIF") ||
				strings.Contains(stdout, token) || strings.Contains(stdout, p.TokenHash) || strings.Count(stdout, "\n") != 2 {
				t.Errorf("list: exit %d\n%s", code, stdout)
			}
			if code, _, _ := run(t, ctx, vars, "petugas", "nonaktif", "budi"); code != 0 {
				t.Errorf("nonaktif: exit %d", code)
			}
			if _, stdout, _ = run(t, ctx, vars, "petugas", "list"); !strings.Contains(stdout, "NONAKTIF") {
				t.Errorf("list after nonaktif:\n%s", stdout)
			}
			if _, err := svc.Authenticate(ctx, token); err != petugas.ErrNonaktif {
				t.Errorf("authenticate a deactivated officer: %v", err)
			}
			if code, _, stderr := run(t, ctx, vars, "petugas", "nonaktif", "nobody"); code != 1 || !strings.Contains(stderr, "tidak ada") {
				t.Errorf("nonaktif unknown: exit %d %s", code, stderr)
			}

			// Every add and deactivation is in the audit log, without the token.
			evs, err := st.ListAudit(ctx, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range evs {
				if strings.Contains(ev.Detail, token) || strings.Contains(ev.Detail, p.TokenHash) {
					t.Errorf("token in the audit log: %+v", ev)
				}
			}
			if got := auditActions(t, st, "petugas."); got != "petugas.tambah system:cli,petugas.nonaktif system:cli" {
				t.Errorf("audit: %v", got)
			}

			for _, args := range [][]string{{"petugas"}, {"petugas", "frob"}, {"petugas", "add", "--nope"}, {"petugas", "nonaktif"}} {
				if code, _, _ := run(t, ctx, vars, args...); code != 2 {
					t.Errorf("%v: exit %d, want 2", args, code)
				}
			}
		})
	}
}
