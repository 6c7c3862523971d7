package sqlite_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/store/sqlite"
)

// TestOpenRefusesReadableFile: a database file, or its -wal or -shm,
// that other users can read is refused on every open, with the file, its
// mode and the fix in the message; once fixed it opens.
func TestOpenRefusesReadableFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ikd.db")
	st, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Fatalf("new database file has mode %v, want 0600", info.Mode().Perm())
	}
	for _, tc := range []struct {
		file string
		mode os.FileMode
	}{{path, 0o640}, {path, 0o604}, {path + "-wal", 0o644}, {path + "-shm", 0o660}} {
		if tc.file != path {
			if err := os.WriteFile(tc.file, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		os.Chmod(tc.file, tc.mode)
		_, err := sqlite.Open(ctx, path, nil)
		var e *errs.Error
		if !errors.As(err, &e) || !errors.Is(err, errs.Forbidden) || !strings.Contains(e.ID, tc.file+" dapat diakses") ||
			!strings.Contains(e.EN, "chmod 600 "+tc.file) || !strings.Contains(e.EN, "mode "+tc.mode.String()) {
			t.Fatalf("%s with mode %v: %v", tc.file, tc.mode, err)
		}
		os.Chmod(tc.file, 0o600)
		if tc.file != path {
			os.Remove(tc.file)
		}
	}
	st, err = sqlite.Open(ctx, path, nil)
	if err != nil {
		t.Fatalf("open after chmod 600: %v", err)
	}
	st.Close()
}
