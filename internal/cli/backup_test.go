package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/app"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/petugas"
	"github.com/ikd-project/ikd/internal/store"
)

// writes is what the load's writers committed: each officer's username
// with the moments its creation started and returned.
type writes struct {
	mu   sync.Mutex
	done map[string][2]time.Time
}

// load runs writers officers-creating goroutines through the real
// petugas service on a handle of its own (as another process would) until
// stop is closed, and returns what they committed.
func load(t *testing.T, vars map[string]string, writers int, stop <-chan struct{}) func() *writes {
	t.Helper()
	ctx := context.Background()
	cfg := varsConfig(t, vars)
	st, err := app.OpenStore(ctx, &cfg)
	if err != nil {
		t.Fatal(err)
	}
	l, err := app.NewAuditLog(ctx, &cfg, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	svc := &petugas.Service{Store: st, Audit: l, Actor: "system:test"}
	w := &writes{done: map[string][2]time.Time{}}
	var wg sync.WaitGroup
	errc := make(chan error, writers)
	for g := range writers {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				u, start := fmt.Sprintf("beban%d_%d", g, i), time.Now()
				_, err := svc.Create(ctx, petugas.Baru{Username: u, Nama: u, Kantor: "DISDUKCAPIL-17.71", Peran: store.PeranOperator})
				if errors.Is(err, store.ErrBusy) {
					continue
				}
				if err != nil {
					errc <- err
					return
				}
				w.mu.Lock()
				w.done[u] = [2]time.Time{start, time.Now()}
				w.mu.Unlock()
			}
		})
	}
	return func() *writes {
		wg.Wait()
		st.Close()
		close(errc)
		for err := range errc {
			t.Errorf("writer: %v", err)
		}
		return w
	}
}

// varsConfig is the configuration the commands see with vars.
func varsConfig(t *testing.T, vars map[string]string) config.Config {
	t.Helper()
	cfg := config.Defaults()
	getenv := func(k string) string { return vars[k] }
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	cfg.Register(fs, getenv, "database", "data-dir")
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Finish(getenv); err != nil {
		t.Fatal(err)
	}
	return cfg
}

var checkpointSeq = regexp.MustCompile(`^ikd-audit-checkpoint v1 seq=(\d+) `)

