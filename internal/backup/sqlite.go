package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/store/sqlite"
)

// sqliteMagic starts every SQLite database file.
const sqliteMagic = "SQLite format 3\x00"

// SQLite writes an online, consistent copy of the live database st to out
// (VACUUM INTO a temporary file beside out: one read snapshot, so the
// server's writers go on), checks the copy's audit chain with l, and
// writes the signed checkpoint of the copy's head to CheckpointFile(out).
// An existing out is replaced only with force.
func SQLite(ctx context.Context, st *sqlite.Store, l *audit.Log, out string, force bool) (Result, error) {
	start := time.Now()
	if err := checkOut(out, force); err != nil {
		return Result{}, err
	}
	tmp, err := tempBeside(out, ".tmp")
	if err != nil {
		return Result{}, err
	}
	defer removeDB(tmp)
	if err := st.BackupTo(ctx, tmp); err != nil {
		return Result{}, err
	}
	res, err := checkCopy(ctx, tmp, l)
	if err != nil {
		return Result{}, err
	}
	if err := place(tmp, out, force); err != nil {
		return Result{}, err
	}
	if err := writeCheckpoint(l, out, res.Head, res.KeyedSince, force); err != nil {
		return Result{}, err
	}
	info, err := os.Stat(out)
	if err != nil {
		return Result{}, fmt.Errorf("backup %s: %w", out, err)
	}
	return Result{File: out, CheckpointFile: CheckpointFile(out), Head: res.Head, Bytes: info.Size(), Took: time.Since(start)}, nil
}

// checkCopy opens a fresh copy, verifies its audit chain, and leaves it
// closed and synced, without -wal or -shm beside it.
func checkCopy(ctx context.Context, file string, l *audit.Log) (audit.Result, error) {
	cp, err := sqlite.OpenCopy(ctx, file)
	if err != nil {
		return audit.Result{}, err
	}
	res, err := verified(ctx, l, cp, what{"salinan cadangan", "the backup copy"})
	if cerr := cp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close backup copy: %w", cerr)
	}
	if err != nil {
		return res, err
	}
	return res, syncFile(file)
}

// RestoreSQLite replaces the SQLite database at target with the backup
// from, after checking that no process has target open (the in-use lock),
// that from is an ikd database whose audit chain verifies with the log
// openLog gives and ends exactly at the checkpoint in checkpointFile. The
// checks run on a copy beside target, which then takes target's name in
// one rename; the database it replaces is kept as
// target.before-restore-TIMESTAMP (with its -wal, if any). Nothing is
// changed when a check fails.
func RestoreSQLite(ctx context.Context, from, checkpointFile, target string, openLog OpenLog) (Restored, error) {
	if err := statBackup(from); err != nil {
		return Restored{}, err
	}
	if ok, err := hasMagic(from, sqliteMagic); err != nil {
		return Restored{}, err
	} else if !ok {
		return Restored{}, errs.Newf(errs.Invalid, "%s bukan basis data SQLite (bukan cadangan dari ikd backup)",
			"%s is not an SQLite database (not a backup made by ikd backup)", from)
	}
	unlock, err := sqlite.LockInUse(target)
	if errors.Is(err, store.ErrLocked) {
		return Restored{}, errInUse(target)
	}
	if err != nil {
		return Restored{}, err
	}
	defer unlock()
	tmp, err := tempBeside(target, ".restore")
	if err != nil {
		return Restored{}, err
	}
	defer removeDB(tmp)
	if err := copyFile(from, tmp); err != nil {
		return Restored{}, err
	}
	head, err := checkBackup(ctx, tmp, from, checkpointFile, openLog)
	if err != nil {
		return Restored{}, err
	}
	before, err := replace(tmp, target, time.Now())
	if err != nil {
		return Restored{}, err
	}
	return Restored{Head: head, Before: before}, nil
}

// errInUse is the refusal to restore over a database a process has open.
func errInUse(target string) error {
	return errs.Newf(errs.Conflict,
		"basis data %s sedang dipakai proses ikd lain (ikd serve atau perintah lain); hentikan dulu, lalu pulihkan",
		"database %s is in use by another ikd process (ikd serve or another command); stop it first, then restore", target)
}

