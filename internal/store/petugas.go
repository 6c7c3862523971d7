package store

import (
	"context"
	"time"
)

// PetugasQueries are the reads and writes of officers (petugas) of the
// service offices and of their console sessions. An officer has an API
// token for machines (sent as a Bearer token to the officer endpoints) and
// an account for the console: a role, a password and a TOTP secret.
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
	// GetPetugas reads an officer by username; ErrNotFound when unknown.
	GetPetugas(ctx context.Context, username string) (Petugas, error)
	// UpdatePetugas applies fn to an officer atomically (the row is
	// locked); the username, token hash and creation time never change.
	UpdatePetugas(ctx context.Context, username string, fn func(*Petugas) error) (Petugas, error)

	// CreateSesi records a console session; ErrMissingReference for an
	// unknown officer.
	CreateSesi(ctx context.Context, s *Sesi) error
	// GetSesi reads a session by the SHA-256 hex of its id.
	GetSesi(ctx context.Context, idHash string) (Sesi, error)
	// TouchSesi records that a session was used at at.
	TouchSesi(ctx context.Context, idHash string, at time.Time) error
	// DeleteSesi ends a session; ending an unknown one is no error.
	DeleteSesi(ctx context.Context, idHash string) error
	// DeleteSesiPetugas ends every session of an officer and returns how
	// many there were.
	DeleteSesiPetugas(ctx context.Context, username string) (int, error)
}

// Peran is an officer's role in the console.
type Peran string

// The roles. Admin manages officers, institutions and keys; supervisor
// sees the office's work and dashboards and acts like an operator;
// operator serves residents at the counter; stok keeps the blangko
// ledger; viewer reads dashboards only.
const (
	PeranAdmin      Peran = "admin"
	PeranSupervisor Peran = "supervisor"
	PeranOperator   Peran = "operator"
	PeranStok       Peran = "stok"
	PeranViewer     Peran = "viewer"
)

// PeranAll lists the roles.
var PeranAll = []Peran{PeranAdmin, PeranSupervisor, PeranOperator, PeranStok, PeranViewer}

// Sesi is a console session. The cookie carries the id; only its
// SHA-256 hex is kept. CSRF is the token every form of the session sends.
type Sesi struct {
	IDHash     string
	Username   string
	CSRF       string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // absolute end
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
// not kept).
type Petugas struct {
	Username   string
	Nama       string
	KantorKode string
	TokenHash  string
	State      StatePetugas
	CreatedAt  time.Time

	Peran        Peran
	PasswordHash string // argon2id PHC string; empty until the first login
	TOTPSecret   string // base32; empty until enrolled
	TOTPWajib    bool   // a second factor is required at login
	TOTPStep     int64  // the 30 s step of the last code accepted; a code is good once
	// SetupHash is the SHA-256 hex of the one-time code that lets the
	// officer set a password, valid until SetupExpiresAt; empty once used.
	SetupHash      string
	SetupExpiresAt time.Time
	Gagal          int       // wrong passwords or codes since the last success
	TerkunciSampai time.Time // locked until; zero when not locked
}
