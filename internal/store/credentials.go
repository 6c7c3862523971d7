package store

import (
	"context"
	"time"
)

// CredentialQueries are the reads and writes behind the digital ID:
// status lists, activations, devices, issued credentials and nonces.
type CredentialQueries interface {
	// Status lists. AllocateStatus reserves an index for a credential and
	// returns ErrConflict when the index is taken, so callers draw another.
	CreateStatusList(ctx context.Context, l *StatusList) error
	ListStatusLists(ctx context.Context) ([]StatusList, error)
	AllocateStatus(ctx context.Context, e *StatusEntry) error
	// SetStatus sets the status of the entry that belongs to a credential;
	// its list's Version changes when the transaction commits.
	SetStatus(ctx context.Context, kredensialID string, status int) error
	// StatusEntries returns a list's entries with a status other than
	// zero, and how many entries are allocated in all.
	StatusEntries(ctx context.Context, listID string) (nonzero []StatusEntry, allocated int, err error)
	// GetStatusEntry returns one allocated entry of a list, as committed
	// now: the online verification reads a credential's status with it.
	GetStatusEntry(ctx context.Context, listID string, idx int) (StatusEntry, error)

	// Activations.
	CreateAktivasi(ctx context.Context, a *Aktivasi) error
	GetAktivasi(ctx context.Context, id string) (Aktivasi, error)
	GetAktivasiByCode(ctx context.Context, codeHash string) (Aktivasi, error)
	GetAktivasiByToken(ctx context.Context, tokenHash string) (Aktivasi, error)
	// LatestAktivasi reads a resident's newest activation; ErrNotFound
	// when there is none.
	LatestAktivasi(ctx context.Context, nik string) (Aktivasi, error)
	// UpdateAktivasi applies fn atomically; concurrent updates of one
	// activation are serialised, so exactly one redemption can win.
	UpdateAktivasi(ctx context.Context, id string, fn func(*Aktivasi) error) (Aktivasi, error)

	// Devices. BindPerangkat returns ErrConflict when the resident already
	// has an active device.
	BindPerangkat(ctx context.Context, p *Perangkat) error
	GetPerangkatAktif(ctx context.Context, nik string) (Perangkat, error)
	// GetPerangkatByJKT reads the active device whose key has thumbprint
	// jkt; ErrNotFound when no active device has it.
	GetPerangkatByJKT(ctx context.Context, jkt string) (Perangkat, error)
	// WithPerangkatAktif returns those of niks that have an active device,
	// in one query.
	WithPerangkatAktif(ctx context.Context, niks []string) ([]string, error)
	ReleasePerangkat(ctx context.Context, id int64, at time.Time) error

	// Issued credentials.
	CreateKredensial(ctx context.Context, k *Kredensial) error
	GetKredensial(ctx context.Context, id string) (Kredensial, error)
	SetKredensialState(ctx context.Context, id string, state StateKredensial) error
	ListKredensialPerangkat(ctx context.Context, perangkatID int64) ([]Kredensial, error)
	// SupersedeKredensial marks a credential superseded by a re-issue;
	// ErrNotFound when it is unknown or superseded already.
	SupersedeKredensial(ctx context.Context, id string, at time.Time) error
	// PutKiriman keeps a re-issued credential for the wallet of its
	// device, replacing the one of the same configuration; ListKiriman
	// lists a device's. ReleasePerangkat deletes them.
	PutKiriman(ctx context.Context, k Kiriman) error
	ListKiriman(ctx context.Context, perangkatID int64) ([]Kiriman, error)
	// QueueReissue queues a resident whose record an import changed for a
	// re-issue by the server (which holds the keys); ListReissue lists the
	// queue in NIK order from after; TakeReissue removes one and returns why it was
	// queued, ErrNotFound when it is not queued.
	QueueReissue(ctx context.Context, nik, alasan string) error
	ListReissue(ctx context.Context, after string, limit int) ([]string, error)
	TakeReissue(ctx context.Context, nik string) (string, error)

	// Nonces. ConsumeNonce removes the nonce and returns ErrNotFound when it
	// is unknown, already used or expired at now.
	CreateNonce(ctx context.Context, hash string, expires time.Time) error
	ConsumeNonce(ctx context.Context, hash string, now time.Time) error
}

