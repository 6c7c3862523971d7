// Package sqlstore implements the store contract once, in SQL that both
// SQLite and PostgreSQL accept, over database/sql. The backends store/sqlite
// and store/postgres supply a Dialect with the few things that differ:
// placeholder style, how times are passed, row locks, bulk loading into a
// staging table, and how driver errors are classified.
//
// Queries are written with ? placeholders; the PostgreSQL dialect rebinds
// them to $1, $2, ... This is the only rewriting done; there is no
// translation between SQL dialects.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ikd-project/ikd/internal/store"
)

// Dialect is what a backend tells sqlstore about its database.
type Dialect struct {
	// Name is "sqlite" or "postgres".
	Name string
	// DollarPlaceholders is true when the database wants $1, $2, ...
	DollarPlaceholders bool
	// ForUpdate is appended to a SELECT that reads a row about to be
	// updated: " FOR UPDATE" on PostgreSQL, "" on SQLite (whose write
	// transactions take the database lock at BEGIN).
	ForUpdate string
	// Bytewise follows a text column or value that must compare byte by
	// byte, so that a prefix is a range: ` COLLATE "C"` on PostgreSQL, ""
	// on SQLite (whose default collation is bytewise).
	Bytewise string
	// Date and Time encode a date or a timestamp as a query parameter.
	// The zero time encodes as NULL.
	Date func(time.Time) any
	Time func(time.Time) any
	// Append bulk-inserts rows into table within the transaction (COPY on
	// PostgreSQL, multi-row INSERTs on SQLite). Stage does the same into
	// the temporary table stage_<table>, emptied first. Both take the rows
	// as a count and a function returning row i's values in cols' order,
	// so a batch is encoded as it is sent, never held twice. conn is the
	// connection the transaction runs on.
	Append func(ctx context.Context, conn *sql.Conn, tx *sql.Tx, table string, cols []string, rows Rows) error
	Stage  func(ctx context.Context, conn *sql.Conn, tx *sql.Tx, table string, cols []string, rows Rows) error
	// BulkUpsert, when set, writes rows into table with multi-row INSERTs
	// ending in the given ON CONFLICT clause, and returns how many rows it
	// inserted or changed. Append and Stage are then unused.
	BulkUpsert func(ctx context.Context, conn *sql.Conn, tx *sql.Tx, table string, cols []string, rows Rows, onConflict string) (int64, error)
	// InKeys returns a condition that col is one of keys, with one
	// placeholder, and the value to pass for it.
	InKeys func(col string, keys []string) (cond string, arg any)
	// Deferred are the indexes and triggers a first bulk load drops and
	// builds at its end (DeferIndexes, EnsureIndexes); Exists counts the
	// objects named by its one argument; Definition selects the kind and
	// definition of one as the database holds it (for the conformance test
	// that holds Deferred equal to the migrations); MayIndex, when set,
	// tells whether the role may drop and build them (owns penduduk).
	Deferred   []Deferred
	Exists     string
	Definition string
	MayIndex   string
	// IndexSetup runs on the connection that builds deferred indexes
	// before it does, IndexReset after.
	IndexSetup, IndexReset []string
	// BatchSetup are statements run at the start of a bulk load's
	// transaction.
	BatchSetup []string
	// Classify maps a driver error to store.ErrConflict,
	// store.ErrMissingReference, store.ErrBusy, or nil when it is none.
	Classify func(error) error
	// CacheStatements keeps each query's prepared statement for reuse
	// (SQLite, whose driver prepares anew each time; PostgreSQL's driver
	// caches them itself).
	CacheStatements bool
	// BusyRetries is how many more times InTx runs a transaction that
	// failed with store.ErrBusy. PostgreSQL aborts a transaction that lost
	// a serialization or deadlock race, and running it again is the cure;
	// SQLite has already waited its busy timeout, so it gets none.
	BusyRetries int
	// LatestVersion is the newest migration version of this build, and
	// Version reads the version applied to the database.
	LatestVersion int64
	Version       func(ctx context.Context, db *sql.DB) (int64, error)
}

// Rows is a sequence of rows for a bulk load: N rows, row i's values from
// Row(i).
type Rows struct {
	N   int
	Row func(i int) []any
}

