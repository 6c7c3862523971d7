package cli

import (
	"context"
	"os"
	"path/filepath"
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
			addPetugas(t, vars, "ani", "budi", "citra")
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

// addPetugas adds officers through the CLI: one audit event each.
func addPetugas(t *testing.T, vars map[string]string, names ...string) {
	t.Helper()
	for _, u := range names {
		if code, _, stderr := run(t, context.Background(), vars, "petugas", "add", "--username", u, "--nama", u, "--kantor", "DISDUKCAPIL-17.71"); code != 0 {
			t.Fatalf("petugas add %s: exit %d %s", u, code, stderr)
		}
	}
}

// TestAuditCheckpointTruncation: cutting events from the end of the log
// and rewinding its head leaves a consistent chain, which the seen file and
// a checkpoint taken before show as truncated; so is a downgrade to an
// unkeyed chain.
func TestAuditCheckpointTruncation(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			vars := backendVars(t, backend)
			addPetugas(t, vars, "ani", "budi", "citra")
			cp := filepath.Join(t.TempDir(), "checkpoint.txt")
			code, stdout, stderr := run(t, ctx, vars, "audit", "checkpoint", "--out", cp)
			if code != 0 || !strings.HasPrefix(stdout, "ikd-audit-checkpoint v1 seq=3 ") {
				t.Fatalf("checkpoint: exit %d\n%s\n%s", code, stdout, stderr)
			}
			addPetugas(t, vars, "dedi")
			if code, stdout, _ := run(t, ctx, vars, "audit", "verify", "--checkpoint", cp); code != 0 || !strings.Contains(stdout, "checkpoint "+cp+" matches") {
				t.Fatalf("verify with a checkpoint behind the head: exit %d\n%s", code, stdout)
			}

			db := ikdtest.AuditRawDB(t, openVars(t, vars))
			for _, q := range []string{"DELETE FROM audit_event WHERE seq > 2",
				"UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_event WHERE seq = 2)"} {
				if _, err := db.Exec(q); err != nil {
					t.Fatal(err)
				}
			}
			// The chain is consistent in itself, but the seen file next to
			// the audit key recorded event 3 at the last start.
			if code, stdout, _ := run(t, ctx, vars, "audit", "verify"); code != 1 || !strings.Contains(stdout, "event 3: deleted") ||
				!strings.Contains(stdout, "saw event 3") {
				t.Fatalf("verify of a truncated chain without a checkpoint: exit %d\n%s", code, stdout)
			}
			code, stdout, stderr = run(t, ctx, vars, "audit", "verify", "--checkpoint", cp)
			if code != 1 || !strings.Contains(stdout, "event 3: truncated") || !strings.Contains(stderr, "log audit RUSAK") {
				t.Errorf("verify a truncated log against its checkpoint: exit %d\n%s\n%s", code, stdout, stderr)
			}

			forged := strings.Replace(readFile(t, cp), "seq=3 ", "seq=2 ", 1)
			os.WriteFile(cp, []byte(forged), 0o600)
			if code, _, stderr := run(t, ctx, vars, "audit", "verify", "--checkpoint", cp); code != 1 || !strings.Contains(stderr, "checkpoint "+cp+" tidak sah") {
				t.Errorf("an altered checkpoint: exit %d %s", code, stderr)
			}
		})
	}
}

// TestAuditVerifyDowngrade (security review, HIGH): deleting the chain
// marker and re-chaining the whole log with plain SHA-256, as someone with
// the database but not the audit key can, fails ikd audit verify (the
// chain file next to the audit key says the chain is keyed), with and
// without a checkpoint, and the next command that records refuses to run
// rather than re-marking the chain.
func TestAuditVerifyDowngrade(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			vars := backendVars(t, backend)
			addPetugas(t, vars, "ani", "budi")
			cp := filepath.Join(t.TempDir(), "checkpoint.txt")
			if code, _, stderr := run(t, ctx, vars, "audit", "checkpoint", "--out", cp); code != 0 {
				t.Fatalf("checkpoint: exit %d %s", code, stderr)
			}
			st := openVars(t, vars)
			ikdtest.RechainAuditPlain(t, st, 1, "penyusup")
			if _, err := ikdtest.AuditRawDB(t, st).Exec("DELETE FROM meta WHERE key = 'audit.chain'"); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := run(t, ctx, vars, "audit", "verify")
			if code != 1 || !strings.Contains(stdout, "bad_marker") || !strings.Contains(stdout, "event 1: edited") ||
				!strings.Contains(stderr, "penanda rantai (meta audit.chain) hilang") {
				t.Errorf("verify a downgraded log: exit %d\n%s\n%s", code, stdout, stderr)
			}
			code, stdout, _ = run(t, ctx, vars, "audit", "verify", "--checkpoint", cp)
			if code != 1 || !strings.Contains(stdout, "bad_marker") || !strings.Contains(stdout, "event 2: checkpoint_mismatch") {
				t.Errorf("verify a downgraded log against its checkpoint: exit %d\n%s", code, stdout)
			}
			if code, _, stderr := run(t, ctx, vars, "petugas", "add", "--username", "citra", "--nama", "citra", "--kantor", "DISDUKCAPIL-17.71"); code != 1 ||
				!strings.Contains(stderr, "HILANG") {
				t.Errorf("a command that records, after the marker was deleted: exit %d %s", code, stderr)
			}
			if _, err := st.GetMeta(ctx, "audit.chain"); !store.IsNotFound(err) {
				t.Errorf("a new chain marker was written over the deleted one: %v", err)
			}
		})
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestMigrateGrant: after ikd migrate --grant ROLE as the owner, commands
// run as ROLE work and keep the audit log intact; --grant on SQLite is
// refused.
func TestMigrateGrant(t *testing.T) {
	ctx := context.Background()
	if code, _, stderr := run(t, ctx, dirVars(t), "migrate", "--grant", "ikd_app"); code != 1 || !strings.Contains(stderr, "hanya untuk PostgreSQL") {
		t.Errorf("--grant on SQLite: exit %d %s", code, stderr)
	}
	vars := backendVars(t, "postgres")
	role := ikdtest.NewRole(t)
	code, stdout, stderr := run(t, ctx, vars, "migrate", "--grant", role)
	if code != 0 || !strings.Contains(stdout, "only SELECT/INSERT on audit_event") {
		t.Fatalf("migrate --grant: exit %d\n%s\n%s", code, stdout, stderr)
	}
	vars["IKD_DATABASE"] = ikdtest.AsRole(t, vars["IKD_DATABASE"], role)
	addPetugas(t, vars, "ani", "budi")
	if code, stdout, _ := run(t, ctx, vars, "audit", "verify"); code != 0 || !strings.Contains(stdout, "audit log intact: 2 events") {
		t.Errorf("audit verify as the app role: exit %d\n%s", code, stdout)
	}
}
