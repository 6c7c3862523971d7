// Package backup takes and restores backups of ikd's database with the
// audit chain's signed checkpoint beside each: on SQLite an online,
// consistent copy (VACUUM INTO) and a restore that replaces the file; on
// PostgreSQL pg_dump (custom format) of one snapshot and pg_restore into an
// empty database. A backup FILE has its checkpoint in FILE.checkpoint, the
// head of the audit chain the backup holds, signed with the audit key
// (audit.Log.SignCheckpoint); a restore checks that the backup's chain
// verifies and ends exactly there.
package backup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/ikd-project/ikd/internal/atomicfile"
	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/store"
)

// CheckpointSuffix is added to a backup's name for its checkpoint file.
const CheckpointSuffix = ".checkpoint"

// CheckpointFile returns the checkpoint file that goes with backup file.
func CheckpointFile(file string) string { return file + CheckpointSuffix }

// Result describes a backup written.
type Result struct {
	File, CheckpointFile string
	Head                 store.AuditHead // the audit head the backup holds
	Bytes                int64
	Took                 time.Duration
}

// Restored describes a restore done.
type Restored struct {
	Head store.AuditHead // the restored audit head, as the checkpoint says
	// Before is where the replaced SQLite database was kept ("" when there
	// was none, and on PostgreSQL).
	Before string
}

// OpenLog returns the audit log of a database, with the audit key the
// database was written with (app.OpenAuditLog); a restore checks the
// backup's chain with it. With a nil store it returns a log of the audit
// key file alone, to authenticate a checkpoint before a database exists.
type OpenLog func(ctx context.Context, st store.Store) (*audit.Log, error)

// checkOut refuses to overwrite a backup or its checkpoint unless force.
func checkOut(out string, force bool) error {
	if out == "" {
		return errs.New(errs.Invalid, "sebutkan berkas cadangan dengan --out FILE", "name the backup file with --out FILE")
	}
	if info, err := os.Stat(filepath.Dir(out)); err != nil || !info.IsDir() {
		return errs.Newf(errs.Invalid, "direktori %s untuk cadangan tidak ada", "directory %s for the backup does not exist", filepath.Dir(out))
	}
	if force {
		return nil
	}
	for _, f := range []string{out, CheckpointFile(out)} {
		if _, err := os.Lstat(f); err == nil {
			return errs.Newf(errs.Conflict, "%s sudah ada; ikd tidak menimpanya tanpa --force", "%s already exists; ikd does not overwrite it without --force", f)
		}
	}
	return nil
}

// place moves the finished temporary file tmp to out: over an existing
// file with force, else only when out still does not exist.
func place(tmp, out string, force bool) error {
	if force {
		if err := os.Rename(tmp, out); err != nil {
			return fmt.Errorf("place backup %s: %w", out, err)
		}
	} else if err := os.Link(tmp, out); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return errs.Newf(errs.Conflict, "%s sudah ada; ikd tidak menimpanya tanpa --force", "%s already exists; ikd does not overwrite it without --force", out)
		}
		return fmt.Errorf("place backup %s: %w", out, err)
	}
	return syncDir(filepath.Dir(out))
}

// writeCheckpoint signs head and writes it beside the backup out.
func writeCheckpoint(l *audit.Log, out string, head store.AuditHead, keyedSince int64, force bool) error {
	line := l.SignCheckpoint(audit.Checkpoint{Seq: head.Seq, Hash: head.Hash, KeyedSince: keyedSince, At: time.Now()})
	write := atomicfile.Create
	if force {
		write = atomicfile.Write
	}
	if err := write(CheckpointFile(out), []byte(line+"\n"), 0o600); err != nil {
		return fmt.Errorf("write checkpoint %s: %w", CheckpointFile(out), err)
	}
	return nil
}

// what names a database in both languages for an error.
type what struct{ id, en string }

// verified walks the chain of st and refuses a broken one.
func verified(ctx context.Context, l *audit.Log, st audit.Lister, what what) (audit.Result, error) {
	res, err := l.Verify(ctx, st, nil)
	if err != nil {
		return res, fmt.Errorf("verify the audit log of %s: %w", what.en, err)
	}
	if len(res.Problems) > 0 {
		return res, errs.Newf(errs.Conflict, "log audit %[1]s RUSAK (%[3]d masalah, pertama: %[4]s)",
			"the audit log of %[2]s is TAMPERED (%[3]d problems, first: %[4]s)", what.id, what.en, len(res.Problems), res.Problems[0])
	}
	return res, nil
}

// readCheckpoint reads and authenticates the checkpoint file of a backup.
func readCheckpoint(l *audit.Log, file string) (audit.Checkpoint, error) {
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return audit.Checkpoint{}, errs.Newf(errs.Invalid,
			"checkpoint %s tidak ada; ikd backup menulisnya di samping cadangan (atau sebutkan --checkpoint FILE)",
			"checkpoint %s does not exist; ikd backup writes it beside the backup (or give --checkpoint FILE)", file)
	}
	if err != nil {
		return audit.Checkpoint{}, errs.Newf(errs.Invalid, "checkpoint %s tidak dapat dibaca: %v", "checkpoint %s cannot be read: %v", file, err)
	}
	c, err := l.ParseCheckpoint(string(b))
	if err != nil {
		return audit.Checkpoint{}, errs.Newf(errs.Invalid, "checkpoint %s tidak sah: %v", "checkpoint %s is not valid: %v", file, err)
	}
	return c, nil
}

// matches refuses a verified chain whose head is not exactly the
// checkpoint's: the checkpoint written with a backup names its last event.
func matches(res audit.Result, c audit.Checkpoint, file string) error {
	if res.Head.Seq == c.Seq && res.Head.Hash == c.Hash && res.KeyedSince == c.KeyedSince {
		return nil
	}
	return errs.Newf(errs.Conflict,
		"checkpoint %s tidak cocok dengan cadangan: checkpoint mencatat kejadian %d (hash %.12s, berkunci sejak %d), cadangan berakhir pada kejadian %d (hash %.12s, berkunci sejak %d)",
		"checkpoint %s does not match the backup: the checkpoint records event %d (hash %.12s, keyed from %d), the backup ends at event %d (hash %.12s, keyed from %d)",
		file, c.Seq, c.Hash, c.KeyedSince, res.Head.Seq, res.Head.Hash, res.KeyedSince)
}

// statBackup refuses a backup file that is missing or not a regular file.
func statBackup(file string) error {
	info, err := os.Stat(file)
	if errors.Is(err, fs.ErrNotExist) {
		return errs.Newf(errs.NotFound, "berkas cadangan %s tidak ada", "backup file %s does not exist", file)
	}
	if err != nil {
		return errs.Newf(errs.Invalid, "berkas cadangan %s tidak dapat dibaca: %v", "backup file %s cannot be read: %v", file, err)
	}
	if !info.Mode().IsRegular() {
		return errs.Newf(errs.Invalid, "%s bukan berkas biasa", "%s is not a regular file", file)
	}
	return nil
}

// hasMagic reports whether file starts with magic.
func hasMagic(file, magic string) (bool, error) {
	f, err := os.Open(file)
	if err != nil {
		return false, fmt.Errorf("read backup %s: %w", file, err)
	}
	defer f.Close()
	b := make([]byte, len(magic))
	n, _ := f.Read(b)
	return n == len(magic) && string(b) == magic, nil
}

// syncDir flushes a directory's entries (a rename or link in it) to disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}
