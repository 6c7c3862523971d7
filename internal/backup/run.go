package backup

import (
	"context"
	"fmt"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/store/postgres"
	"github.com/ikd-project/ikd/internal/store/sqlite"
)

// Take backs up the database st, opened from the --database setting
// database, to out with its checkpoint: SQLite or Postgres, by backend.
func Take(ctx context.Context, st store.Store, database string, l *audit.Log, out string, force bool) (Result, error) {
	switch s := st.(type) {
	case *sqlite.Store:
		return SQLite(ctx, s, l, out, force)
	case *postgres.Store:
		_, dsn, err := config.ParseDatabase(database)
		if err != nil {
			return Result{}, err
		}
		return Postgres(ctx, s, dsn, l, out, force)
	}
	return Result{}, fmt.Errorf("backup: unknown store %T", st)
}

// Restore restores the backup from, with the checkpoint in checkpointFile,
// into the database the --database setting database names: RestoreSQLite
// or RestorePostgres, by backend.
func Restore(ctx context.Context, database, from, checkpointFile string, openLog OpenLog) (Restored, error) {
	if from == "" {
		return Restored{}, errs.New(errs.Invalid, "sebutkan berkas cadangan dengan --from FILE", "name the backup file with --from FILE")
	}
	if checkpointFile == "" {
		checkpointFile = CheckpointFile(from)
	}
	backend, target, err := config.ParseDatabase(database)
	if err != nil {
		return Restored{}, err
	}
	if backend == "sqlite" {
		return RestoreSQLite(ctx, from, checkpointFile, target, openLog)
	}
	st, err := postgres.Open(ctx, target, nil)
	if err != nil {
		return Restored{}, err
	}
	defer st.Close()
	return RestorePostgres(ctx, st, target, from, checkpointFile, openLog)
}
