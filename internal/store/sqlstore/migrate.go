package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

// Migrator applies a backend's embedded migrations with goose.
type Migrator struct {
	p *goose.Provider
}

// NewMigrator returns a migrator for db with the .sql files of fsys.
func NewMigrator(db *sql.DB, dialect goose.Dialect, fsys fs.FS) (*Migrator, error) {
	p, err := goose.NewProvider(dialect, db, fsys)
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return &Migrator{p: p}, nil
}

// UpEnsured is Up, then db.EnsureIndexes: a bulk load killed before it
// built its deferred indexes gets them back here, at the next start.
func (m *Migrator) UpEnsured(ctx context.Context, db *DB) (int, error) {
	n, err := m.Up(ctx)
	if err != nil {
		return n, err
	}
	if _, err := db.EnsureIndexes(ctx); err != nil {
		return n, fmt.Errorf("migrate: %w", err)
	}
	return n, nil
}

// Up applies every pending migration and returns how many it applied.
func (m *Migrator) Up(ctx context.Context) (int, error) {
	res, err := m.p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("migrate up: %w", err)
	}
	return len(res), nil
}

// Latest is the newest migration version in this build.
func (m *Migrator) Latest() int64 {
	srcs := m.p.ListSources()
	if len(srcs) == 0 {
		return 0
	}
	return srcs[len(srcs)-1].Version
}

// Version reads the version applied to the database; 0 before the first
// migration.
func (m *Migrator) Version(ctx context.Context, _ *sql.DB) (int64, error) {
	return m.p.GetDBVersion(ctx)
}
