// Package store is ikd's storage contract: the record types, the Store and Tx
// interfaces, and the sentinel errors that every backend returns.
//
// Two backends implement it, store/sqlite (the embedded default) and
// store/postgres (production), and one conformance suite, store/storetest,
// checks that both behave the same. Domain packages depend on this contract,
// never on a backend.
//
// All times cross the contract in UTC. Dates without a time of day (birth
// dates, recording dates) are time.Time values at midnight UTC.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/ikd-project/ikd/internal/errs"
)

// Sentinel errors. Each wraps an errs kind, so errors.Is(err, errs.NotFound)
// and errors.Is(err, store.ErrNotFound) both hold.
var (
	ErrNotFound = &sentinel{errs.NotFound, "store: not found"}
	ErrConflict = &sentinel{errs.Conflict, "store: conflict"}
	// ErrCheck means a write would break a rule the database enforces,
	// such as a stock balance below zero. Nothing was changed.
	ErrCheck = &sentinel{errs.Conflict, "store: check constraint"}
	// ErrMissingReference means a record names another that does not
	// exist, such as a resident whose KK number has no family card.
	ErrMissingReference = &sentinel{errs.Invalid, "store: referenced record does not exist"}
	// ErrBusy means the database could not serve the operation now: SQLite
	// stayed locked past its busy timeout, or PostgreSQL gave up a
	// transaction for a serialization failure or a deadlock more often
	// than the store retries it. Nothing was changed; the caller may retry.
	ErrBusy = &sentinel{errs.Unavailable, "store: database busy"}
	// ErrLocked means another process holds the named lock TryLock asked
	// for.
	ErrLocked = &sentinel{errs.Conflict, "store: lock held by another process"}
)

type sentinel struct {
	kind errs.Kind
	msg  string
}

func (s *sentinel) Error() string { return s.msg }
func (s *sentinel) Unwrap() error { return s.kind }

// Store is a database holding ikd's records. Its Queries methods each run in
// a transaction of their own; InTx groups several into one.
type Store interface {
	Queries
	// InTx runs fn in one transaction. The transaction commits when fn
	// returns nil and rolls back otherwise, and the error of fn is returned
	// as it is. Writes through tx are atomic and isolated: concurrent InTx
	// calls that update the same record never lose an update.
	InTx(ctx context.Context, fn func(tx Tx) error) error
	// Ready returns nil when the database answers and every migration of
	// this build is applied.
	Ready(ctx context.Context) error
	// Backend names the backend: "sqlite" or "postgres".
	Backend() string
	// TryLock takes the lock called name across every process using this
	// database, or returns ErrLocked at once when another holds it. unlock
	// releases it; a process that ends (or is killed) releases its locks.
	TryLock(ctx context.Context, name string) (unlock func(), err error)
	// DeferIndexes drops, before a first bulk load (no resident yet), the
	// search indexes whose keys a load writes in no order, and reports
	// whether it did; EnsureIndexes builds those missing (at the load's
	// end; migrations call it too) and returns how many.
	DeferIndexes(ctx context.Context) (bool, error)
	EnsureIndexes(ctx context.Context) (int, error)
	// Close releases the database.
	Close() error
}

// Tx is a transaction: the same queries, all committed or none.
type Tx interface {
	Queries
	// LoadBatch upserts a batch of family cards and residents by their
	// numbers, the way a SIAK import needs it: a resident whose KK number
	// changes gets the old membership written to the KK history. It uses
	// the backend's fastest bulk path (COPY on PostgreSQL).
	LoadBatch(ctx context.Context, b *Batch) (BatchResult, error)
}

