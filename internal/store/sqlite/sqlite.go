// Package sqlite is ikd's embedded storage backend: a single SQLite file in
// WAL mode, through the pure-Go driver modernc.org/sqlite, so ikd builds and
// runs with no C toolchain. It is the only package that imports that driver.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the SQLite store.
type Store struct {
	*sqlstore.DB
	migrator *sqlstore.Migrator
	path     string // the database file, beside which TryLock's lock files lie
	// inUse is the shared lock that says a process has the database open
	// (see LockInUse); nil for a copy opened with OpenCopy.
	inUse *os.File
}

// Open opens (creating if needed) the database file at path. Call Migrate
// before use. now is the store's clock; nil means time.Now. While the
// store is open it holds a shared lock beside the file, so that ikd
// restore (LockInUse) can tell that the database is in use.
func Open(ctx context.Context, path string, now func() time.Time) (*Store, error) {
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	if err := checkPrivate(path); err != nil {
		return nil, err
	}
	inUse, err := lockShared(path)
	if err != nil {
		return nil, err
	}
	s, err := open(ctx, path, now)
	if err != nil {
		inUse.Close()
		return nil, err
	}
	s.inUse = inUse
	return s, nil
}

// OpenCopy opens a database file no ikd process serves (a backup being
// written or checked) without the in-use lock, so that no lock file is
// left beside it. The file must exist.
func OpenCopy(ctx context.Context, path string) (*Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open sqlite copy: %w", err)
	}
	return open(ctx, path, nil)
}

// Close closes the database and releases its in-use lock.
func (s *Store) Close() error {
	err := s.DB.Close()
	if s.inUse != nil {
		s.inUse.Close() // closing the descriptor releases the flock
		s.inUse = nil
	}
	return err
}

// open opens the database file at path with ikd's settings.
func open(ctx context.Context, path string, now func() time.Time) (*Store, error) {
	// synchronous=FULL: a transaction that returned from COMMIT survives a
	// crash of the process or the machine. _txlock=immediate: a write
	// transaction takes the write lock at BEGIN, so read-modify-write cycles
	// never interleave and never fail to upgrade their lock.
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)", "busy_timeout(30000)", "temp_store(MEMORY)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	m, err := sqlstore.NewMigrator(db, goose.DialectSQLite3, sub)
	if err != nil {
		db.Close()
		return nil, err
	}
	d := &sqlstore.Dialect{
		Name:            "sqlite",
		CacheStatements: true,
		Date:            formatTime("2006-01-02"),
		Time:            formatTime("2006-01-02T15:04:05.000000Z"),
		BulkUpsert:      bulkUpsert,
		Deferred: []sqlstore.Deferred{
			{Kind: "index", Name: "penduduk_no_kk", Create: "CREATE INDEX IF NOT EXISTS penduduk_no_kk ON penduduk (no_kk)"},
			{Kind: "index", Name: "penduduk_desa", Create: "CREATE INDEX IF NOT EXISTS penduduk_desa ON penduduk (desa_kode)"},
			{Kind: "index", Name: "penduduk_nama", Create: "CREATE INDEX IF NOT EXISTS penduduk_nama ON penduduk (nama, desa_kode)"},
			{Kind: "index", Name: "penduduk_lahir_nama", Create: "CREATE INDEX IF NOT EXISTS penduduk_lahir_nama ON penduduk (tanggal_lahir, nama)"},
			{Kind: "trigger", Name: "statistik_penduduk_insert", Create: statistikInsertTrigger,
				Rebuild: []string{`DELETE FROM statistik_penduduk`, statistikBackfill}},
		},
		Exists:     `SELECT count(*) FROM sqlite_master WHERE name = ? AND type IN ('index', 'trigger')`,
		Definition: `SELECT sql FROM sqlite_master WHERE name = ?`,
		// The sort of an index build goes to a temporary file, not to memory
		// (temp_store is MEMORY otherwise): 2 million keys would hold hundreds
		// of MB.
		IndexSetup: []string{"PRAGMA temp_store = FILE"}, IndexReset: []string{"PRAGMA temp_store = MEMORY"},
		InKeys:        inKeys,
		Classify:      classify,
		LatestVersion: m.Latest(),
		Version:       m.Version,
	}
	return &Store{DB: sqlstore.New(db, d, now), migrator: m, path: path}, nil
}

var _ store.Store = (*Store)(nil)

// createPrivate creates the database file (and its directory) readable by
// its owner only, since it holds personal data; SQLite gives the -wal and
// -shm files the same permissions. An existing file is not touched.
//
// Not even opened: SQLite's locks are POSIX advisory locks (fcntl), which
// belong to the process, and closing any descriptor of a file drops every
// lock the process holds on it. SQLite guards against that among its own
// connections but cannot see a descriptor ikd opens itself. When this
// function opened and closed an existing file while another store of the
// same process had it open (serve --demo runs the demo's history on a
// second handle), the server kept using the database with no lock on it:
// the next process to close the database (the sqlite3 shell, an ikd CLI
// command) found itself alone, checkpointed and deleted the -wal and -shm
// files under the server, whose reads of the WAL then came up short:
// "disk I/O error (522)", SQLITE_IOERR_SHORT_READ (issue 7).
func createPrivate(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("create database directory: %w", err)
	}
	if _, err := os.Stat(path); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("create database file: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("create database file: %w", err)
	}
	return f.Close()
}

