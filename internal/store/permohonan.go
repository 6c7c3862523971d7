package store

import (
	"context"
	"time"
)

// PermohonanQueries are residents' service requests (permohonan) and
// each step they went through.
type PermohonanQueries interface {
	// CreatePermohonan records a new request with its first step, taken
	// by officer by; ErrConflict if the tracking number exists.
	CreatePermohonan(ctx context.Context, p *Permohonan, by string) error
	// GetPermohonan reads a request by its tracking number.
	GetPermohonan(ctx context.Context, nomor string) (Permohonan, error)
	// UpdatePermohonan applies fn to a request atomically (serialised
	// with other updates of it) and records the step fn describes.
	UpdatePermohonan(ctx context.Context, nomor string, fn func(*Permohonan, *LangkahPermohonan) error) (Permohonan, error)
	// ListPermohonan lists an office's requests, newest first; open only
	// leaves out the finished ones.
	ListPermohonan(ctx context.Context, kantor string, open bool, limit int) ([]Permohonan, error)
	// ListPermohonanNIK lists a resident's requests, newest first.
	ListPermohonanNIK(ctx context.Context, nik string, limit int) ([]Permohonan, error)
	// CountIKD counts, per office, the card replacements (lost or
	// damaged) finished at or after since that the digital ID served
	// with no blank card: the cards IKD saved.
	CountIKD(ctx context.Context, since time.Time) (map[string]int, error)
	// RekapPermohonan counts, per office, the open requests (neither done
	// nor refused) and, of them, those past their deadline at now.
	RekapPermohonan(ctx context.Context, now time.Time) (map[string]RekapPermohonan, error)
	// LangkahPermohonan returns a request's steps, oldest first.
	LangkahPermohonan(ctx context.Context, nomor string) ([]LangkahPermohonan, error)
}

// JenisPermohonan is a kind of request.
type JenisPermohonan string

// Kinds of request.
const (
	Pemula       JenisPermohonan = "PEMULA"        // a first card, at 17
	KartuHilang  JenisPermohonan = "HILANG"        // a lost card
	KartuRusak   JenisPermohonan = "RUSAK"         // a damaged card
	UbahFoto     JenisPermohonan = "UBAH_FOTO"     // a new photo
	UbahData     JenisPermohonan = "UBAH_DATA"     // changed data (address, status, ...)
	PonselHilang JenisPermohonan = "PONSEL_HILANG" // the phone holding the digital ID was lost
)

// StatePermohonan is where a request is.
type StatePermohonan string

// Request states.
const (
	Diajukan        StatePermohonan = "DIAJUKAN"         // submitted
	Diperiksa       StatePermohonan = "DIPERIKSA"        // documents checked
	Diproses        StatePermohonan = "DIPROSES"         // in progress
	MenungguBlangko StatePermohonan = "MENUNGGU_BLANGKO" // waiting for a blank card
	DicetakP        StatePermohonan = "DICETAK"          // printed
	DiserahkanP     StatePermohonan = "DISERAHKAN"       // handed over
	SelesaiP        StatePermohonan = "SELESAI"          // done
	Ditolak         StatePermohonan = "DITOLAK"          // refused
)

// Pilihan is how a replacement is served.
type Pilihan string

// The two ways.
const (
	PilihIKD   Pilihan = "IKD"   // the digital ID, no blank card
	PilihKartu Pilihan = "KARTU" // a printed card
)

// Permohonan is a resident's service request at an office.
type Permohonan struct {
	Nomor      string // tracking number
	NIK        string
	Jenis      JenisPermohonan
	KantorKode string
	State      StatePermohonan
	Pilihan    Pilihan
	// AlasanKartu is why the resident declined the digital ID for a
	// printed card, where the policy offered it first.
	AlasanKartu string
	Serial      string    // the blangko serial of the printed card
	BatasAt     time.Time // the SLA: when it should be done
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// LangkahPermohonan is one step of a request: who moved it where, when.
type LangkahPermohonan struct {
	Nomor   string
	At      time.Time
	State   StatePermohonan
	Petugas string
	Catatan string
}

// RekapPermohonan is an office's open requests.
type RekapPermohonan struct {
	Terbuka   int // open
	Terlambat int // of them, past their deadline
}