// Queries are the reads and writes every entity supports.
type Queries interface {
	BlangkoQueries
	PermohonanQueries
	StatistikQueries
	JemputQueries
	CredentialQueries
	KartuCetakQueries
	LembagaQueries
	PetugasQueries

	// Kantor (service offices).
	CreateKantor(ctx context.Context, k *Kantor) error
	GetKantor(ctx context.Context, kode string) (Kantor, error)
	ListKantor(ctx context.Context) ([]Kantor, error)

	// KartuKeluarga (family cards).
	CreateKK(ctx context.Context, kk *KartuKeluarga) error
	GetKK(ctx context.Context, noKK string) (KartuKeluarga, error)
	UpdateKK(ctx context.Context, noKK string, fn func(*KartuKeluarga) error) (KartuKeluarga, error)
	// ListAnggotaKK returns the current members of a family card, the head first.
	ListAnggotaKK(ctx context.Context, noKK string) ([]Penduduk, error)
	// RiwayatKK returns the earlier KK memberships of a resident, oldest first.
	RiwayatKK(ctx context.Context, nik string) ([]RiwayatKK, error)

	// Penduduk (residents).
	CreatePenduduk(ctx context.Context, p *Penduduk) error
	GetPenduduk(ctx context.Context, nik string) (Penduduk, error)
	// UpdatePenduduk reads the resident, applies fn, and writes the result,
	// atomically. A change of NoKK records the old membership in the KK
	// history. fn must not change the NIK.
	UpdatePenduduk(ctx context.Context, nik string, fn func(*Penduduk) error) (Penduduk, error)
	// ListPenduduk returns residents in NIK order, one page at a time.
	ListPenduduk(ctx context.Context, f PendudukFilter) ([]Penduduk, error)
	// CariPenduduk finds residents by a name prefix within an area, in
	// name and NIK order (the console's search by name).
	CariPenduduk(ctx context.Context, f CariFilter) ([]Penduduk, error)
	// StatistikWilayah counts residents per kab/kota as of a date.
	StatistikWilayah(ctx context.Context, asOf time.Time) ([]StatistikWilayah, error)
	SetPortrait(ctx context.Context, nik string, p Portrait) error
	GetPortrait(ctx context.Context, nik string) (Portrait, error)

	// KTPel (physical cards).
	CreateKTPel(ctx context.Context, c *KTPel) error
	GetKTPel(ctx context.Context, id int64) (KTPel, error)
	GetKTPelBySerial(ctx context.Context, serial string) (KTPel, error)
	UpdateKTPel(ctx context.Context, id int64, fn func(*KTPel) error) (KTPel, error)
	// ListKTPel returns a resident's cards, oldest first.
	ListKTPel(ctx context.Context, nik string) ([]KTPel, error)

	// Meta is a small key/value table for facts about the database itself,
	// such as whether the demo province is complete. GetMeta returns
	// ErrNotFound for a missing key.
	GetMeta(ctx context.Context, key string) (string, error)
	SetMeta(ctx context.Context, key, value string) error

	// Shared counters (rate limits, quotas) per fixed window: AddQuota adds
	// n to key's count in the window starting at window (Unix seconds),
	// starting afresh from an earlier window, and returns the window's
	// total; PruneQuota deletes counters of windows that started before
	// before.
	AddQuota(ctx context.Context, key string, window, n int64) (int64, error)
	PruneQuota(ctx context.Context, before int64) (int64, error)

	// Audit log. Events are appended by package audit, which computes the
	// hash chain; the store only keeps them in order.
	AuditHead(ctx context.Context) (AuditHead, error)
	// AppendAudit appends events in order, each following the one before
	// and the first following the head, or none of them (ErrConflict).
	AppendAudit(ctx context.Context, evs ...*AuditEvent) error
	// ListAudit returns events with Seq > afterSeq in Seq order, at most limit.
	ListAudit(ctx context.Context, afterSeq int64, limit int) ([]AuditEvent, error)
	// ListAuditSubject returns the newest events (at most limit, up to
	// 1,000) whose subject has the keyed hash subjectHash, newest first.
	ListAuditSubject(ctx context.Context, subjectHash string, limit int) ([]AuditEvent, error)
}

// JenisKelamin is a resident's sex as the KTP writes it.
type JenisKelamin string

// The two sexes on a KTP.
const (
	LakiLaki  JenisKelamin = "L"
	Perempuan JenisKelamin = "P"
)

// StatusKawin is marital status as SIAK records it.
type StatusKawin string

// Marital statuses.
const (
	BelumKawin StatusKawin = "BELUM KAWIN"
	Kawin      StatusKawin = "KAWIN"
	CeraiHidup StatusKawin = "CERAI HIDUP"
	CeraiMati  StatusKawin = "CERAI MATI"
)

// StatusNIK is the state of a resident's NIK.
type StatusNIK string

// NIK states. Nonaktif is a temporary deactivation (for instance no e-KTP
// recorded by age 22); Mati marks a recorded death.
const (
	NIKAktif    StatusNIK = "AKTIF"
	NIKNonaktif StatusNIK = "NONAKTIF"
	NIKMati     StatusNIK = "MATI"
)

// Hubungan is a member's relationship to the head of the family card
// (status hubungan dalam keluarga).
type Hubungan string

// Relationships on a KK, as SIAK names them.
const (
	KepalaKeluarga Hubungan = "KEPALA KELUARGA"
	Suami          Hubungan = "SUAMI"
	Istri          Hubungan = "ISTRI"
	Anak           Hubungan = "ANAK"
	Menantu        Hubungan = "MENANTU"
	Cucu           Hubungan = "CUCU"
	OrangTua       Hubungan = "ORANG TUA"
	Mertua         Hubungan = "MERTUA"
	FamiliLain     Hubungan = "FAMILI LAIN"
	Lainnya        Hubungan = "LAINNYA"
)

