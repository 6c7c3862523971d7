package cli

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/ikdtest"
)

// scratchDatabase creates an empty PostgreSQL database on the test server,
// dropped when the test ends, and returns dsn pointed at it (keeping its
// search_path).
func scratchDatabase(t *testing.T, dsn string) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	name := "ikdtest_restore_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", ikdtest.PostgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec("DROP DATABASE " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// TestBackupRestorePostgres: on PostgreSQL, ikd backup runs pg_dump of one
// snapshot while writers commit officers, and its checkpoint names that
// snapshot's head; ikd restore runs pg_restore into an empty database,
// whose every event up to the checkpoint is there and whose chain
// verifies; a restore into a database that is not empty, and a backup
// without pg_dump on PATH, are refused.
func TestBackupRestorePostgres(t *testing.T) {
	if _, err := exec.LookPath("pg_dump"); err != nil && os.Getenv("CI") != "true" {
		t.Skip("pg_dump is not installed")
	}
	ctx := context.Background()
	vars := backendVars(t, "postgres")
	addPetugas(t, vars, "awal")
	stop := make(chan struct{})
	wait := load(t, vars, 3, stop)
	time.Sleep(500 * time.Millisecond)
	out := filepath.Join(t.TempDir(), "ikd.dump")
	start := time.Now()
	code, stdout, stderr := run(t, ctx, vars, "backup", "--out", out)
	end := time.Now()
	time.Sleep(300 * time.Millisecond)
	close(stop)
	w := wait()
	if code != 0 || !strings.Contains(stdout, "backup written: "+out) || !strings.HasPrefix(readFile(t, out), "PGDMP") {
		t.Fatalf("backup: exit %d\n%s\n%s", code, stdout, stderr)
	}
	seq := readCheckpointSeq(t, out+".checkpoint")

	fresh := freshDir(t, vars)
	fresh["IKD_DATABASE"] = scratchDatabase(t, vars["IKD_DATABASE"])
	code, stdout, stderr = run(t, ctx, fresh, "restore", "--from", out, "--accept")
	if code != 0 || !strings.Contains(stdout, fmt.Sprintf("audit log intact up to event %d", seq)) || !strings.Contains(stdout, "restore accepted") {
		t.Fatalf("restore into an empty database: exit %d\n%s\n%s", code, stdout, stderr)
	}
	checkRestored(t, openVars(t, fresh), seq, w, start, end)
	if code, stdout, _ := run(t, ctx, fresh, "audit", "verify", "--checkpoint", out+".checkpoint"); code != 0 {
		t.Errorf("audit verify of the restored database: exit %d\n%s", code, stdout)
	}
	if code, _, stderr := run(t, ctx, fresh, "migrate"); code != 0 {
		t.Errorf("migrate the restored database: exit %d %s", code, stderr)
	}
	addPetugas(t, fresh, "sesudah")
	if code, _, stderr := run(t, ctx, fresh, "restore", "--from", out); code != 1 || !strings.Contains(stderr, "sudah berisi tabel ikd") {
		t.Errorf("restore into a database that is not empty: exit %d %s", code, stderr)
	}

	t.Setenv("PATH", t.TempDir())
	if code, _, stderr := run(t, ctx, vars, "backup", "--out", out+"2"); code != 1 || !strings.Contains(stderr, "pg_dump tidak ditemukan di PATH") {
		t.Errorf("backup without pg_dump: exit %d %s", code, stderr)
	}
}
