// Package ikdtest holds test helpers: fresh, migrated databases on every
// backend, and a settable clock. It is imported only by tests.
//
// PostgreSQL tests run when IKD_TEST_POSTGRES_DSN is set; each test gets a
// schema of its own, dropped when it ends. When CI=true the variable is
// required, and its absence fails the test instead of skipping it.
package ikdtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // driver for schema setup

	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/store/postgres"
	"github.com/ikd-project/ikd/internal/store/sqlite"
)

// PostgresEnv names the variable holding the PostgreSQL test server's DSN.
const PostgresEnv = "IKD_TEST_POSTGRES_DSN"

// Clock is a settable clock for tests, safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t.UTC()} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// NewStore returns a fresh, migrated SQLite store in t.TempDir().
func NewStore(t testing.TB) store.Store { return NewSQLite(t, nil) }

// NewSQLite returns a fresh, migrated SQLite store using the clock now
// (time.Now when nil).
func NewSQLite(t testing.TB, now func() time.Time) store.Store {
	t.Helper()
	st, _ := newSQLitePair(t, now)
	return st
}

// newSQLitePair returns a fresh, migrated SQLite database and a second
// handle on the same file.
func newSQLitePair(t testing.TB, now func() time.Time) (store.Store, store.Store) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ikd.db")
	st, err := sqlite.Open(ctx, path, now)
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	other, err := sqlite.Open(ctx, path, now)
	if err != nil {
		t.Fatalf("open sqlite again: %v", err)
	}
	t.Cleanup(func() { other.Close() })
	return st, other
}

// PostgresDSN returns the test server's DSN. It skips the test when none is
// configured, and fails it when CI=true, where PostgreSQL is required.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(PostgresEnv)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set, and PostgreSQL tests are required in CI", PostgresEnv)
		}
		t.Skipf("%s is not set: skipping the PostgreSQL run", PostgresEnv)
	}
	return dsn
}

// NewPostgres returns a fresh, migrated PostgreSQL store in a schema of its
// own, using the clock now (time.Now when nil).
func NewPostgres(t testing.TB, now func() time.Time) store.Store {
	t.Helper()
	st, _ := newPostgresPair(t, now)
	return st
}

// newPostgresPair returns a fresh, migrated PostgreSQL schema and a second
// handle (a pool of its own) on it.
func newPostgresPair(t testing.TB, now func() time.Time) (store.Store, store.Store) {
	t.Helper()
	dsn := SchemaDSN(t, PostgresDSN(t))
	ctx := context.Background()
	st, err := postgres.Open(ctx, dsn, now)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrate postgres: %v", err)
	}
	other, err := postgres.Open(ctx, dsn, now)
	if err != nil {
		t.Fatalf("open postgres again: %v", err)
	}
	t.Cleanup(func() { other.Close() })
	return st, other
}

// SchemaDSN creates an empty schema on the server at dsn, drops it when the
// test ends, and returns a DSN whose search_path is that schema.
func SchemaDSN(t testing.TB, dsn string) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "ikdtest_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema (is PostgreSQL running at %s?): %v", dsn, err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("options", "-csearch_path="+schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Backend opens a fresh store of one backend with a given clock.
type Backend struct {
	Name string
	Open func(t testing.TB, now func() time.Time) store.Store
}

// Backends lists SQLite and PostgreSQL.
var Backends = []Backend{
	{"sqlite", NewSQLite},
	{"postgres", NewPostgres},
}

// ForEachBackendPair runs fn as a subtest on a fresh database of each
// backend, opened twice: other is a separate handle on the same database,
// as another process (ikd import, ikd kredensial) would open it.
func ForEachBackendPair(t *testing.T, fn func(t *testing.T, st, other store.Store)) {
	pairs := []struct {
		name string
		open func(testing.TB, func() time.Time) (store.Store, store.Store)
	}{{"sqlite", newSQLitePair}, {"postgres", newPostgresPair}}
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			st, other := p.open(t, nil)
			fn(t, st, other)
		})
	}
}

// ForEachBackend runs fn as a subtest on a fresh store of each backend.
func ForEachBackend(t *testing.T, fn func(t *testing.T, st store.Store)) {
	for _, b := range Backends {
		t.Run(b.Name, func(t *testing.T) { fn(t, b.Open(t, nil)) })
	}
}

// NewRole creates a PostgreSQL login role with a unique name on the test
// server and returns its name; the role and its privileges are dropped
// when the test ends.
func NewRole(t testing.TB) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	role := "ikdtest_app_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", PostgresDSN(t))
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	if _, err := admin.Exec("CREATE ROLE " + role + " LOGIN"); err != nil {
		admin.Close()
		t.Fatalf("create role: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		for _, q := range []string{"DROP OWNED BY " + role, "DROP ROLE " + role} {
			if _, err := admin.Exec(q); err != nil {
				t.Errorf("%s: %v", q, err)
			}
		}
	})
	return role
}

// AsRole returns dsn with its user replaced by role (no password: the test
// server trusts local connections).
func AsRole(t testing.TB, dsn, role string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse DSN: %v", err)
	}
	u.User = url.User(role)
	return u.String()
}

// BenchScale is the demo scale a benchmark runs at: IKD_BENCH_SCALE (1 is
// the full province, 2.1 million residents; 10 is 21 million), def when
// it is not set.
func BenchScale(b testing.TB, def float64) float64 {
	s := os.Getenv("IKD_BENCH_SCALE")
	if s == "" {
		return def
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 {
		b.Fatalf("IKD_BENCH_SCALE=%q is not a positive number", s)
	}
	return v
}
