// Package permohonan is residents' service requests at an office: a first
// card (pemula), a lost or damaged card, a new photo or changed data, and
// a lost phone. Each request has a tracking number, moves through states
// with who did each step and when, and has a deadline per kind (SLA).
//
// The office's policy, as Bengkulu applies it while blank cards are
// short: an adult replacing a card is offered the digital ID (IKD) first
// and uses no blank card unless they decline it (the reason is recorded);
// a pemula gets a printed card, which uses one blank card, with its serial,
// from the office's stock (package blangko); a lost phone revokes the
// digital ID and releases the phone at once.
package permohonan

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/blangko"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/issuance"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/store"
)

// SLA is how long each kind of request may take.
var SLA = map[store.JenisPermohonan]time.Duration{
	store.Pemula: 14 * 24 * time.Hour, store.KartuHilang: 7 * 24 * time.Hour, store.KartuRusak: 7 * 24 * time.Hour,
	store.UbahFoto: 14 * 24 * time.Hour, store.UbahData: 14 * 24 * time.Hour, store.PonselHilang: 24 * time.Hour,
}

// Kinds lists the kinds of request, in the order the console offers them.
var Kinds = []store.JenisPermohonan{store.Pemula, store.KartuHilang, store.KartuRusak, store.UbahFoto, store.UbahData, store.PonselHilang}

// Status changes a digital ID (the issuer): a lost phone revokes it, a
// photo or data change re-issues it.
type Status interface {
	ChangeStatus(ctx context.Context, c issuance.StatusChange) (issuance.StatusResult, error)
	Reissue(ctx context.Context, tx store.Tx, r issuance.Reissue) (issuance.ReissueResult, error)
}

// Service runs requests.
type Service struct {
	Store  store.Store
	Audit  *audit.Log
	Stock  *blangko.Service
	Status Status
	Now    func() time.Time
}

// Errors of the service, in both languages.
var (
	ErrJenis    = errs.New(errs.Invalid, "jenis permohonan tidak dikenal", "unknown kind of request")
	ErrLangkah  = errs.New(errs.Conflict, "permohonan tidak dapat berpindah ke keadaan itu dari keadaan sekarang", "the request cannot move to that state from where it is")
	ErrPilihan  = errs.New(errs.Invalid, "penggantian kartu menawarkan KTP digital dulu: pilih IKD, atau kartu dengan alasan penduduk menolak IKD", "a replacement offers the digital ID first: choose IKD, or a card with the resident's reason for declining it")
	ErrSerial   = errs.New(errs.Invalid, "kartu dicetak: isi nomor blangko yang dipakai", "card printed: give the serial of the blank card used")
	ErrNotFound = errs.New(errs.NotFound, "permohonan tidak ditemukan di kantor Anda", "no such request at your office")
)

// Submit records a new request of kind j by the resident with NIK n, of
// officer p's area, audited. A lost phone's request revokes the digital
// ID at once and is done.
func (s *Service) Submit(ctx context.Context, p store.Petugas, n string, j store.JenisPermohonan) (store.Permohonan, error) {
	if _, ok := SLA[j]; !ok {
		return store.Permohonan{}, ErrJenis
	}
	nomor, err := trackingNumber()
	if err != nil {
		return store.Permohonan{}, err
	}
	now := s.now()
	pm := store.Permohonan{Nomor: nomor, NIK: n, Jenis: j, KantorKode: p.KantorKode, State: store.Diajukan, BatasAt: now.Add(SLA[j])}
	if j == store.Pemula || j == store.UbahFoto || j == store.UbahData {
		pm.Pilihan = store.PilihKartu
	}
	if j == store.PonselHilang {
		pm.Pilihan = store.PilihIKD
	}
	err = s.Store.InTx(ctx, func(tx store.Tx) error {
		if _, err := kantor.Resident(ctx, tx, p.KantorKode, n); err != nil {
			return err
		}
		if j == store.Pemula {
			if err := onePemula(ctx, tx, n); err != nil {
				return err
			}
		}
		if err := tx.CreatePermohonan(ctx, &pm, p.Username); err != nil {
			return err
		}
		return s.audit(ctx, tx, p, pm, "permohonan.ajukan")
	})
	if err != nil {
		return pm, fmt.Errorf("submit: %w", kantor.AuditRefusal(ctx, s.Store, s.Audit, kantor.Attempt{Action: "permohonan.ditolak",
			Petugas: p.Username, Kantor: p.KantorKode, NIK: n, Purpose: "permohonan " + strings.ToLower(string(j))}, err))
	}
	if j == store.PonselHilang {
		return s.lostPhone(ctx, p, pm)
	}
	return pm, nil
}

// lostPhone revokes the digital ID (which releases the phone) and closes
// the request; with no active digital ID it closes saying so. When the
// revocation fails the request stays submitted, and the error says why.
func (s *Service) lostPhone(ctx context.Context, p store.Petugas, pm store.Permohonan) (store.Permohonan, error) {
	note := "KTP digital dicabut, ponsel dilepas"
	if s.Status == nil {
		return pm, errors.New("lost phone: no issuer to revoke with")
	}
	_, err := s.Status.ChangeStatus(ctx, issuance.StatusChange{Action: issuance.Cabut, NIK: pm.NIK, Alasan: "perangkat_hilang",
		Petugas: p.Username, Kantor: p.KantorKode})
	switch {
	case errors.Is(err, issuance.ErrNoDigitalID):
		note = "tidak ada KTP digital aktif untuk dicabut"
	case err != nil:
		return pm, fmt.Errorf("lost phone: %w", err)
	}
	return s.advance(ctx, p, pm.Nomor, Langkah{Ke: store.SelesaiP, Catatan: note}, true)
}

// ErrPemulaOpen refuses a second open first-card request: each would use
// a blank card.
var ErrPemulaOpen = errs.New(errs.Conflict, "penduduk ini sudah punya permohonan KTP-el pemula yang belum selesai", "this resident has an open first-card request already")

// onePemula refuses a pemula request while another is open.
func onePemula(ctx context.Context, tx store.Tx, n string) error {
	mine, err := tx.ListPermohonanNIK(ctx, n, 100)
	if err != nil {
		return err
	}
	for _, m := range mine {
		if m.Jenis == store.Pemula && m.State != store.SelesaiP && m.State != store.Ditolak {
			return ErrPemulaOpen
		}
	}
	return nil
}

func (s *Service) audit(ctx context.Context, tx store.Tx, p store.Petugas, pm store.Permohonan, action string) error {
	_, err := s.Audit.Record(ctx, tx, audit.Entry{Actor: p.Username, Kantor: p.KantorKode, Action: action, Subject: pm.NIK,
		Purpose: "permohonan " + strings.ToLower(string(pm.Jenis)), Detail: map[string]any{"nomor": pm.Nomor, "state": pm.State, "pilihan": pm.Pilihan}})
	return err
}

// trackingNumber is "PMH-" and 8 characters of Crockford base32: 40
// random bits, not guessable (the public tracking page takes the number
// with the birth date).
func trackingNumber() (string, error) {
	const abc = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	for i := range b {
		b[i] = abc[int(b[i])%32]
	}
	return "PMH-" + string(b[:4]) + "-" + string(b[4:]), nil
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}
