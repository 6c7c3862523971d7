package cli

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/lembaga"
	"github.com/ikd-project/ikd/internal/store"
)

func TestLembaga(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			vars := dirVars(t)
			if backend == "postgres" {
				vars["IKD_DATABASE"] = ikdtest.SchemaDSN(t, ikdtest.PostgresDSN(t))
			}
			code, stdout, stderr := run(t, ctx, vars, "lembaga", "add", "--nama", "Bank Bengkulu", "--purpose", "pembukaan rekening",
				"--fields", "nama,nik,age_over_17", "--rate", "120")
			m := regexp.MustCompile(`API key: (ikdk_\S+)`).FindStringSubmatch(stdout)
			if code != 0 || m == nil || !strings.Contains(stdout, "hanya ditampilkan sekali") || !strings.Contains(stdout, "shown only once") {
				t.Fatalf("add: exit %d\n%s\n%s", code, stdout, stderr)
			}
			key := m[1]
			if strings.Count(stdout, key) != 1 {
				t.Errorf("the key is printed more than once:\n%s", stdout)
			}

			// The key is stored as its hash, with the registration.
			st := openVars(t, vars)
			l, err := st.GetLembagaByKeyHash(ctx, lembaga.HashKey(key))
			if err != nil || l.Nama != "Bank Bengkulu" || l.RatePerMinute != 120 || l.State != store.LembagaAktif ||
				strings.Join(l.AllowedFields, ",") != "nama,nik,age_over_17" {
				t.Fatalf("stored %+v, %v", l, err)
			}

			// Refusals change nothing.
			code, _, stderr = run(t, ctx, vars, "lembaga", "add", "--nama", "X", "--purpose", "uji", "--fields", "nama,alamat")
			if code != 1 || !strings.Contains(stderr, "alamat") || !strings.Contains(stderr, "tidak dikenal") {
				t.Errorf("unknown field: exit %d %s", code, stderr)
			}
			vars["IKD_LANG"] = "en"
			code, _, stderr = run(t, ctx, vars, "lembaga", "add", "--nama", "X", "--purpose", "", "--fields", "nama")
			if code != 1 || !strings.Contains(stderr, "purpose is required") {
				t.Errorf("empty purpose: exit %d %s", code, stderr)
			}
			code, _, stderr = run(t, ctx, vars, "lembaga", "add", "--nama", "X", "--purpose", "uji", "--fields", "nama", "--rate", "0")
			if code != 1 || !strings.Contains(stderr, "outside 1..6000") {
				t.Errorf("rate 0: exit %d %s", code, stderr)
			}
			delete(vars, "IKD_LANG")

			code, stdout, _ = run(t, ctx, vars, "lembaga", "list")
			if code != 0 || !strings.Contains(stdout, l.ID) || !strings.Contains(stdout, "pembukaan rekening") || strings.Contains(stdout, key) ||
				strings.Contains(stdout, l.APIKeyHash) || strings.Count(stdout, "\n") != 2 {
				t.Errorf("list: exit %d\n%s", code, stdout)
			}
			if code, _, _ := run(t, ctx, vars, "lembaga", "revoke", l.ID); code != 0 {
				t.Errorf("revoke: exit %d", code)
			}
			if code, stdout, _ = run(t, ctx, vars, "lembaga", "list"); !strings.Contains(stdout, "DICABUT") {
				t.Errorf("list after revoke:\n%s", stdout)
			}
			if code, _, stderr := run(t, ctx, vars, "lembaga", "revoke", "lbg-none"); code != 1 || !strings.Contains(stderr, "tidak ada") {
				t.Errorf("revoke unknown: exit %d %s", code, stderr)
			}
			for _, args := range [][]string{{"lembaga"}, {"lembaga", "frob"}, {"lembaga", "add", "--nope"}} {
				if code, _, _ := run(t, ctx, vars, args...); code != 2 {
					t.Errorf("%v: exit %d, want 2", args, code)
				}
			}
		})
	}
}
