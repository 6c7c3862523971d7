package sqlstore

import (
	"context"
	"fmt"

	"github.com/ikd-project/ikd/internal/store"
)

const petugasCols = `username, nama, kantor_kode, token_hash, state, created_at`

func scanPetugas(r rowScanner) (store.Petugas, error) {
	var p store.Petugas
	err := r.Scan(&p.Username, &p.Nama, &p.KantorKode, &p.TokenHash, &p.State, &p.CreatedAt)
	p.CreatedAt = p.CreatedAt.UTC()
	return p, err
}

// CreatePetugas inserts an officer; ErrConflict on a taken username or
// token hash, ErrMissingReference on an unknown office.
func (q *queries) CreatePetugas(ctx context.Context, p *store.Petugas) error {
	p.CreatedAt = q.now()
	if p.State == "" {
		p.State = store.PetugasAktif
	}
	_, err := q.exec(ctx, `INSERT INTO petugas (`+petugasCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		p.Username, p.Nama, p.KantorKode, p.TokenHash, string(p.State), q.ts(p.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert petugas: %w", err)
	}
	return nil
}

// GetPetugasByTokenHash reads an officer by their token hash.
func (q *queries) GetPetugasByTokenHash(ctx context.Context, tokenHash string) (store.Petugas, error) {
	p, err := one(q.row(ctx, `SELECT `+petugasCols+` FROM petugas WHERE token_hash = ?`, tokenHash), scanPetugas)
	if err != nil {
		return p, fmt.Errorf("get petugas: %w", err)
	}
	return p, nil
}

// ListPetugas lists officers, oldest first.
func (q *queries) ListPetugas(ctx context.Context) ([]store.Petugas, error) {
	rows, err := q.query(ctx, `SELECT `+petugasCols+` FROM petugas ORDER BY created_at, username`)
	if err != nil {
		return nil, fmt.Errorf("list petugas: %w", err)
	}
	return all(rows, scanPetugas)
}

// SetPetugasState changes an officer's state.
func (q *queries) SetPetugasState(ctx context.Context, username string, state store.StatePetugas) error {
	res, err := q.exec(ctx, `UPDATE petugas SET state = ? WHERE username = ?`, string(state), username)
	if err != nil {
		return fmt.Errorf("set petugas state: %w", err)
	}
	if err := affected(res); err != nil {
		return fmt.Errorf("set petugas %s state: %w", username, err)
	}
	return nil
}
