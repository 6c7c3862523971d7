// Package postgres is ikd's production storage backend on PostgreSQL,
// through pgx. Bulk loads use COPY. It is the only package that imports the
// PostgreSQL driver.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the PostgreSQL store.
type Store struct {
	*sqlstore.DB
	migrator *sqlstore.Migrator
}

var _ store.Store = (*Store)(nil)

// Open connects to the database at dsn (postgres://...). Call Migrate
// before use. now is the store's clock; nil means time.Now.
func Open(ctx context.Context, dsn string, now func() time.Time) (*Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, errs.Newf(errs.Invalid, "alamat --database PostgreSQL tidak dapat dibaca: %v",
			"the PostgreSQL --database address cannot be read: %v", redact(err))
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, connectError(dsn, err)
	}
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	m, err := sqlstore.NewMigrator(db, goose.DialectPostgres, sub)
	if err != nil {
		db.Close()
		return nil, err
	}
	d := &sqlstore.Dialect{
		Name:               "postgres",
		DollarPlaceholders: true,
		ForUpdate:          " FOR UPDATE",
		Bytewise:           ` COLLATE "C"`,
		BusyRetries:        3,
		Date:               utcOrNull,
		Time:               utcOrNull,
		Append:             copyRows,
		InKeys:             func(col string, keys []string) (string, any) { return col + " = ANY(?)", keys },
		Stage:              stage,
		// Every lookup a bulk load makes is by key, for a batch's keys at a
		// time: the existence check and the family-card check of the
		// triggers. While a table grows by millions of rows, the planner
		// (whose statistics lag behind) prefers scanning it whole for each
		// batch, which makes a load quadratic; so bulk loads plan with
		// their values each time and without sequential scans of indexed
		// tables. The family-card check keeps a batch's rows in memory (its
		// transition table) instead of spilling them to a temporary file.
		BatchSetup: []string{"SET LOCAL plan_cache_mode = force_custom_plan", "SET LOCAL enable_seqscan = off",
			"SET LOCAL work_mem = '64MB'"},
		Deferred: []sqlstore.Deferred{
			{Kind: "index", Name: "penduduk_nama", Create: `CREATE INDEX IF NOT EXISTS penduduk_nama ON penduduk (nama COLLATE "C", desa_kode COLLATE "C")`},
			{Kind: "index", Name: "penduduk_lahir_nama", Create: `CREATE INDEX IF NOT EXISTS penduduk_lahir_nama ON penduduk (tanggal_lahir, nama COLLATE "C")`},
		},
		Exists:     `SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ?`,
		Definition: `SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ?`,
		MayIndex: `SELECT coalesce(bool_or(pg_has_role(tableowner, 'USAGE')), false) FROM pg_tables
			WHERE schemaname = current_schema() AND tablename = 'penduduk'`,
		Classify:      classify,
		LatestVersion: m.Latest(),
		Version:       m.Version,
	}
	return &Store{DB: sqlstore.New(db, d, now), migrator: m}, nil
}

// Migrate applies pending migrations and returns how many it applied.
func (s *Store) Migrate(ctx context.Context) (int, error) { return s.migrator.UpEnsured(ctx, s.DB) }

func utcOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// stage empties the temporary table stage_<table> (creating it on first
// use) and fills it with rows by COPY.
func stage(ctx context.Context, conn *sql.Conn, tx *sql.Tx, table string, cols []string, rows sqlstore.Rows) error {
	st := "stage_" + table
	_, err := tx.ExecContext(ctx, "CREATE TEMP TABLE IF NOT EXISTS "+st+" ON COMMIT DELETE ROWS AS SELECT "+
		strings.Join(cols, ", ")+" FROM "+table+" WITH NO DATA")
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "TRUNCATE "+st); err != nil {
		return err
	}
	return copyRows(ctx, conn, tx, st, cols, rows)
}

// copyRows inserts rows into table by COPY (binary format) on the
// transaction's own connection, encoding each row as it is sent.
func copyRows(ctx context.Context, conn *sql.Conn, _ *sql.Tx, table string, cols []string, rows sqlstore.Rows) error {
	i := 0
	next := func() ([]any, error) {
		if i == rows.N {
			return nil, nil
		}
		i++
		return rows.Row(i - 1), nil
	}
	return conn.Raw(func(c any) error {
		_, err := c.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromFunc(next))
		return err
	})
}

// classify maps PostgreSQL constraint, serialization and deadlock errors to
// the store's sentinels.
func classify(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return nil
	}
	switch pe.Code {
	case "23505": // unique_violation
		return store.ErrConflict
	case "23503": // foreign_key_violation
		return store.ErrMissingReference
	case "23514": // check_violation
		return store.ErrCheck
	case "40001", "40P01", "55P03": // serialization_failure, deadlock_detected, lock_not_available
		return store.ErrBusy
	}
	return nil
}

// connectError says in both languages why the connection to dsn failed:
// no server answering, a login refused, a database missing; never the
// password.
func connectError(dsn string, err error) error {
	where, user, db := "?", "?", "?"
	if c, perr := pgx.ParseConfig(dsn); perr == nil {
		where, user, db = fmt.Sprintf("%s:%d", c.Host, c.Port), c.User, c.Database
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "28000", "28P01":
			return errs.Newf(errs.Unauthenticated, "PostgreSQL di %s menolak login pengguna %q (%s); periksa pengguna dan kata sandi di --database",
				"PostgreSQL at %s refused the login of user %q (%s); check the user and password in --database", where, user, pe.Message)
		case "3D000":
			return errs.Newf(errs.NotFound, "basis data %q tidak ada di PostgreSQL %s; buat dulu: createdb %s",
				"database %q does not exist on PostgreSQL at %s; create it first: createdb %s", db, where, db)
		}
		return errs.Newf(errs.Unavailable, "PostgreSQL di %s menolak sambungan: %s", "PostgreSQL at %s refused the connection: %s", where, pe.Message)
	}
	why := redact(err)
	var ne *net.OpError
	if errors.As(err, &ne) {
		why = ne.Err.Error()
	}
	return errs.Newf(errs.Unavailable, "PostgreSQL di %s tidak menjawab; periksa bahwa server berjalan dan alamat --database benar (%s)",
		"PostgreSQL at %s does not answer; check that the server runs and that --database is right (%s)", where, why)
}

// redact cuts a password out of an error's text (a DSN it quotes).
func redact(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "password="); i >= 0 {
		msg = msg[:i] + "password=…"
	}
	return msg
}
