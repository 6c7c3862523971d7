package store

import (
	"context"
	"time"
)

// JemputQueries are enrollment drives (jemput bola): the drive, the
// officers assigned to it and its roster, with each entry's check-in.
type JemputQueries interface {
	// CreateJemput records a drive and its officers and sets its ID.
	CreateJemput(ctx context.Context, j *Jemput) error
	// GetJemput reads a drive with its officers; ErrNotFound if none.
	GetJemput(ctx context.Context, id int64) (Jemput, error)
	// ListJemput lists drives of the offices whose codes are given (all
	// drives for none), the newest start first, at most limit.
	ListJemput(ctx context.Context, kantor []string, limit int) ([]Jemput, error)
	// AddPeserta adds residents to a drive's roster; ErrConflict when one
	// is on it already, ErrMissingReference for an unknown NIK or drive.
	AddPeserta(ctx context.Context, p []PesertaJemput) error
	// ListPeserta returns a drive's roster in the order it was added,
	// each with the resident's name and whether they count as activated
	// (RekapJemput says when).
	ListPeserta(ctx context.Context, jemputID int64) ([]PesertaJemput, error)
	// HadirPeserta records that the resident with the NIK checked in at
	// the drive at at, by officer by; ErrNotFound when not on the roster,
	// ErrConflict when checked in already.
	HadirPeserta(ctx context.Context, jemputID int64, nik string, at time.Time, by string) (PesertaJemput, error)
	// RekapJemput counts, per drive of ids, the roster, those checked in
	// and those activated: a roster entry is activated when the resident
	// has a finished activation (SELESAI) whose finishing time falls in
	// the drive's window (from MulaiAt to HitungSampai) done by one of the
	// drive's officers or at the drive's office. Drives with no roster
	// are absent.
	RekapJemput(ctx context.Context, ids []int64) (map[int64]RekapJemput, error)
}

// Sasaran is a drive's target group.
type Sasaran string

// Target groups, in the order Bengkulu ran its drives.
const (
	SasaranWartawan    Sasaran = "WARTAWAN"     // journalists
	SasaranOPDProvinsi Sasaran = "OPD_PROVINSI" // staff of the provincial government's offices
	SasaranOPDKabKota  Sasaran = "OPD_KABKOTA"  // staff of a kab/kota government's offices
	SasaranASN         Sasaran = "ASN"          // civil servants
	SasaranSekolah     Sasaran = "SEKOLAH"      // schools: pupils of 17 and over, teachers
	SasaranDesa        Sasaran = "DESA"         // a village
	SasaranUmum        Sasaran = "UMUM"         // the general public
)

// Jemput is an enrollment drive.
type Jemput struct {
	ID         int64
	Nama       string
	Sasaran    Sasaran
	Tempat     string // where it is held
	KantorKode string // the owning office, whose area the roster must live in
	// MulaiAt is the start of the first day, SelesaiAt the end of the last.
	MulaiAt, SelesaiAt time.Time
	// HitungSampai is until when an activation counts for the drive: the
	// end of its last day.
	HitungSampai time.Time
	// Jam is the drive's hours: its days times the hours of each day.
	Jam        float64
	Petugas    []string // usernames of the officers assigned, sorted
	DibuatOleh string
	CreatedAt  time.Time
}

// PesertaJemput is one entry of a drive's roster.
type PesertaJemput struct {
	ID        int64
	JemputID  int64
	NIK       string
	Nama      string // the resident's name (read, not written)
	Baris     int    // the line of the imported file it came from
	AddedAt   time.Time
	HadirAt   time.Time // zero until checked in
	HadirOleh string
	Aktif     bool // activated, by RekapJemput's rule (read, not written)
}

// RekapJemput is a drive's figures.
type RekapJemput struct {
	Peserta int // on the roster
	Hadir   int // of them, checked in
	Aktif   int // of them, activated
}
