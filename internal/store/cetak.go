package store

import (
	"context"
	"time"
)

// KartuCetakQueries keep the printed cards of assisted mode: a resident
// with no smartphone gets a signed QR card on paper, a credential bound
// to no device with its own status list entry.
type KartuCetakQueries interface {
	// CreateKartuCetak records a prepared printed card before it is
	// signed; its status entry must be allocated first.
	CreateKartuCetak(ctx context.Context, k *KartuCetak) error
	// SetKartuCetakState moves a printed card to a new state; ErrNotFound
	// for an unknown id.
	SetKartuCetakState(ctx context.Context, id string, state StateKredensial) error
	// ListKartuCetak returns a resident's printed cards, oldest first.
	ListKartuCetak(ctx context.Context, nik string) ([]KartuCetak, error)
}

// KartuCetak is a printed card (assisted mode): a foto QR credential with
// no device binding, printed for a resident at an office.
type KartuCetak struct {
	ID           string // cti
	NIK          string
	Kid          string // the issuer key that signed it
	StatusListID string
	StatusIdx    int
	State        StateKredensial
	TBS          []byte // the exact bytes the key signs
	Petugas      string // the officer who printed it
	KantorKode   string // where
	IssuedAt     time.Time
	ExpiresAt    time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}
