//go:build unix

package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/store"
)

// TryLock takes an advisory lock (flock) on the file beside the database
// named for the lock; the kernel releases it when the process ends.
func (s *Store) TryLock(_ context.Context, name string) (func(), error) {
	f, err := os.OpenFile(s.path+".lock-"+name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, store.ErrLocked
		}
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// inUseSuffix names the lock file every open store holds a shared lock on
// and ikd restore an exclusive one.
const inUseSuffix = ".lock-open"

// lockShared takes the shared in-use lock of the database at path. It
// fails at once while ikd restore holds the exclusive one.
func lockShared(path string) (*os.File, error) {
	f, err := os.OpenFile(path+inUseSuffix, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock database in use: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errs.Newf(errs.Unavailable,
				"basis data %s sedang dipulihkan dari cadangan (ikd restore); coba lagi setelah selesai",
				"database %s is being restored from a backup (ikd restore); try again when it is done", path)
		}
		return nil, fmt.Errorf("lock database in use: %w", err)
	}
	return f, nil
}

// LockInUse takes the exclusive in-use lock of the database file at path,
// which no process may hold while any process has the database open
// (Open holds the shared one). It returns store.ErrLocked at once when a
// process has it open, and keeps every process from opening it until
// unlock.
func LockInUse(path string) (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("lock database: %w", err)
	}
	f, err := os.OpenFile(path+inUseSuffix, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock database: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, store.ErrLocked
		}
		return nil, fmt.Errorf("lock database: %w", err)
	}
	return func() { f.Close() }, nil
}
