package permohonan

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ikd-project/ikd/internal/blangko"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/issuance"
	"github.com/ikd-project/ikd/internal/store"
)

// moves are the states a request may go to from each state.
var moves = map[store.StatePermohonan][]store.StatePermohonan{
	store.Diajukan:        {store.Diperiksa, store.SelesaiP, store.Ditolak}, // done at once: a lost phone (IKD)
	store.Diperiksa:       {store.Diproses, store.SelesaiP, store.Ditolak},
	store.Diproses:        {store.DicetakP, store.MenungguBlangko, store.SelesaiP, store.Ditolak},
	store.MenungguBlangko: {store.DicetakP, store.Ditolak},
	store.DicetakP:        {store.DiserahkanP},
	store.DiserahkanP:     {store.SelesaiP},
}

// Next lists where an officer may move a request from its state, as
// move allows it: a printed card only for a card, done only once handed
// over or served by IKD, and a lost phone's request only refused (its
// revocation closes it).
func Next(pm store.Permohonan) []store.StatePermohonan {
	var out []store.StatePermohonan
	for _, to := range moves[pm.State] {
		switch {
		case pm.Jenis == store.PonselHilang && to != store.Ditolak:
		case (to == store.DicetakP || to == store.MenungguBlangko) && pm.Pilihan != store.PilihKartu:
		case to == store.SelesaiP && pm.State != store.DiserahkanP && pm.Pilihan != store.PilihIKD && !(pm.State == store.Diperiksa && replacement(pm.Jenis)):
		default:
			out = append(out, to)
		}
	}
	return out
}

// Langkah is a step an officer takes on a request.
type Langkah struct {
	Ke          store.StatePermohonan
	Pilihan     store.Pilihan // at the check of a replacement: IKD or a card
	AlasanKartu string        // why the resident declined IKD
	Serial      string        // the blank card printed
	Catatan     string
}

// Advance moves request nomor of officer p's office to l.Ke, audited. A
// replacement needs the resident's choice before it goes on: IKD ends it
// with no blank card, a card needs the reason IKD was declined. Printing
// uses one blank card of the office's stock with its serial, in the same
// transaction; with none left the request waits for blangko instead.
func (s *Service) Advance(ctx context.Context, p store.Petugas, nomor string, l Langkah) (store.Permohonan, error) {
	return s.advance(ctx, p, nomor, l, false)
}

// ErrAlasanTolak asks for the reason of a refusal.
var ErrAlasanTolak = errs.New(errs.Invalid, "tulis alasan penolakan permohonan", "give the reason for refusing the request")

// ErrLostPhone: a lost phone's request is closed by its revocation only.
var ErrLostPhone = errs.New(errs.Conflict, "permohonan ponsel hilang selesai dengan pencabutan KTP digital, tidak dengan tangan",
	"a lost phone's request is closed by revoking the digital ID, not by hand")

// advance is Advance; revoked says the lost phone's revocation was done.
func (s *Service) advance(ctx context.Context, p store.Petugas, nomor string, l Langkah, revoked bool) (store.Permohonan, error) {
	l.AlasanKartu, l.Serial, l.Catatan = strings.TrimSpace(l.AlasanKartu), strings.TrimSpace(l.Serial), strings.TrimSpace(l.Catatan)
	var out store.Permohonan
	err := s.Store.InTx(ctx, func(tx store.Tx) error {
		cur, err := tx.GetPermohonan(ctx, nomor)
		if err != nil || cur.KantorKode != p.KantorKode {
			return ErrNotFound
		}
		if cur.Jenis == store.PonselHilang && l.Ke != store.Ditolak && !revoked {
			return ErrLostPhone
		}
		out, err = tx.UpdatePermohonan(ctx, nomor, func(pm *store.Permohonan, step *store.LangkahPermohonan) error {
			step.Petugas, step.Catatan = p.Username, l.Catatan
			return s.move(ctx, tx, p, pm, &l, step)
		})
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, p, out, "permohonan."+strings.ToLower(string(out.State)))
	})
	return out, err
}

