//go:build unix

package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/store/sqlite"
)

// TestInUseLock: while a store has the database open, LockInUse refuses;
// while LockInUse holds it, Open refuses; after Close it can be taken.
func TestInUseLock(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ikd.db")
	st, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	second, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		t.Fatalf("a second open while the first is open: %v", err)
	}
	second.Close()
	if _, err := sqlite.LockInUse(path); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("LockInUse with the database open: %v, want ErrLocked", err)
	}
	st.Close()
	unlock, err := sqlite.LockInUse(path)
	if err != nil {
		t.Fatalf("LockInUse after Close: %v", err)
	}
	if s, err := sqlite.Open(ctx, path, nil); err == nil {
		s.Close()
		t.Fatal("Open while LockInUse holds the database succeeded")
	}
	unlock()
	s, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		t.Fatalf("Open after unlock: %v", err)
	}
	s.Close()
}