// readCheckpointSeq returns the event a checkpoint file names.
func readCheckpointSeq(t *testing.T, file string) int64 {
	t.Helper()
	m := checkpointSeq.FindStringSubmatch(readFile(t, file))
	if m == nil {
		t.Fatalf("checkpoint %s: %q", file, readFile(t, file))
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// freshDir returns settings for an empty data directory holding only the
// audit key and chain file of vars' directory, as an office restoring on a
// new machine has them from the keys' own backup.
func freshDir(t *testing.T, vars map[string]string) map[string]string {
	t.Helper()
	fresh := dirVars(t)
	for _, f := range []string{"audit.key", "audit.chain"} {
		b, err := os.ReadFile(filepath.Join(vars["IKD_DATA_DIR"], f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(fresh["IKD_DATA_DIR"], f), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return fresh
}

// checkRestored checks a restored database against the checkpoint's head
// seq and the load's writes during the backup from start to end: the log
// ends at seq, every officer's creation event is there with the officer
// and no officer without it, every write that returned before the backup
// began is in it, none that began after it ended.
func checkRestored(t *testing.T, st store.Store, seq int64, w *writes, start, end time.Time) {
	t.Helper()
	ctx := context.Background()
	events, err := st.ListAudit(ctx, 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(events)) != seq || events[len(events)-1].Seq != seq {
		t.Fatalf("restored audit log has %d events, the checkpoint names event %d", len(events), seq)
	}
	logged := map[string]bool{}
	for _, e := range events {
		if e.Action == petugas.ActionTambah {
			var d struct{ Petugas string }
			json.Unmarshal([]byte(e.Detail), &d)
			logged[d.Petugas] = true
		}
	}
	list, err := st.ListPetugas(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(logged) {
		t.Errorf("restored: %d officers, %d officer creations in the audit log", len(list), len(logged))
	}
	for _, p := range list {
		if !logged[p.Username] {
			t.Errorf("officer %s restored without its audit event", p.Username)
		}
	}
	var before, during int
	for u, at := range w.done {
		switch {
		case at[1].Before(start):
			before++
			if !logged[u] {
				t.Errorf("officer %s, committed before the backup began, is not in it", u)
			}
		case at[0].After(end):
			if logged[u] {
				t.Errorf("officer %s, created after the backup ended, is in it", u)
			}
		default:
			during++
		}
	}
	t.Logf("restored %d events: %d officers committed before the backup, %d written while it ran", seq, before, during)
	if before == 0 || during == 0 {
		t.Errorf("the load wrote %d officers before the backup and %d during it; want some of each", before, during)
	}
}

// TestBackupUnderLoadRestores: ikd backup, taken while ikd serve runs and
// writers commit officers, restores into a fresh data directory with every
// event up to its checkpoint and each officer with its audit event; the
// restored chain verifies against the checkpoint and the database serves.
// Restored over the live database, whose log has gone on since, it needs
// ikd audit accept-restore before ikd starts again.
func TestBackupUnderLoadRestores(t *testing.T) {
	ctx := context.Background()
	vars := dirVars(t)
	addPetugas(t, vars, "awal")
	base, stopServe, serveErr := startServe(t, vars)
	stop := make(chan struct{})
	wait := load(t, vars, 3, stop)
	time.Sleep(500 * time.Millisecond)
	out := filepath.Join(t.TempDir(), "ikd-backup.db")
	start := time.Now()
	code, stdout, stderr := run(t, ctx, vars, "backup", "--out", out)
	end := time.Now()
	if c, body := get(t, base+"readyz"); c != 200 {
		t.Errorf("/readyz while backing up: %d %s", c, body)
	}
	time.Sleep(300 * time.Millisecond)
	close(stop)
	w := wait()
	if code != 0 || !strings.Contains(stdout, "backup written: "+out) {
		t.Fatalf("backup: exit %d\n%s\n%s", code, stdout, stderr)
	}
	seq := readCheckpointSeq(t, out+".checkpoint")

	fresh := freshDir(t, vars)
	code, stdout, stderr = run(t, ctx, fresh, "restore", "--from", out)
	if code != 0 || !strings.Contains(stdout, fmt.Sprintf("audit log intact up to event %d", seq)) || !strings.Contains(stdout, "ikd audit accept-restore") {
		t.Fatalf("restore into a fresh directory: exit %d\n%s\n%s", code, stdout, stderr)
	}
	checkRestored(t, openVars(t, fresh), seq, w, start, end)
	if code, stdout, _ := run(t, ctx, fresh, "audit", "verify", "--checkpoint", out+".checkpoint"); code != 0 ||
		!strings.Contains(stdout, fmt.Sprintf("audit log intact: %d events", seq)) {
		t.Errorf("audit verify of the restored database: exit %d\n%s", code, stdout)
	}
	freshBase, stopFresh, freshErr := startServe(t, fresh)
	if c, body := get(t, freshBase+"readyz"); c != 200 {
		t.Errorf("/readyz of the restored database: %d %s", c, body)
	}
	if c := stopFresh(); c != 0 {
		t.Errorf("serve on the restored database: exit %d %s", c, freshErr)
	}

	if c := stopServe(); c != 0 {
		t.Fatalf("serve: exit %d %s", c, serveErr)
	}
	restoreOverLive(t, vars, out, seq)
}

// restoreOverLive restores the backup out (head seq) over the database of
// vars, whose log has gone on since: ikd refuses to start on it until the
// restore is accepted (--accept), and the replaced database is kept.
func restoreOverLive(t *testing.T, vars map[string]string, out string, seq int64) {
	t.Helper()
	ctx := context.Background()
	code, stdout, stderr := run(t, ctx, vars, "restore", "--from", out)
	if code != 0 || !strings.Contains(stdout, "the replaced database is kept as ") {
		t.Fatalf("restore over the live database: exit %d\n%s\n%s", code, stdout, stderr)
	}
	kept, _ := filepath.Glob(filepath.Join(vars["IKD_DATA_DIR"], "ikd.db.before-restore-*"))
	if len(kept) != 1 {
		t.Errorf("replaced database kept as %v, want one file", kept)
	}
	if code, _, stderr := run(t, ctx, vars, "migrate"); code != 0 {
		t.Errorf("migrate of the restored database: exit %d %s", code, stderr)
	}
	if code, _, stderr := run(t, ctx, vars, "petugas", "list"); code != 1 || !strings.Contains(stderr, "ikd audit accept-restore") {
		t.Errorf("a command on the restored database before accepting it: exit %d %s", code, stderr)
	}
	code, stdout, stderr = run(t, ctx, vars, "restore", "--from", out, "--accept")
	if code != 0 || !strings.Contains(stdout, fmt.Sprintf("restore accepted: the audit log now ends at event %d", seq)) {
		t.Fatalf("restore --accept: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if code, stdout, _ := run(t, ctx, vars, "audit", "verify", "--checkpoint", out+".checkpoint"); code != 0 {
		t.Errorf("audit verify after accepting: exit %d\n%s", code, stdout)
	}
	base, stop, serveErr := startServe(t, vars)
	if c, body := get(t, base+"readyz"); c != 200 {
		t.Errorf("/readyz after the accepted restore: %d %s", c, body)
	}
	if c := stop(); c != 0 {
		t.Errorf("serve after the accepted restore: exit %d %s", c, serveErr)
	}
}

// TestRestoreRefusals: a restore while a server has the database open, of
// a missing file, of a file that is no database or no ikd database, with a
// missing, forged or mismatched checkpoint, or of a backup whose audit
// chain was edited, is refused with its own message and changes nothing;
// ikd backup does not overwrite without --force.
func TestRestoreRefusals(t *testing.T) {
	ctx := context.Background()
	vars := dirVars(t)
	addPetugas(t, vars, "ani", "budi", "citra")
	dir := t.TempDir()
	out := filepath.Join(dir, "b.db")
	if code, _, stderr := run(t, ctx, vars, "backup", "--out", out); code != 0 {
		t.Fatalf("backup: exit %d %s", code, stderr)
	}
	if code, _, stderr := run(t, ctx, vars, "backup", "--out", out); code != 1 || !strings.Contains(stderr, "tidak menimpanya tanpa --force") {
		t.Errorf("backup over an existing file: exit %d %s", code, stderr)
	}
	if code, _, stderr := run(t, ctx, vars, "backup", "--out", out, "--force"); code != 0 {
		t.Errorf("backup --force: exit %d %s", code, stderr)
	}
	none := dirVars(t)
	if code, _, stderr := run(t, ctx, none, "backup", "--out", filepath.Join(dir, "x.db")); code != 1 || !strings.Contains(stderr, "tidak ada") {
		t.Errorf("backup of a database that does not exist: exit %d %s", code, stderr)
	}
	otherKey := freshDir(t, vars)
	writeTemp(t, otherKey["IKD_DATA_DIR"], "audit.key", []byte(strings.Repeat("k", 32)))
	if code, _, stderr := run(t, ctx, otherKey, "restore", "--from", out); code != 1 || !strings.Contains(stderr, "is not the key this database's audit log was written with") {
		t.Errorf("restore with another audit key: exit %d %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(otherKey["IKD_DATA_DIR"], "ikd.db")); err == nil {
		t.Errorf("a refused restore into a fresh directory left a database there")
	}
	addPetugas(t, vars, "dedi")
	later := filepath.Join(dir, "later.checkpoint")
	if code, _, stderr := run(t, ctx, vars, "audit", "checkpoint", "--out", later); code != 0 {
		t.Fatalf("checkpoint: exit %d %s", code, stderr)
	}

	_, stopServe, _ := startServe(t, vars)
	if code, _, stderr := run(t, ctx, vars, "restore", "--from", out); code != 1 || !strings.Contains(stderr, "sedang dipakai proses ikd lain") {
		t.Errorf("restore while serving: exit %d %s", code, stderr)
	}
	stopServe()

	for _, c := range []struct {
		name, from, checkpoint, want string
	}{
		{"missing file", filepath.Join(dir, "tidak-ada.db"), "", "tidak-ada.db tidak ada"},
		{"not a database", writeTemp(t, dir, "teks.db", []byte("bukan basis data")), "", "bukan basis data SQLite"},
		{"not an ikd database", otherSQLite(t, dir), "", "bukan basis data ikd"},
		{"missing checkpoint", out, filepath.Join(dir, "hilang.checkpoint"), "hilang.checkpoint tidak ada"},
		{"forged checkpoint", out, writeTemp(t, dir, "palsu.checkpoint", []byte(strings.Replace(readFile(t, out+".checkpoint"), "seq=3 ", "seq=4 ", 1))), "tidak sah"},
		{"checkpoint of another head", out, later, "tidak cocok dengan cadangan"},
		{"edited chain", editedBackup(t, out), "", "RUSAK"},
	} {
		args := []string{"restore", "--from", c.from}
		if c.checkpoint != "" {
			args = append(args, "--checkpoint", c.checkpoint)
		}
		if code, _, stderr := run(t, ctx, vars, args...); code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d %s; want %q", c.name, code, stderr, c.want)
		}
	}
	if kept, _ := filepath.Glob(filepath.Join(vars["IKD_DATA_DIR"], "ikd.db.before-restore-*")); len(kept) != 0 {
		t.Errorf("a refused restore replaced the database: %v", kept)
	}
	if code, stdout, _ := run(t, ctx, vars, "audit", "verify", "--checkpoint", later); code != 0 || !strings.Contains(stdout, "audit log intact: 4 events") {
		t.Errorf("the database after the refused restores: exit %d\n%s", code, stdout)
	}
}

func writeTemp(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// otherSQLite writes an SQLite database that is not ikd's, with a
// checkpoint file beside it.
func otherSQLite(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "lain.db")
	db, err := sql.Open("sqlite", p)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE catatan (x TEXT)"); err != nil {
		t.Fatal(err)
	}
	writeTemp(t, dir, "lain.db.checkpoint", []byte("ikd-audit-checkpoint v1\n"))
	return p
}

// editedBackup copies the backup out with its checkpoint and edits an
// event of the copy's audit log, as someone with the file but not the
// audit key could.
func editedBackup(t *testing.T, out string) string {
	t.Helper()
	p := filepath.Join(filepath.Dir(out), "diubah.db")
	writeTemp(t, filepath.Dir(p), "diubah.db", []byte(readFile(t, out)))
	writeTemp(t, filepath.Dir(p), "diubah.db.checkpoint", []byte(readFile(t, out+".checkpoint")))
	st := openVars(t, map[string]string{"IKD_DATABASE": "sqlite:" + p})
	if _, err := ikdtest.AuditRawDB(t, st).Exec("UPDATE audit_event SET actor = 'penyusup' WHERE seq = 2"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	return p
}