// checkPrivate refuses a database file, or its -wal or -shm file, that
// users other than its owner can read or write (group or others bits).
//
// It refuses rather than tightening the mode itself: the file holds a
// register of personal data (UU PDP), and a file that was open to others
// may already have been read or copied. That is for the operator to see and
// look into, not for ikd to fix quietly in a log line nobody reads; and a
// mode set on purpose (a backup group, say) should be changed by the one
// who set it. The fix is one command, named in the error.
func checkPrivate(path string) error {
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		info, err := os.Stat(f)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("check database file permissions: %w", err)
		}
		if mode := info.Mode().Perm(); mode&0o077 != 0 {
			return errs.Newf(errs.Forbidden,
				"berkas basis data %s dapat diakses pengguna lain (mode %v), padahal berisi data pribadi penduduk; ikd menolak membukanya. Perbaiki dengan: chmod 600 %s",
				"database file %s is accessible to other users (mode %v), yet it holds residents' personal data; ikd refuses to open it. Fix it with: chmod 600 %s",
				f, mode, f)
		}
	}
	return nil
}

// Migrate applies pending migrations and returns how many it applied.
func (s *Store) Migrate(ctx context.Context) (int, error) { return s.migrator.UpEnsured(ctx, s.DB) }

// formatTime encodes times as fixed-width UTC text, which sorts as time.
func formatTime(layout string) func(time.Time) any {
	return func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.UTC().Format(layout)
	}
}

// maxVars bounds the parameters of one statement (SQLite allows 32766).
const maxVars = 30000

// bulkUpsert writes rows into table with multi-row INSERTs of up to
// maxVars parameters ending in onConflict, the full-size one prepared once,
// and returns the rows inserted or changed.
func bulkUpsert(ctx context.Context, _ *sql.Conn, tx *sql.Tx, table string, cols []string, rows sqlstore.Rows, onConflict string) (int64, error) {
	per := maxVars / len(cols)
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	args := make([]any, 0, min(per, rows.N)*len(cols))
	var stmt *sql.Stmt
	var changed int64
	for lo := 0; lo < rows.N; lo += per {
		n := min(per, rows.N-lo)
		args = args[:0]
		for i := lo; i < lo+n; i++ {
			args = append(args, rows.Row(i)...)
		}
		query := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " +
			strings.TrimSuffix(strings.Repeat(one+", ", n), ", ") + onConflict
		var res sql.Result
		var err error
		if n == per {
			if stmt == nil {
				if stmt, err = tx.PrepareContext(ctx, query); err != nil {
					return 0, err
				}
				defer stmt.Close()
			}
			res, err = stmt.ExecContext(ctx, args...)
		} else {
			res, err = tx.ExecContext(ctx, query, args...)
		}
		if err != nil {
			return 0, err
		}
		k, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		changed += k
	}
	return changed, nil
}

// inKeys passes the keys as one JSON array, read back by json_each.
func inKeys(col string, keys []string) (string, any) {
	b, _ := json.Marshal(keys) // a []string always marshals
	return col + " IN (SELECT value FROM json_each(?))", string(b)
}

// classify maps SQLite constraint and busy errors to the store's sentinels.
func classify(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return nil
	}
	switch se.Code() & 0xff { // the primary result code
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return store.ErrBusy
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_UNIQUE:
		return store.ErrConflict
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return store.ErrMissingReference
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		return store.ErrCheck
	}
	return nil
}

// statistikInsertTrigger is migration 00013's insert trigger of the
// aggregates (the conformance test holds the two equal).
const statistikInsertTrigger = `CREATE TRIGGER IF NOT EXISTS statistik_penduduk_insert AFTER INSERT ON penduduk
WHEN NEW.status_nik <> 'MATI'
BEGIN
    INSERT INTO statistik_penduduk (wilayah_kode, lahir, penduduk, kawin, rekam, rekam_kawin)
    SELECT k, max(CAST(substr(NEW.tanggal_lahir, 1, 4) AS INTEGER), 2000), 1,
           NEW.status_kawin <> 'BELUM KAWIN', NEW.tanggal_perekaman IS NOT NULL,
           NEW.status_kawin <> 'BELUM KAWIN' AND NEW.tanggal_perekaman IS NOT NULL
      FROM (SELECT NEW.desa_kode AS k UNION ALL SELECT substr(NEW.desa_kode, 1, 8) UNION ALL SELECT substr(NEW.desa_kode, 1, 5))
     WHERE true
    ON CONFLICT (wilayah_kode, lahir) DO UPDATE SET penduduk = penduduk + excluded.penduduk,
        kawin = kawin + excluded.kawin, rekam = rekam + excluded.rekam, rekam_kawin = rekam_kawin + excluded.rekam_kawin;
END`

// statistikBackfill counts statistik_penduduk anew from penduduk (as
// migration 00013 first did), before a first bulk load's deferred insert
// trigger comes back.
const statistikBackfill = `INSERT INTO statistik_penduduk (wilayah_kode, lahir, penduduk, kawin, rekam, rekam_kawin)
SELECT CASE l.n WHEN 0 THEN p.desa_kode WHEN 1 THEN substr(p.desa_kode, 1, 8) ELSE substr(p.desa_kode, 1, 5) END,
       p.lahir, count(*), sum(p.kawin), sum(p.rekam), sum(p.kawin * p.rekam)
  FROM (SELECT desa_kode, max(CAST(substr(tanggal_lahir, 1, 4) AS INTEGER), 2000) AS lahir,
               status_kawin <> 'BELUM KAWIN' AS kawin, tanggal_perekaman IS NOT NULL AS rekam
          FROM penduduk WHERE status_nik <> 'MATI') p
 CROSS JOIN (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2) l
 WHERE true
 GROUP BY 1, 2`
