package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/app"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/store"
)

// backendVars returns settings for a fresh database of backend in a fresh
// directory.
func backendVars(t *testing.T, backend string) map[string]string {
	vars := dirVars(t)
	if backend == "postgres" {
		vars["IKD_DATABASE"] = ikdtest.SchemaDSN(t, ikdtest.PostgresDSN(t))
	}
	return vars
}

// openVars opens the database vars name, closed when the test ends.
func openVars(t *testing.T, vars map[string]string) store.Store {
	t.Helper()
	cfg := config.Defaults()
	cfg.Database = vars["IKD_DATABASE"]
	st, err := app.OpenStore(context.Background(), &cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestAuditVerifyKeyedChain: an event edited and re-chained with plain
// SHA-256, as by someone with the database but not the audit key, is named
// by ikd audit verify.
func TestAuditVerifyKeyedChain(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			vars := backendVars(t, backend)
			for _, u := range []string{"ani", "budi", "citra"} {
				if code, _, stderr := run(t, ctx, vars, "petugas", "add", "--username", u, "--nama", u, "--kantor", "DISDUKCAPIL-17.71"); code != 0 {
					t.Fatalf("petugas add: exit %d %s", code, stderr)
				}
			}
			code, stdout, _ := run(t, ctx, vars, "audit", "verify")
			if code != 0 || !strings.Contains(stdout, "audit log intact: 3 events") || !strings.Contains(stdout, "head: seq 3 hash ") {
				t.Fatalf("audit verify: exit %d\n%s", code, stdout)
			}
			ikdtest.RechainAuditPlain(t, openVars(t, vars), 2, "penyusup")
			code, stdout, stderr := run(t, ctx, vars, "audit", "verify")
			if code != 1 || !strings.Contains(stdout, "event 2: edited") || !strings.Contains(stdout, "plain SHA-256") ||
				!strings.Contains(stderr, "log audit RUSAK") {
				t.Errorf("audit verify after a plain re-chain: exit %d\n%s\n%s", code, stdout, stderr)
			}
		})
	}
}
