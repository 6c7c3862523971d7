package sqlite

import (
	"context"
	"fmt"
	"os"
)

// BackupTo writes a consistent copy of the database to dest, which must
// not exist or be empty, with VACUUM INTO: it reads one snapshot (a read
// transaction), so in WAL mode writers go on while it runs, and the copy
// holds exactly the transactions committed before it began. The copy is
// synced to disk before BackupTo returns.
func (s *Store) BackupTo(ctx context.Context, dest string) error {
	if _, err := s.SQL().ExecContext(ctx, "VACUUM INTO ?", dest); err != nil {
		return fmt.Errorf("copy sqlite database to %s: %w", dest, err)
	}
	return syncFile(dest)
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

// SchemaVersion returns the migration version applied to the database (0:
// none, or not an ikd database: it lacks ikd's tables) and the latest this
// build knows.
func (s *Store) SchemaVersion(ctx context.Context) (applied, latest int64, err error) {
	var n int
	err = s.SQL().QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table'
		AND name IN ('goose_db_version', 'meta', 'audit_event', 'audit_head')`).Scan(&n)
	if err != nil {
		return 0, 0, fmt.Errorf("read schema version: %w", err)
	}
	if n < 4 {
		return 0, s.migrator.Latest(), nil
	}
	applied, err = s.migrator.Version(ctx, s.SQL())
	if err != nil {
		return 0, 0, fmt.Errorf("read schema version: %w", err)
	}
	return applied, s.migrator.Latest(), nil
}