// move checks and applies one step to pm.
func (s *Service) move(ctx context.Context, tx store.Tx, p store.Petugas, pm *store.Permohonan, l *Langkah, step *store.LangkahPermohonan) error {
	if !slices.Contains(moves[pm.State], l.Ke) {
		return ErrLangkah
	}
	if l.Ke == store.Ditolak && l.Catatan == "" {
		return ErrAlasanTolak
	}
	if pm.State == store.Diperiksa && l.Ke != store.Ditolak && replacement(pm.Jenis) {
		switch l.Pilihan {
		case store.PilihIKD:
			pm.Pilihan, l.Ke = store.PilihIKD, store.SelesaiP // served by the digital ID: no blank card
		case store.PilihKartu:
			if l.AlasanKartu == "" {
				return ErrPilihan
			}
			pm.Pilihan, pm.AlasanKartu = store.PilihKartu, l.AlasanKartu
		default:
			return ErrPilihan
		}
	}
	if l.Ke == store.SelesaiP && pm.State != store.DiserahkanP && pm.Pilihan != store.PilihIKD {
		return ErrLangkah // a printed card is done once handed over
	}
	if (l.Ke == store.DicetakP || l.Ke == store.MenungguBlangko) && pm.Pilihan != store.PilihKartu {
		return ErrLangkah // only a printed card uses or waits for a blank card
	}
	if l.Ke == store.DicetakP {
		if l.Serial == "" {
			return ErrSerial
		}
		left, err := blangko.Available(ctx, tx, p.KantorKode)
		if err != nil {
			return err
		}
		if left == 0 {
			l.Ke = store.MenungguBlangko // no card left: the request waits, and says why
			step.Catatan = strings.TrimSpace(step.Catatan + " stok blangko habis; nomor " + l.Serial + " tidak dipakai")
		} else if _, err := s.Stock.RecordIn(ctx, tx, p, blangko.Mutasi{Jenis: store.Pemakaian, Jumlah: 1, Serial: l.Serial, Ref: pm.Nomor, Subject: pm.NIK}); err != nil {
			return err
		} else {
			pm.Serial = l.Serial
		}
	}
	if pm.State == store.Diproses && ChangesRecord(pm.Jenis) && (l.Ke == store.DicetakP || l.Ke == store.MenungguBlangko) {
		if err := s.reissue(ctx, tx, p, pm, step); err != nil {
			return err
		}
	}
	pm.State = l.Ke
	return nil
}

// ChangesRecord reports whether a kind changes what the credentials
// carry: once processed (the new card printed or waiting for a blank
// one), the resident's digital ID is re-issued from the changed record.
func ChangesRecord(j store.JenisPermohonan) bool {
	return j == store.UbahFoto || j == store.UbahData
}

// reissue re-issues the resident's credentials in tx and says so in the
// step's note.
func (s *Service) reissue(ctx context.Context, tx store.Tx, p store.Petugas, pm *store.Permohonan, step *store.LangkahPermohonan) error {
	if s.Status == nil {
		return errors.New("permohonan: no issuer to re-issue with")
	}
	res, err := s.Status.Reissue(ctx, tx, issuance.Reissue{NIK: pm.NIK, Alasan: strings.ToLower(string(pm.Jenis)), Petugas: p.Username, Kantor: p.KantorKode})
	if err != nil {
		return fmt.Errorf("permohonan %s: re-issue: %w", pm.Nomor, err)
	}
	notes := []string{}
	if step.Catatan != "" {
		notes = append(notes, step.Catatan)
	}
	switch {
	case len(res.Issued) > 0:
		notes = append(notes, fmt.Sprintf("KTP digital diterbitkan ulang (%d kredensial lama diganti)", len(res.Superseded)))
	case res.Kept == "nokey":
		notes = append(notes, fmt.Sprintf("%d kredensial lama dicabut; penduduk perlu aktivasi ulang", len(res.Superseded)))
	case res.Kept == "suspended" || res.Kept == "revoked":
		notes = append(notes, "KTP digital "+map[string]string{"suspended": "ditangguhkan", "revoked": "dicabut"}[res.Kept]+": tidak diterbitkan ulang")
	}
	if res.Cetak > 0 {
		notes = append(notes, "kartu cetak lama dicabut")
	}
	step.Catatan = strings.Join(notes, "; ")
	return nil
}

// replacement reports whether a kind replaces an adult's card, which the
// policy serves with IKD first.
func replacement(j store.JenisPermohonan) bool {
	return j == store.KartuHilang || j == store.KartuRusak
}
