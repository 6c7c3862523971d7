package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/ikd-project/ikd/internal/store"
)

const lembagaCols = `id, nama, purpose, allowed_fields, api_key_hash, rate_per_minute, state, created_at`

func scanLembaga(r rowScanner) (store.Lembaga, error) {
	var l store.Lembaga
	var fields string
	err := r.Scan(&l.ID, &l.Nama, &l.Purpose, &fields, &l.APIKeyHash, &l.RatePerMinute, &l.State, &l.CreatedAt)
	l.AllowedFields = splitFields(fields)
	l.CreatedAt = l.CreatedAt.UTC()
	return l, err
}

// splitFields parses the comma list of allowed fields; "" is no field.
func splitFields(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// CreateLembaga inserts an institution; ErrConflict on a taken id or key hash.
func (q *queries) CreateLembaga(ctx context.Context, l *store.Lembaga) error {
	l.CreatedAt = q.now()
	if l.State == "" {
		l.State = store.LembagaAktif
	}
	_, err := q.exec(ctx, `INSERT INTO lembaga (`+lembagaCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		l.ID, l.Nama, l.Purpose, strings.Join(l.AllowedFields, ","), l.APIKeyHash, l.RatePerMinute,
		string(l.State), q.ts(l.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert lembaga: %w", err)
	}
	return nil
}

// GetLembagaByKeyHash reads an institution by its API key hash.
func (q *queries) GetLembagaByKeyHash(ctx context.Context, keyHash string) (store.Lembaga, error) {
	l, err := one(q.row(ctx, `SELECT `+lembagaCols+` FROM lembaga WHERE api_key_hash = ?`, keyHash), scanLembaga)
	if err != nil {
		return l, fmt.Errorf("get lembaga: %w", err)
	}
	return l, nil
}

// ListLembaga lists institutions, oldest first.
func (q *queries) ListLembaga(ctx context.Context) ([]store.Lembaga, error) {
	rows, err := q.query(ctx, `SELECT `+lembagaCols+` FROM lembaga ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list lembaga: %w", err)
	}
	return all(rows, scanLembaga)
}

// SetLembagaState changes an institution's state.
func (q *queries) SetLembagaState(ctx context.Context, id string, state store.StateLembaga) error {
	res, err := q.exec(ctx, `UPDATE lembaga SET state = ? WHERE id = ?`, string(state), id)
	if err != nil {
		return fmt.Errorf("set lembaga state: %w", err)
	}
	if err := affected(res); err != nil {
		return fmt.Errorf("set lembaga %s state: %w", id, err)
	}
	return nil
}
