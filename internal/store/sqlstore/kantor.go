package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/ikd-project/ikd/internal/store"
)

const kantorCols = `kode, nama, jenis, wilayah_kode, created_at`

func scanKantor(r rowScanner) (store.Kantor, error) {
	var k store.Kantor
	err := r.Scan(&k.Kode, &k.Nama, &k.Jenis, &k.WilayahKode, &k.CreatedAt)
	k.CreatedAt = k.CreatedAt.UTC()
	return k, err
}

// CreateKantor inserts an office; ErrConflict if the code exists.
func (q *queries) CreateKantor(ctx context.Context, k *store.Kantor) error {
	k.CreatedAt = q.now()
	_, err := q.exec(ctx, `INSERT INTO kantor (`+kantorCols+`) VALUES (?, ?, ?, ?, ?)`,
		k.Kode, k.Nama, string(k.Jenis), k.WilayahKode, q.ts(k.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert kantor: %w", err)
	}
	return nil
}

// GetKantor reads an office by code.
func (q *queries) GetKantor(ctx context.Context, kode string) (store.Kantor, error) {
	k, err := one(q.row(ctx, `SELECT `+kantorCols+` FROM kantor WHERE kode = ?`, kode), scanKantor)
	if err != nil {
		return k, fmt.Errorf("get kantor: %w", err)
	}
	return k, nil
}

// ListKantor lists all offices by code.
func (q *queries) ListKantor(ctx context.Context) ([]store.Kantor, error) {
	rows, err := q.query(ctx, `SELECT `+kantorCols+` FROM kantor ORDER BY kode`)
	if err != nil {
		return nil, fmt.Errorf("list kantor: %w", err)
	}
	return all(rows, scanKantor)
}

// GetMeta reads a value of the meta table.
func (q *queries) GetMeta(ctx context.Context, key string) (string, error) {
	var v string
	err := q.row(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("get meta %s: %w", key, store.ErrNotFound)
		}
		return "", fmt.Errorf("get meta %s: %w", key, err)
	}
	return v, nil
}

// SetMeta writes a value of the meta table.
func (q *queries) SetMeta(ctx context.Context, key, value string) error {
	_, err := q.exec(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("set meta %s: %w", key, err)
	}
	return nil
}
