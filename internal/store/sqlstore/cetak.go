package sqlstore

import (
	"context"
	"fmt"

	"github.com/ikd-project/ikd/internal/store"
)

const kartuCetakCols = `id, nik, kid, status_list_id, status_idx, state, tbs, petugas, kantor_kode,
	issued_at, expires_at, created_at, updated_at`

func scanKartuCetak(r rowScanner) (store.KartuCetak, error) {
	var k store.KartuCetak
	err := r.Scan(&k.ID, &k.NIK, &k.Kid, &k.StatusListID, &k.StatusIdx, &k.State, &k.TBS, &k.Petugas, &k.KantorKode,
		&k.IssuedAt, &k.ExpiresAt, &k.CreatedAt, &k.UpdatedAt)
	k.IssuedAt, k.ExpiresAt, k.CreatedAt, k.UpdatedAt = k.IssuedAt.UTC(), k.ExpiresAt.UTC(), k.CreatedAt.UTC(), k.UpdatedAt.UTC()
	return k, err
}

// CreateKartuCetak records a prepared printed card before it is signed.
func (q *queries) CreateKartuCetak(ctx context.Context, k *store.KartuCetak) error {
	k.CreatedAt = q.now()
	k.UpdatedAt = k.CreatedAt
	utc(&k.IssuedAt)
	utc(&k.ExpiresAt)
	_, err := q.exec(ctx, `INSERT INTO kartu_cetak (`+kartuCetakCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.NIK, k.Kid, k.StatusListID, k.StatusIdx, string(k.State), k.TBS, k.Petugas, k.KantorKode,
		q.ts(k.IssuedAt), q.ts(k.ExpiresAt), q.ts(k.CreatedAt), q.ts(k.UpdatedAt))
	if err != nil {
		return fmt.Errorf("insert kartu_cetak: %w", err)
	}
	return nil
}

// SetKartuCetakState moves a printed card to a new state.
func (q *queries) SetKartuCetakState(ctx context.Context, id string, state store.StateKredensial) error {
	res, err := q.exec(ctx, `UPDATE kartu_cetak SET state = ?, updated_at = ? WHERE id = ?`, string(state), q.ts(q.now()), id)
	if err != nil {
		return fmt.Errorf("set kartu_cetak state: %w", err)
	}
	if err := affected(res); err != nil {
		return fmt.Errorf("set kartu_cetak %s state: %w", id, err)
	}
	return nil
}

// ListKartuCetak lists a resident's printed cards, oldest first.
func (q *queries) ListKartuCetak(ctx context.Context, nik string) ([]store.KartuCetak, error) {
	rows, err := q.query(ctx, `SELECT `+kartuCetakCols+` FROM kartu_cetak WHERE nik = ? ORDER BY created_at, id`, nik)
	if err != nil {
		return nil, fmt.Errorf("list kartu_cetak: %w", err)
	}
	return all(rows, scanKartuCetak)
}