// Status values of a Token Status List entry.
const (
	StatusValid     = 0
	StatusRevoked   = 1
	StatusSuspended = 2
)

// StatusList is one Token Status List.
type StatusList struct {
	ID        string
	Bits      int
	Size      int
	CreatedAt time.Time
	Version   int64 // a new random value with every commit that changed one of its entries
}

// StatusEntry is an allocated index of a status list.
type StatusEntry struct {
	ListID       string
	Idx          int
	Status       int
	KredensialID string
	UpdatedAt    time.Time
}

// StateAktivasi is where an activation is.
type StateAktivasi string

// Activation states.
const (
	Ditawarkan StateAktivasi = "DITAWARKAN" // offered, waiting for the wallet
	Ditukar    StateAktivasi = "DITUKAR"    // code redeemed for an access token
	Selesai    StateAktivasi = "SELESAI"    // credentials issued
	Gagal      StateAktivasi = "GAGAL"      // dead: too many wrong codes or expired
	Dibatalkan StateAktivasi = "DIBATALKAN" // cancelled by an officer or a newer activation
)

// Aktivasi is one activation of a resident's digital ID at an office.
type Aktivasi struct {
	ID             string
	NIK            string
	KabKotaKode    string // the resident's home kab/kota, which the activation counts toward
	KantorKode     string // where it was done
	Petugas        string // the officer
	CodeHash       string // hash of the pre-authorized code
	TxCodeHash     string // keyed hash of the 6-digit code sent by e-mail
	Attempts       int    // wrong codes so far
	State          StateAktivasi
	TokenHash      string // hash of the access token, once redeemed
	TokenExpiresAt time.Time
	ExpiresAt      time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// StatePerangkat is a device's binding state.
type StatePerangkat string

// Device states.
const (
	PerangkatAktif StatePerangkat = "AKTIF"
	Dilepas        StatePerangkat = "DILEPAS" // released: lost phone or a new device
)

// Perangkat is a holder's device, known by the thumbprint of its key.
type Perangkat struct {
	ID         int64
	NIK        string
	JKT        string // RFC 7638 thumbprint of the device key
	AktivasiID string
	State      StatePerangkat
	BoundAt    time.Time
	ReleasedAt time.Time
}

// StateKredensial is where an issued credential is.
type StateKredensial string

// Credential states.
const (
	Disiapkan StateKredensial = "DISIAPKAN" // prepared: to-be-signed bytes stored, not yet signed
	Terbit    StateKredensial = "TERBIT"    // signed and delivered
	GagalTTD  StateKredensial = "GAGAL"     // signing failed
)

// Kredensial is a credential ikd signed (or is about to sign).
type Kredensial struct {
	ID           string // jti / cti
	NIK          string
	Format       string // "dc+sd-jwt" or "cwt"
	Profil       string // "" for SD-JWT; "dasar", "usia" or "foto" for QR
	Kid          string
	PerangkatID  int64
	StatusListID string
	StatusIdx    int
	State        StateKredensial
	TBS          []byte // the exact bytes the key signs
	IssuedAt     time.Time
	ExpiresAt    time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
	DigantiPada  time.Time // when a re-issue superseded it; zero while it is current
}

// Kiriman is a re-issued credential waiting for its device's wallet,
// which fetches it with its signed data request.
type Kiriman struct {
	PerangkatID  int64
	Konfigurasi  string // the OpenID4VCI configuration ID, e.g. "ktp_qr_foto"
	KredensialID string
	Isi          string // the credential as the wallet keeps it (SD-JWT, or base64url of the CWT)
	DibuatPada   time.Time
}
