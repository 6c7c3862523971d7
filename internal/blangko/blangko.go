// Package blangko is the office's blank-card (blangko KTP-el) stock: the
// ledger of every movement, from the province's request to the centre
// (Ditjen Dukcapil buys all cards; approvals are partial as a rule) to
// the card printed at a counter, and the reports the office runs on it:
// balance and days of cover per unit, a reorder alert, a rebalancing
// suggestion between kab/kota (the Dirjen asks provinces to move stock
// so that they run out together) and the daily public stock notice.
//
// Balances never go below zero: the database refuses it (store.ErrCheck)
// in the same transaction as the movement, so two counters printing the
// last card at once cannot both succeed.
package blangko

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/store"
)

// MaxJumlah is the largest quantity one movement may carry (the whole
// country uses 1 to 1.5 million cards a month).
const MaxJumlah = 1_000_000

// Service records movements and reports on the stock.
type Service struct {
	Store store.Store
	Audit *audit.Log
	Now   func() time.Time
}

// Mutasi is a movement an officer records.
type Mutasi struct {
	Jenis  store.JenisMutasi
	Dari   string // the unit that loses stock (see Record for who may name which)
	Ke     string // the unit that gains it
	Jumlah int
	Serial string // a printed card's blangko serial
	Ref    string // a request's tracking number, a letter's number
	Alasan string // required for spoiled cards and corrections
	// Subject is the resident a printed card is for, when a request
	// printed it: the audit event is then in their history.
	Subject string
}

// Errors of Record, in both languages.
var (
	ErrRole      = errs.New(errs.Forbidden, "peran Anda tidak mencatat stok blangko", "your role does not record blangko stock")
	ErrJumlah    = errs.Newf(errs.Invalid, "jumlah harus 1 sampai %d", "the quantity must be 1 to %d", MaxJumlah)
	ErrAlasan    = errs.New(errs.Invalid, "alasan wajib diisi untuk blangko rusak dan koreksi", "a reason is required for spoiled cards and corrections")
	ErrSerial    = errs.New(errs.Invalid, "pemakaian mencatat satu kartu dengan nomor blangkonya", "a use records one card with its blangko serial")
	ErrSerialDup = errs.New(errs.Conflict, "nomor blangko itu sudah tercatat dipakai", "that blangko serial is recorded as used already")
	ErrJenis     = errs.New(errs.Invalid, "jenis mutasi tidak dikenal", "unknown kind of movement")
)

// errStok is the refusal of an overdraft.
func errStok(unit string) error {
	name := kantor.NameOf(unit)
	return errs.Newf(errs.Conflict, "stok blangko %s tidak cukup untuk mutasi ini; tidak ada yang dicatat",
		"the blangko stock of %s is too small for this movement; nothing was recorded", name)
}

// Record validates and records a movement by officer p, audited, and
// returns it. Who may record what:
//
//   - stok, supervisor and admin officers record every kind for their
//     own office; operators record only the use of a card they print;
//   - the provincial Dinas records requests, approvals and receipts from
//     the centre (Ke: itself) and distributes to the kab/kota Dinas;
//   - a Dinas distributes to the offices of its area, and a kab/kota
//     Dinas lends to another kab/kota Dinas;
//   - every office records its own uses, spoiled cards and corrections.
func (s *Service) Record(ctx context.Context, p store.Petugas, m Mutasi) (store.BlangkoMutasi, error) {
	var out store.BlangkoMutasi
	err := s.Store.InTx(ctx, func(tx store.Tx) error {
		var err error
		out, err = s.RecordIn(ctx, tx, p, m)
		return err
	})
	return out, err
}

// RecordIn is Record inside the caller's transaction (a request's step
// that prints a card). A refusal by the database (an overdraft, a serial
// used twice) leaves a PostgreSQL transaction unusable: callers check
// Available first.
func (s *Service) RecordIn(ctx context.Context, tx store.Tx, p store.Petugas, m Mutasi) (store.BlangkoMutasi, error) {
	m.Serial, m.Ref, m.Alasan = strings.TrimSpace(m.Serial), strings.TrimSpace(m.Ref), strings.TrimSpace(m.Alasan)
	if err := s.check(ctx, tx, p, &m); err != nil {
		return store.BlangkoMutasi{}, err
	}
	out := store.BlangkoMutasi{At: s.now(), Jenis: m.Jenis, Dari: m.Dari, Ke: m.Ke, Jumlah: m.Jumlah,
		Serial: m.Serial, Ref: m.Ref, Alasan: m.Alasan, Petugas: p.Username}
	if err := tx.ApplyMutasi(ctx, &out); err != nil {
		return out, s.storeError(err, m)
	}
	_, err := s.Audit.Record(ctx, tx, audit.Entry{Actor: p.Username, Kantor: p.KantorKode, Subject: m.Subject,
		Action: "blangko." + strings.ToLower(string(m.Jenis)), Purpose: "stok blangko",
		Detail: map[string]any{"mutasi": out.ID, "jumlah": m.Jumlah, "dari": m.Dari, "ke": m.Ke, "serial": m.Serial, "ref": m.Ref}})
	return out, err
}

// Available returns a unit's balance as tx sees it.
func Available(ctx context.Context, tx store.Tx, kantor string) (int, error) {
	all, err := tx.ListSaldo(ctx)
	if err != nil {
		return 0, err
	}
	for _, s := range all {
		if s.KantorKode == kantor {
			return s.Saldo, nil
		}
	}
	return 0, nil
}

func (s *Service) storeError(err error, m Mutasi) error {
	switch {
	case errors.Is(err, store.ErrCheck):
		return errStok(m.Dari)
	case errors.Is(err, store.ErrConflict):
		return ErrSerialDup
	}
	return fmt.Errorf("record blangko movement: %w", err)
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}
