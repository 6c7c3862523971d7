package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/ikd-project/ikd/internal/store"
)

// Deferred objects: a bulk load into an empty penduduk maintains its
// secondary indexes row by row, and those by name and by birth date take
// their keys in no order, so each insert lands on a page the cache no
// longer holds; on SQLite the aggregates' insert trigger adds three
// upserts a row. A first load drops them (DeferIndexes) and builds them
// once at its end (EnsureIndexes: an index build sorts; the aggregates
// are counted anew from penduduk before the trigger comes back). Every
// migration ensures them too, so a load killed half-way leaves them
// missing only until the next start. Their definitions are the binary's
// (Dialect.Deferred), never text read back from the database; a
// conformance test holds them equal to what the migrations create.

// Deferred is an index or trigger a first bulk load puts off: its kind
// ("index" or "trigger"), its name, the statement that creates it (with
// IF NOT EXISTS) and the statements run before it in the same
// transaction (Rebuild: the aggregates a trigger keeps, counted anew).
type Deferred struct {
	Kind, Name, Create string
	Rebuild            []string
}

// DeferIndexes drops the dialect's deferred objects when penduduk holds
// no row (a first load) and the connection's role may build them again,
// and reports whether it did.
func (s *DB) DeferIndexes(ctx context.Context) (bool, error) {
	if len(s.dialect.Deferred) == 0 {
		return false, nil
	}
	if may, err := s.mayIndex(ctx); err != nil || !may {
		return false, err
	}
	deferred := false
	err := s.InTx(ctx, func(t store.Tx) error {
		q := t.(*queries)
		var any int
		if err := q.row(ctx, `SELECT count(*) FROM (SELECT 1 FROM penduduk LIMIT 1) AS t`).Scan(&any); err != nil || any > 0 {
			return err
		}
		for _, o := range s.dialect.Deferred {
			if _, err := q.exec(ctx, "DROP "+strings.ToUpper(o.Kind)+" IF EXISTS "+o.Name); err != nil {
				return fmt.Errorf("drop %s: %w", o.Name, err)
			}
		}
		deferred = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("defer indexes: %w", err)
	}
	return deferred, nil
}

// mayIndex reports whether the connection's role may drop and build the
// deferred objects (Dialect.MayIndex; true when the dialect has none).
func (s *DB) mayIndex(ctx context.Context) (bool, error) {
	if s.dialect.MayIndex == "" {
		return true, nil
	}
	var may bool
	if err := s.db.QueryRowContext(ctx, s.dialect.MayIndex).Scan(&may); err != nil {
		return false, fmt.Errorf("may index: %w", err)
	}
	return may, nil
}

// EnsureIndexes builds the deferred objects that are missing, each in its
// own transaction with its rebuild, and returns how many it built. A role
// that may not build them (it does not own the tables) leaves them to the
// owner's next migration.
func (s *DB) EnsureIndexes(ctx context.Context) (built int, err error) {
	var missing []Deferred
	for _, o := range s.dialect.Deferred {
		var n int
		if err := s.db.QueryRowContext(ctx, s.rebind(s.dialect.Exists), o.Name).Scan(&n); err != nil {
			return 0, fmt.Errorf("deferred %s: %w", o.Name, err)
		}
		if n == 0 {
			missing = append(missing, o)
		}
	}
	if len(missing) == 0 {
		return 0, nil
	}
	if may, err := s.mayIndex(ctx); err != nil || !may {
		return 0, err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("build indexes: %w", err)
	}
	defer conn.Close()
	for _, q := range s.dialect.IndexSetup {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return 0, fmt.Errorf("build indexes: %w", err)
		}
	}
	defer func() {
		for _, q := range s.dialect.IndexReset {
			if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), q); rerr != nil {
				err = errors.Join(err, fmt.Errorf("build indexes: %w", rerr))
			}
		}
	}()
	for _, o := range missing {
		if err := buildOne(ctx, conn, o); err != nil {
			return built, err
		}
		built++
	}
	return built, nil
}

// buildOne runs an object's rebuild and creation in one transaction.
func buildOne(ctx context.Context, conn interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}, o Deferred) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("build %s: %w", o.Name, err)
	}
	defer tx.Rollback()
	for _, q := range append(append([]string{}, o.Rebuild...), o.Create) {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("build %s: %w", o.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("build %s: %w", o.Name, err)
	}
	return nil
}

// DeferredDefinitions returns the definition the database holds of each
// deferred object, by name ("" when it is missing): a test compares those
// a migration made with those EnsureIndexes makes.
func (s *DB) DeferredDefinitions(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	for _, o := range s.dialect.Deferred {
		var def string
		err := s.db.QueryRowContext(ctx, s.rebind(s.dialect.Definition), o.Name).Scan(&def)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("definition of %s: %w", o.Name, err)
		}
		out[o.Name] = def
	}
	return out, nil
}