// Penduduk is a resident, mirrored from SIAK.
type Penduduk struct {
	NIK             string
	NoKK            string
	Hubungan        Hubungan
	Nama            string
	TempatLahir     string
	TanggalLahir    time.Time // midnight UTC
	JenisKelamin    JenisKelamin
	GolonganDarah   string // A, B, AB, O, A+, ..., or "-" when unknown
	Agama           string
	StatusKawin     StatusKawin
	Pekerjaan       string
	Kewarganegaraan string // WNI or WNA
	Alamat          string // street address
	RT, RW          string // three digits each, e.g. "004"
	DesaKode        string // kelurahan/desa code, e.g. "17.71.01.1001"
	Email           string
	Telepon         string
	StatusNIK       StatusNIK
	// TanggalPerekaman is the date the e-KTP biometrics were recorded; zero
	// when not recorded.
	TanggalPerekaman time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// PendudukFilter selects and pages residents. Empty fields do not filter.
type PendudukFilter struct {
	WilayahKode string // a kab/kota, kecamatan or desa code
	NoKK        string
	AfterNIK    string // return NIKs after this one (keyset pagination)
	Limit       int    // at most this many; 0 means 100, and never more than 1,000
}

// CariFilter is a search by name. NamaPrefix and WilayahKode are
// required; the others narrow.
type CariFilter struct {
	NamaPrefix   string    // the start of the name, in capitals as stored
	WilayahKode  string    // the area: a province, kab/kota, kecamatan or desa code
	TanggalLahir time.Time // the birth date, when known (midnight UTC)
	Limit        int       // at most this many; 0 means 20, never more than 100
}

// StatistikWilayah counts residents of one kab/kota.
type StatistikWilayah struct {
	KabKotaKode string
	Penduduk    int // all living residents (NIK active or temporarily inactive)
	WajibKTP    int // of them, aged 17+ or ever married at the date asked
	Terekam     int // of the wajib KTP, those with a recorded e-KTP
}

// KartuKeluarga is a family card (KK).
type KartuKeluarga struct {
	NoKK          string
	KepalaNIK     string
	Alamat        string
	RT, RW        string
	DesaKode      string
	TanggalTerbit time.Time // issue date, midnight UTC
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// RiwayatKK is an earlier membership of a resident in a family card.
type RiwayatKK struct {
	NIK      string
	NoKK     string
	Hubungan Hubungan
	Sampai   time.Time // when the membership ended
}

// Portrait is a resident's photo.
type Portrait struct {
	ContentType string // e.g. image/jpeg
	Data        []byte
}

// StatusKTPel is the state of a physical e-KTP card.
type StatusKTPel string

// Card states.
const (
	Dicetak    StatusKTPel = "DICETAK"    // printed
	Diserahkan StatusKTPel = "DISERAHKAN" // handed to the resident
	Hilang     StatusKTPel = "HILANG"     // reported lost
	Rusak      StatusKTPel = "RUSAK"      // reported damaged
	Diganti    StatusKTPel = "DIGANTI"    // replaced by a newer card
)

// KTPel is a physical e-KTP card, printed on one blank card (blangko).
type KTPel struct {
	ID            int64
	NIK           string
	BlangkoSerial string
	Status        StatusKTPel
	KantorKode    string // the office that printed it
	DicetakAt     time.Time
	UpdatedAt     time.Time
}

// JenisKantor is the kind of a service office.
type JenisKantor string

// Kinds of office (KantorLayanan).
const (
	DinasProvinsi JenisKantor = "DINAS_PROVINSI"
	DinasKabKota  JenisKantor = "DINAS_KABKOTA"
	KantorKec     JenisKantor = "KECAMATAN"
	MPP           JenisKantor = "MPP"
	JemputBola    JenisKantor = "JEMPUT_BOLA"
)

// Kantor is a service office (KantorLayanan).
type Kantor struct {
	Kode        string // stable identifier, e.g. "DISDUKCAPIL-17.71"
	Nama        string
	Jenis       JenisKantor
	WilayahKode string
	CreatedAt   time.Time
}

// AuditEvent is one entry of the append-only, hash-chained audit log.
type AuditEvent struct {
	Seq         int64 // 1, 2, 3, ... assigned by the store
	At          time.Time
	Actor       string // officer or system component
	KantorKode  string
	Action      string
	SubjectMask string // masked NIK, e.g. 1771********0001
	SubjectHash string // hex keyed hash of the full NIK
	Purpose     string
	Detail      string // JSON
	PrevHash    string // hex
	Hash        string // hex
}

// AuditHead is the last event of the chain: Seq 0 and an empty hash for an
// empty log.
type AuditHead struct {
	Seq  int64
	Hash string
}

// Batch is a slice of a SIAK export to load in one go.
type Batch struct {
	Keluarga []KartuKeluarga
	Penduduk []Penduduk
	KTPel    []KTPel // optional; cards are upserted by blangko serial
	At       time.Time
}

// BatchResult says what LoadBatch did.
type BatchResult struct {
	Penduduk int // residents inserted or updated
	Keluarga int // family cards inserted or updated
	PindahKK int // residents whose KK number changed
}

// IsNotFound reports whether err means the record does not exist.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