// checkBackup checks the copy file of backup from: an ikd database of a
// schema this build knows, whose chain verifies and ends at the
// checkpoint. It returns the head.
func checkBackup(ctx context.Context, file, from, checkpointFile string, openLog OpenLog) (store.AuditHead, error) {
	cp, err := sqlite.OpenCopy(ctx, file)
	if err != nil {
		return store.AuditHead{}, errs.Newf(errs.Invalid, "%s tidak dapat dibuka sebagai basis data: %v", "%s cannot be opened as a database: %v", from, err)
	}
	head, err := checkOpenBackup(ctx, cp, from, checkpointFile, openLog)
	if cerr := cp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close restored copy: %w", cerr)
	}
	if err != nil {
		return store.AuditHead{}, err
	}
	return head, syncFile(file)
}

func checkOpenBackup(ctx context.Context, cp *sqlite.Store, from, checkpointFile string, openLog OpenLog) (store.AuditHead, error) {
	applied, latest, err := cp.SchemaVersion(ctx)
	if err != nil {
		return store.AuditHead{}, errs.Newf(errs.Invalid, "%s tidak dapat dibaca sebagai basis data: %v", "%s cannot be read as a database: %v", from, err)
	}
	switch {
	case applied == 0:
		return store.AuditHead{}, errs.Newf(errs.Invalid, "%s bukan basis data ikd (tabel ikd tidak ada)", "%s is not an ikd database (ikd's tables are missing)", from)
	case applied > latest:
		return store.AuditHead{}, errs.Newf(errs.Invalid, "%s dibuat oleh ikd yang lebih baru (skema %d, versi ini mengenal sampai %d)",
			"%s was made by a newer ikd (schema %d, this build knows up to %d)", from, applied, latest)
	}
	return checkChain(ctx, cp, what{"cadangan " + from, "the backup " + from}, checkpointFile, openLog)
}

// checkChain verifies the chain of a restored or to-be-restored database
// st against the checkpoint in checkpointFile and returns its head.
func checkChain(ctx context.Context, st store.Store, w what, checkpointFile string, openLog OpenLog) (store.AuditHead, error) {
	l, err := openLog(ctx, st)
	if err != nil {
		return store.AuditHead{}, err
	}
	// A backup is older than what ikd last saw, on purpose: the seen mark
	// is for ikd audit accept-restore to move, not a problem here.
	l.ExpectAtLeast(0)
	c, err := readCheckpoint(l, checkpointFile)
	if err != nil {
		return store.AuditHead{}, err
	}
	res, err := verified(ctx, l, st, w)
	if err != nil {
		return store.AuditHead{}, err
	}
	return res.Head, matches(res, c, checkpointFile)
}

// replace puts the checked copy tmp in target's place in one rename,
// keeping the database it replaces (and its -wal) under a
// .before-restore-TIMESTAMP name, and returns that name.
func replace(tmp, target string, now time.Time) (string, error) {
	before := ""
	if _, err := os.Stat(target); err == nil {
		before = target + ".before-restore-" + now.UTC().Format("20060102T150405.000Z")
		if err := os.Link(target, before); err != nil {
			return "", fmt.Errorf("keep the database being replaced: %w", err)
		}
		// An old -wal beside the new file would be replayed into it.
		if err := os.Rename(target+"-wal", before+"-wal"); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("keep the database's -wal: %w", err)
		}
		if err := os.Remove(target + "-shm"); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("remove the database's -shm: %w", err)
		}
	}
	if err := os.Rename(tmp, target); err != nil {
		return "", fmt.Errorf("restore %s: %w", target, err)
	}
	return before, syncDir(filepath.Dir(target))
}

// tempBeside creates an empty temporary file (mode 0600) in the directory
// of path.
func tempBeside(path, what string) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+what+"*")
	if err != nil {
		return "", fmt.Errorf("create temporary file beside %s: %w", path, err)
	}
	name := f.Name()
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("create temporary file beside %s: %w", path, err)
	}
	return name, nil
}

// removeDB removes a temporary database file with its -wal and -shm (after
// a rename they are already gone).
func removeDB(path string) {
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		os.Remove(f)
	}
}

// copyFile copies from to the existing file to, and syncs it.
func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("read backup %s: %w", from, err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("copy backup: %w", err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return fmt.Errorf("copy backup %s: %w", from, err)
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		return fmt.Errorf("copy backup %s: %w", from, err)
	}
	return dst.Close()
}

// syncFile flushes the file at path to disk.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}
