//go:build unix

package sqlite_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ikd-project/ikd/internal/store/sqlite"
)

// childEnv names the database a re-executed test binary inspects.
const childEnv = "IKD_TEST_SQLITE_LOCK_CHILD"

// SQLite's lock bytes (os_unix.c): the SHARED lock is a read lock on some
// of the 510 bytes after the pending and reserved bytes at 1 GiB.
const (
	sharedFirst = 0x40000000 + 2
	sharedSize  = 510
)

// TestSecondOpenKeepsLocks is the regression test of issue 7. A process
// holding the database open, then opening it a second time (serve --demo
// does), must keep its locks where other processes see them: otherwise
// another process that opens and closes the database (the sqlite3 shell,
// an ikd CLI command) believes it is alone, checkpoints and deletes the
// -wal and -shm files in use, and the first process's reads of the WAL
// fail with "disk I/O error (522)". A child process asks the kernel whether
// it could take SQLite's exclusive lock.
func TestSecondOpenKeepsLocks(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ikd.db")
	first := open(t, ctx, path)
	if err := first.SetMeta(ctx, "test.a", "1"); err != nil {
		t.Fatal(err)
	}
	if got := lockSeenByOtherProcess(t, path); got != "locked" {
		t.Fatalf("before a second open, another process sees the database %s; want locked", got)
	}
	second := open(t, ctx, path)
	second.Close()
	if got := lockSeenByOtherProcess(t, path); got != "locked" {
		t.Fatalf("after a second open in the same process, another process sees the database %s; want locked (its close would delete the -wal and -shm in use)", got)
	}
	if _, err := first.GetMeta(ctx, "test.a"); err != nil {
		t.Fatalf("read after the second open: %v", err)
	}
}

// lockSeenByOtherProcess runs TestLockProbe in a child process and
// returns what it printed: "locked" or "unlocked".
func lockSeenByOtherProcess(t *testing.T, path string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockProbe$", "-test.v")
	cmd.Env = append(os.Environ(), childEnv+"="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("lock probe: %v\n%s", err, out)
	}
	for _, w := range []string{"unlocked", "locked"} {
		if strings.Contains(string(out), "probe: "+w) {
			return w
		}
	}
	t.Fatalf("lock probe printed no answer:\n%s", out)
	return ""
}

// TestLockProbe is the child of lockSeenByOtherProcess: it asks the kernel
// (F_GETLK) whether a write lock on SQLite's SHARED bytes would conflict
// with a lock of another process, without taking one. Run on its own it
// does nothing.
func TestLockProbe(t *testing.T) {
	path := os.Getenv(childEnv)
	if path == "" {
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: sharedFirst, Len: sharedSize}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk); err != nil {
		t.Fatal(err)
	}
	if lk.Type == syscall.F_UNLCK {
		t.Log("probe: unlocked")
	} else {
		t.Log("probe: locked")
	}
}

func open(t *testing.T, ctx context.Context, path string) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}
