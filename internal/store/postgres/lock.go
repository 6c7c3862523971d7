package postgres

import (
	"context"
	"database/sql/driver"
	"fmt"

	"github.com/ikd-project/ikd/internal/store"
)

// TryLock takes a session advisory lock keyed by the lock's name on a
// connection of its own, held until unlock; PostgreSQL releases it when
// the connection ends, as it does when the process dies.
func (s *Store) TryLock(ctx context.Context, name string) (func(), error) {
	conn, err := s.SQL().Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	var ok bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(hashtextextended($1, 0))`, "ikd:"+name).Scan(&ok); err != nil {
		conn.Close()
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	if !ok {
		conn.Close()
		return nil, store.ErrLocked
	}
	return func() {
		var released bool
		err := conn.QueryRowContext(context.Background(), `SELECT pg_advisory_unlock(hashtextextended($1, 0))`, "ikd:"+name).Scan(&released)
		if err != nil || !released {
			// The session may still hold it: close that connection for
			// good instead of giving it back to the pool.
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}, nil
}