// DB is a store.Store over a database/sql handle.
type DB struct {
	*queries
	db      *sql.DB
	dialect *Dialect
	now     func() time.Time
	rebound sync.Map // query text -> rebound text
	stmts   sync.Map // query text -> *sql.Stmt, nil while being prepared
	nstmts  atomic.Int64
	// Background prepares: Close marks the store closed (no new ones
	// start), cancels stop (a prepare waiting for a connection gives up)
	// and waits for them, whose connections would otherwise outlive it.
	prepMu  sync.Mutex
	closed  bool
	stop    context.Context
	cancel  context.CancelFunc
	pending sync.WaitGroup
}

// DB is all of store.Store but TryLock, which each backend adds.
var _ interface {
	store.Queries
	InTx(ctx context.Context, fn func(tx store.Tx) error) error
} = (*DB)(nil)

// New returns a store over db, which must already be migrated. now is the
// clock used for CreatedAt and UpdatedAt; nil means time.Now.
func New(db *sql.DB, d *Dialect, now func() time.Time) *DB {
	if now == nil {
		now = time.Now
	}
	s := &DB{db: db, dialect: d, now: now}
	s.stop, s.cancel = context.WithCancel(context.Background())
	s.queries = &queries{s: s, q: db}
	return s
}

// SQL returns the underlying handle, for backend-specific tools.
func (s *DB) SQL() *sql.DB { return s.db }

// Backend names the database kind.
func (s *DB) Backend() string { return s.dialect.Name }

// Close stops the statements being prepared in the background, waits for
// them and closes the database handle.
func (s *DB) Close() error {
	s.prepMu.Lock()
	s.closed = true
	s.prepMu.Unlock()
	s.cancel()
	s.pending.Wait()
	return s.db.Close()
}

// Ready checks that the database answers and carries this build's schema.
func (s *DB) Ready(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	v, err := s.dialect.Version(ctx, s.db)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v != s.dialect.LatestVersion {
		return fmt.Errorf("schema version is %d, this build needs %d: run ikd migrate", v, s.dialect.LatestVersion)
	}
	return nil
}

// InTx runs fn in a transaction on one connection. A transaction that
// fails because the database is busy (store.ErrBusy) was rolled back and
// changed nothing; it runs again up to the dialect's BusyRetries, after a
// short pause, while ctx lasts. fn must therefore only touch the database.
func (s *DB) InTx(ctx context.Context, fn func(store.Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := s.inTxOnce(ctx, fn)
		if attempt >= s.dialect.BusyRetries || !errors.Is(err, store.ErrBusy) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt+1) * 5 * time.Millisecond):
		}
	}
}

func (s *DB) inTxOnce(ctx context.Context, fn func(store.Tx) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("get connection: %w", s.classify(err))
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", s.classify(err))
	}
	// Deferred so that a panic in fn rolls back too: an open transaction
	// would hold SQLite's write lock (or PostgreSQL's row locks) for good.
	// After a commit it does nothing.
	defer tx.Rollback()
	q := &queries{s: s, q: tx, tx: tx, conn: conn, touched: map[string]bool{}}
	if err := fn(q); err != nil {
		return s.classify(err)
	}
	if err := q.bumpVersions(ctx); err != nil {
		return s.classify(err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", s.classify(err))
	}
	return nil
}

func (s *DB) classify(err error) error {
	if c := s.dialect.Classify(err); c != nil {
		return fmt.Errorf("%w (%v)", c, err)
	}
	return err
}

