package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/ikd-project/ikd/internal/store"
)

// Deferred objects: a bulk load into an empty penduduk maintains its
// secondary indexes row by row, and those by name and by birth date take
// their keys in no order, so each insert lands on a page the cache no
// longer holds; on SQLite the aggregates' insert trigger adds three
// upserts a row. A first load drops them (DeferIndexes), keeping their
// definitions in table ditunda in the same transaction, and builds them
// once at its end (EnsureIndexes: an index build sorts; the aggregates
// are counted again from penduduk before the trigger comes back). Every
// migration ensures them too, so a load killed half-way leaves them
// missing only until the next start.

// DeferIndexes drops the dialect's deferred objects when penduduk holds
// no row (a first load) and the connection's role may build them again,
// and reports whether it did.
func (s *DB) DeferIndexes(ctx context.Context) (bool, error) {
	if len(s.dialect.Deferred) == 0 {
		return false, nil
	}
	var any int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM penduduk LIMIT 1) AS t`).Scan(&any); err != nil {
		return false, fmt.Errorf("defer indexes: %w", err)
	}
	if any > 0 {
		return false, nil
	}
	if s.dialect.MayIndex != "" { // a role that does not own the table cannot drop or build its indexes
		var may bool
		if err := s.db.QueryRowContext(ctx, s.dialect.MayIndex).Scan(&may); err != nil {
			return false, fmt.Errorf("defer indexes: %w", err)
		}
		if !may {
			return false, nil
		}
	}
	err := s.InTx(ctx, func(t store.Tx) error {
		q := t.(*queries)
		for _, name := range s.dialect.Deferred {
			var kind, def string
			err := q.row(ctx, s.dialect.Definition, name).Scan(&kind, &def)
			if err == sql.ErrNoRows {
				continue // put off already
			}
			if err != nil {
				return fmt.Errorf("definition of %s: %w", name, err)
			}
			if _, err := q.exec(ctx, `INSERT INTO ditunda (nama, jenis, definisi) VALUES (?, ?, ?)`, name, kind, def); err != nil {
				return fmt.Errorf("keep %s: %w", name, err)
			}
			if _, err := q.exec(ctx, "DROP "+strings.ToUpper(kind)+" "+name); err != nil {
				return fmt.Errorf("drop %s: %w", name, err)
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("defer indexes: %w", err)
	}
	return true, nil
}

// EnsureIndexes builds the deferred objects kept in ditunda, each in its
// own transaction with its rebuild (Dialect.Rebuild), and returns how
// many it built.
func (s *DB) EnsureIndexes(ctx context.Context) (built int, err error) {
	type object struct{ name, def string }
	rows, err := s.db.QueryContext(ctx, `SELECT nama, definisi FROM ditunda ORDER BY nama`)
	if err != nil {
		return 0, fmt.Errorf("deferred objects: %w", err)
	}
	var todo []object
	for rows.Next() {
		var o object
		if err := rows.Scan(&o.name, &o.def); err != nil {
			rows.Close()
			return 0, fmt.Errorf("deferred objects: %w", err)
		}
		todo = append(todo, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(todo) == 0 {
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
			if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), q); rerr != nil && err == nil {
				err = fmt.Errorf("build indexes: %w", rerr)
			}
		}
	}()
	for _, o := range todo {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return built, fmt.Errorf("build %s: %w", o.name, err)
		}
		stmts := append(append([]string{}, s.dialect.Rebuild[o.name]...), o.def)
		for _, q := range stmts {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				tx.Rollback()
				return built, fmt.Errorf("build %s: %w", o.name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, s.rebind(`DELETE FROM ditunda WHERE nama = ?`), o.name); err != nil {
			tx.Rollback()
			return built, fmt.Errorf("build %s: %w", o.name, err)
		}
		if err := tx.Commit(); err != nil {
			return built, fmt.Errorf("build %s: %w", o.name, err)
		}
		built++
	}
	return built, nil
}
