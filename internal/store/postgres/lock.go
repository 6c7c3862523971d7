package postgres

import (
	"context"
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
		conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(hashtextextended($1, 0))`, "ikd:"+name)
		conn.Close()
	}, nil
}
