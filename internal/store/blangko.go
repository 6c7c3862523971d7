package store

import (
	"context"
	"time"
)

// BlangkoQueries are the blank-card (blangko KTP-el) stock ledger: every
// movement, and the balance of each holding unit kept with it.
type BlangkoQueries interface {
	// ApplyMutasi records a movement and changes the balances it moves
	// (Dari loses Jumlah, Ke gains it) in one step, and sets m.ID. A
	// balance can never go below zero: the database refuses it, under any
	// concurrency, with ErrCheck, and nothing is recorded. A used serial
	// recorded twice is ErrConflict.
	ApplyMutasi(ctx context.Context, m *BlangkoMutasi) error
	// ListSaldo returns the balance of every unit that has had stock.
	ListSaldo(ctx context.Context) ([]BlangkoSaldo, error)
	// ListMutasi returns movements at or after since, newest first, at
	// most limit: with kantor set only those that move its stock, with
	// use true only uses, false every other kind.
	ListMutasi(ctx context.Context, kantor string, use bool, since time.Time, limit int) ([]BlangkoMutasi, error)
	// SumMutasi adds up movements of a kind at or after since, per unit:
	// by Dari for kinds that take stock away, by Ke otherwise.
	SumMutasi(ctx context.Context, jenis JenisMutasi, since time.Time) (map[string]int, error)
}

// JenisMutasi is the kind of a stock movement.
type JenisMutasi string

// Kinds of movement. Pengajuan and Persetujuan move no stock: they record
// what the province asked the centre for and what the centre approved.
const (
	Pengajuan   JenisMutasi = "PENGAJUAN"   // request to the centre (Ke: the province)
	Persetujuan JenisMutasi = "PERSETUJUAN" // the centre's approval, often partial (Ke: the province)
	Penerimaan  JenisMutasi = "PENERIMAAN"  // cards received from the centre (Ke)
	Distribusi  JenisMutasi = "DISTRIBUSI"  // province to a kab/kota (Dari, Ke)
	Pinjaman    JenisMutasi = "PINJAMAN"    // a loan between kab/kota (Dari, Ke)
	Pemakaian   JenisMutasi = "PEMAKAIAN"   // one card printed (Dari, Serial, Ref)
	MutasiRusak JenisMutasi = "RUSAK"       // spoiled cards (Dari)
	Koreksi     JenisMutasi = "KOREKSI"     // a correction with a reason (Dari or Ke)
)

// BlangkoMutasi is one movement of the ledger.
type BlangkoMutasi struct {
	ID      int64
	At      time.Time
	Jenis   JenisMutasi
	Dari    string // the unit (kantor code) whose stock goes down, "" for none
	Ke      string // the unit whose stock goes up, "" for none
	Jumlah  int    // always positive
	Serial  string // the blangko serial of a printed card
	Ref     string // what it is for: a request's tracking number, a letter
	Alasan  string // why: required for spoiled cards and corrections
	Petugas string // who recorded it
}

// BlangkoSaldo is a unit's balance.
type BlangkoSaldo struct {
	KantorKode string
	Saldo      int
	UpdatedAt  time.Time
}
