package siakimport

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/store/sqlite"
)

// killChildEnv makes the test binary the child of TestKill9: it imports
// the CSV file into the SQLite database named in the variable
// ("db,csv") and is killed while doing so.
const killChildEnv = "IKD_SIAKIMPORT_KILL_CHILD"

func TestMain(m *testing.M) {
	if v := os.Getenv(killChildEnv); v != "" {
		db, csvPath, _ := strings.Cut(v, ",")
		os.Exit(killChild(db, csvPath))
	}
	os.Exit(m.Run())
}

func killChild(dbPath, csvPath string) int {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, dbPath, nil)
	if err != nil {
		return 2
	}
	f, err := os.Open(csvPath)
	if err != nil {
		return 2
	}
	os.Stdout.WriteString("started\n")
	if _, err := Run(ctx, f, Options{Loader: &storeLoader{st: st}, BatchSize: 200, Now: testNow}); err != nil {
		return 1
	}
	return 0
}

// TestKill9 kills a real import process with SIGKILL at different moments,
// then re-runs the import: the database must end with exactly the rows of a
// clean import.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	rows := people(0, 4000)
	rows = append(rows, with(person(7), "ALAMAT", "JL. KEMUDIAN")) // a later row for an earlier NIK
	file := csvFile(';', allColumns, rows...)
	csvPath := filepath.Join(dir, "siak.csv")
	if err := os.WriteFile(csvPath, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	ref := newSQLiteFile(t, filepath.Join(dir, "ref.db"))
	mustImport(t, ref, file, Options{BatchSize: 200})
	want := snapshot(t, ref)

	for i, delay := range []time.Duration{0, 5 * time.Millisecond, 15 * time.Millisecond, 30 * time.Millisecond, 50 * time.Millisecond, 80 * time.Millisecond, time.Second} {
		dbPath := filepath.Join(dir, "kill"+itoa(i)+".db")
		newSQLiteFile(t, dbPath).Close()
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), killChildEnv+"="+dbPath+","+csvPath)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 8)
		out.Read(buf) // "started": the child has opened the database
		time.Sleep(delay)
		cmd.Process.Kill() // SIGKILL
		cmd.Wait()

		st := newSQLiteFile(t, dbPath)
		n := len(residents(t, st))
		if n%200 != 0 && n != 4000 {
			t.Errorf("killed after %v: %d residents, not whole batches of 200", delay, n)
		}
		mustImport(t, st, file, Options{BatchSize: 200})
		if got := snapshot(t, st); got != want {
			t.Errorf("killed after %v (%d residents committed): the re-run differs from a clean import", delay, n)
		} else {
			t.Logf("killed after %v with %d of %d residents committed; the re-run is exact", delay, n, 4000)
		}
	}
}

func newSQLiteFile(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}
