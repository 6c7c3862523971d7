package store

import (
	"context"
	"time"
)

// PetugasQueries are the reads and writes of officers (petugas) of the
// service offices. For now an officer is an API token: the officer's
// client sends it as a Bearer token to the officer endpoints. Accounts
// with passwords and sessions come with the officers' console.
type PetugasQueries interface {
	// CreatePetugas records an officer; ErrConflict when the username or
	// the token hash is taken, ErrMissingReference when the office does
	// not exist.
	CreatePetugas(ctx context.Context, p *Petugas) error
	// GetPetugasByTokenHash finds an officer by the SHA-256 hex of their
	// API token, whatever their state.
	GetPetugasByTokenHash(ctx context.Context, tokenHash string) (Petugas, error)
	// ListPetugas lists every officer, oldest first.
	ListPetugas(ctx context.Context) ([]Petugas, error)
	// SetPetugasState changes an officer's state; ErrNotFound when the
	// username is unknown.
	SetPetugasState(ctx context.Context, username string, state StatePetugas) error
}

// StatePetugas is an officer's state.
type StatePetugas string

// Officer states.
const (
	PetugasAktif    StatePetugas = "AKTIF"
	PetugasNonaktif StatePetugas = "NONAKTIF" // deactivated: the token no longer works
)

// Petugas is an officer of a service office. TokenHash is the SHA-256 hex
// of the officer's API token (256 random bits, shown once; the token is
// not kept). Passwords and sessions come with the console.
type Petugas struct {
	Username   string
	Nama       string
	KantorKode string
	TokenHash  string
	State      StatePetugas
	CreatedAt  time.Time
}