// rebind turns ? placeholders into $n for PostgreSQL. Queries in this
// package never contain a literal question mark.
func (s *DB) rebind(q string) string {
	if !s.dialect.DollarPlaceholders {
		return q
	}
	if v, ok := s.rebound.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	s.rebound.Store(q, b.String())
	return b.String()
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// queries implements store.Queries, and store.Tx when it runs in a
// transaction.
// TxQueries returns the queries of a transaction the caller began on
// conn (a read-only snapshot, say): every read sees what tx sees. The
// caller ends tx.
func (s *DB) TxQueries(tx *sql.Tx, conn *sql.Conn) store.Queries {
	return &queries{s: s, q: tx, tx: tx, conn: conn}
}

type queries struct {
	s    *DB
	q    querier
	tx   *sql.Tx   // nil outside a transaction
	conn *sql.Conn // the transaction's connection
	// touched holds the status lists whose entries the transaction
	// changed, whose versions change at its commit (nil outside InTx).
	touched map[string]bool
}

// atomic runs fn in the current transaction, or in a new one.
func (q *queries) atomic(ctx context.Context, fn func(*queries) error) error {
	if q.tx != nil {
		return fn(q)
	}
	return q.s.InTx(ctx, func(tx store.Tx) error { return fn(tx.(*queries)) })
}

// maxStatements bounds the statement cache: queries built with values in
// their text (a LIMIT) must not fill memory.
const maxStatements = 512

// prepared returns the cached statement for text, bound to q's transaction
// when there is one, or nil when there is none yet: the first use starts
// preparing it on a connection of its own, in the background, because a
// caller inside a transaction holds a connection and must not wait for
// another (all of them could be held by callers doing the same).
func (q *queries) prepared(ctx context.Context, text string) *sql.Stmt {
	if !q.s.dialect.CacheStatements {
		return nil
	}
	v, ok := q.s.stmts.Load(text)
	if !ok {
		if q.s.nstmts.Add(1) > maxStatements {
			q.s.nstmts.Add(-1)
			return nil
		}
		if _, loaded := q.s.stmts.LoadOrStore(text, (*sql.Stmt)(nil)); !loaded {
			q.s.background(func() { q.s.prepare(text) })
		}
		return nil
	}
	st := v.(*sql.Stmt)
	if st == nil || q.tx == nil {
		return st
	}
	return q.tx.StmtContext(ctx, st)
}

// background runs fn in a goroutine Close waits for, unless the store is
// closed.
func (s *DB) background(fn func()) {
	s.prepMu.Lock()
	defer s.prepMu.Unlock()
	if !s.closed {
		s.pending.Go(fn)
	}
}

// prepare prepares text for the statement cache; a query that does not
// prepare stays uncached and reports its error when it runs.
func (s *DB) prepare(text string) {
	st, err := s.db.PrepareContext(s.stop, text)
	if err == nil {
		s.stmts.Store(text, st)
	}
}

func (q *queries) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := q.prepared(ctx, query); st != nil {
		res, err := st.ExecContext(ctx, args...)
		if err != nil {
			return nil, q.s.classify(err)
		}
		return res, nil
	}
	return q.execUncached(ctx, query, args...)
}

// execUncached runs a statement whose text is not worth keeping prepared.
func (q *queries) execUncached(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := q.q.ExecContext(ctx, q.s.rebind(query), args...)
	if err != nil {
		return nil, q.s.classify(err)
	}
	return res, nil
}

func (q *queries) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := q.prepared(ctx, query); st != nil {
		rows, err := st.QueryContext(ctx, args...)
		if err != nil {
			return nil, q.s.classify(err)
		}
		return rows, nil
	}
	rows, err := q.q.QueryContext(ctx, q.s.rebind(query), args...)
	if err != nil {
		return nil, q.s.classify(err)
	}
	return rows, nil
}

func (q *queries) row(ctx context.Context, query string, args ...any) *sql.Row {
	if st := q.prepared(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return q.q.QueryRowContext(ctx, q.s.rebind(query), args...)
}

// one scans a single row with scan, mapping sql.ErrNoRows to store.ErrNotFound.
func one[T any](row *sql.Row, scan func(rowScanner) (T, error)) (T, error) {
	v, err := scan(row)
	if errors.Is(err, sql.ErrNoRows) {
		return v, store.ErrNotFound
	}
	return v, err
}

// all scans every row of rows with scan.
func all[T any](rows *sql.Rows, scan func(rowScanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

type rowScanner interface{ Scan(dest ...any) error }

// affected returns store.ErrNotFound when res touched no row.
func affected(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}

func (q *queries) now() time.Time       { return q.s.now().UTC() }
func (q *queries) date(t time.Time) any { return q.s.dialect.Date(t) }
func (q *queries) ts(t time.Time) any   { return q.s.dialect.Time(t) }

// utc normalises a time given by a caller the way the database keeps it:
// UTC, microseconds. Writes apply it to the caller's struct, so what a
// Create or Update returns equals what a later read returns.
func utc(t *time.Time) { *t = t.UTC().Truncate(time.Microsecond) }

// nullTime turns a scanned nullable time into a UTC time.Time, zero for NULL.
func nullTime(n sql.NullTime) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return n.Time.UTC()
}
