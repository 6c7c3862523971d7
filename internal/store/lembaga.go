package store

import (
	"context"
	"time"
)

// LembagaQueries are the reads and writes of registered institutions
// (lembaga pengguna), which verify presentations through the JSON API.
type LembagaQueries interface {
	// CreateLembaga registers an institution; ErrConflict when the id or
	// the API key hash is taken.
	CreateLembaga(ctx context.Context, l *Lembaga) error
	// GetLembagaByKeyHash finds an institution by the SHA-256 hex of its
	// API key, whatever its state.
	GetLembagaByKeyHash(ctx context.Context, keyHash string) (Lembaga, error)
	// ListLembaga lists every institution, oldest first.
	ListLembaga(ctx context.Context) ([]Lembaga, error)
	// SetLembagaState changes an institution's state; ErrNotFound when the
	// id is unknown.
	SetLembagaState(ctx context.Context, id string, state StateLembaga) error
}

// StateLembaga is an institution's state.
type StateLembaga string

// Institution states.
const (
	LembagaAktif   StateLembaga = "AKTIF"
	LembagaDicabut StateLembaga = "DICABUT" // revoked: its key no longer works
)

// Lembaga is a registered institution.
type Lembaga struct {
	ID            string
	Nama          string
	Purpose       string   // the declared purpose of its verifications
	AllowedFields []string // claim names it may receive, e.g. nama, age_over_17
	APIKeyHash    string   // SHA-256 hex of the API key; the key is not kept
	RatePerMinute int
	State         StateLembaga
	CreatedAt     time.Time
}
