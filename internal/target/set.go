package target

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// Shares are a year's target shares: the default (Share) and the areas
// whose office set another. An area without its own takes its nearest
// area above's, else the default; so a kab/kota's target is the plan for
// its kecamatan unless they have their own.
type Shares struct {
	Tahun   int
	Default float64
	Set     map[string]store.Target
}

// SharesOf reads the shares of a year.
func SharesOf(ctx context.Context, r interface {
	ListTarget(ctx context.Context, tahun int) ([]store.Target, error)
}, tahun int) (Shares, error) {
	s := Shares{Tahun: tahun, Default: Share(tahun), Set: map[string]store.Target{}}
	set, err := r.ListTarget(ctx, tahun)
	if err != nil {
		return s, fmt.Errorf("target: %w", err)
	}
	for _, t := range set {
		s.Set[t.WilayahKode] = t
	}
	return s, nil
}

// For is area kode's share and the decision it comes from (zero for the
// default).
func (s Shares) For(kode string) (float64, store.Target) {
	for k := kode; k != ""; k = wilayah.Parent(k) {
		if t, ok := s.Set[k]; ok {
			return t.Persen / 100, t
		}
	}
	return s.Default, store.Target{}
}

// Setting is an officer's target for an area and year, as entered.
type Setting struct {
	Tahun  string // a year, as typed
	Kode   string // a kab/kota or kecamatan code
	Persen string // a percentage, as typed ("35" or "27,5")
	Sumber string // the decision it comes from
}

// MaxSumber is the longest decision reference accepted.
const MaxSumber = 200

// Service sets and removes targets, audited. Only an admin or a
// supervisor sets them, and only for areas inside their office's area
// (a kab/kota office: its kecamatan; the province: its kab/kota and
// kecamatan).
type Service struct {
	Store store.Store
	Audit *audit.Log
	Now   func() time.Time
}

// Errors of Set and Reset.
var (
	ErrRole  = errs.New(errs.Forbidden, "hanya admin atau supervisor yang menetapkan sasaran", "only an admin or a supervisor sets targets")
	ErrArea  = errs.New(errs.Forbidden, "wilayah ini bukan di bawah wilayah kantor Anda", "this area is not under your office's area")
	ErrLevel = errs.New(errs.Invalid, "sasaran ditetapkan per kabupaten/kota atau kecamatan", "targets are set per kab/kota or kecamatan")
	ErrYear  = errs.New(errs.Invalid, "tahun sasaran harus antara 2023 dan tahun depan", "the target's year must be between 2023 and next year")
	ErrShare = errs.New(errs.Invalid, "persentase sasaran harus angka lebih dari 0 sampai 100, misalnya 30 atau 27,5",
		"the target share must be a number above 0 up to 100, such as 30 or 27.5")
	ErrSumber = errs.New(errs.Invalid, "tulis dasar penetapan sasaran (nomor SK atau surat), paling banyak 200 huruf",
		"give what the target is set by (an SK or letter number), at most 200 characters")
)

// Set sets officer p's target for an area and year, audited.
func (s *Service) Set(ctx context.Context, p store.Petugas, office store.Kantor, in Setting) (store.Target, error) {
	t, err := s.check(p, office, in.Tahun, in.Kode)
	if err != nil {
		return t, err
	}
	pct, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(in.Persen), ",", ".", 1), 64)
	pct = math.Round(pct*10) / 10 // one decimal, as shown
	if err != nil || math.IsNaN(pct) || pct <= 0 || pct > 100 {
		return t, ErrShare
	}
	t.Persen, t.Sumber, t.Petugas = pct, strings.TrimSpace(in.Sumber), p.Username
	if t.Sumber == "" || utf8.RuneCountInString(t.Sumber) > MaxSumber {
		return t, ErrSumber
	}
	err = s.Store.InTx(ctx, func(tx store.Tx) error {
		if err := tx.SetTarget(ctx, &t); err != nil {
			return err
		}
		return s.audit(ctx, tx, p, "target.tetapkan", t)
	})
	return t, err
}

// Reset removes officer p's target for an area and year (back to the
// share from above), audited; ErrNotFound when none was set.
func (s *Service) Reset(ctx context.Context, p store.Petugas, office store.Kantor, tahun, kode string) error {
	t, err := s.check(p, office, tahun, kode)
	if err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx store.Tx) error {
		if err := tx.DeleteTarget(ctx, t.Tahun, t.WilayahKode); err != nil {
			return err
		}
		return s.audit(ctx, tx, p, "target.hapus", t)
	})
}

// check checks the role, the year and the area, and returns the target's
// key.
func (s *Service) check(p store.Petugas, office store.Kantor, tahun, kode string) (store.Target, error) {
	var t store.Target
	if p.Peran != store.PeranAdmin && p.Peran != store.PeranSupervisor {
		return t, ErrRole
	}
	y, err := strconv.Atoi(strings.TrimSpace(tahun))
	if err != nil || y < 2023 || y > s.now().Year()+1 {
		return t, ErrYear
	}
	kode = strings.TrimSpace(kode)
	w, ok := wilayah.Default().Lookup(kode)
	if !ok || w.Pensiun || (w.Tingkat != wilayah.KabKota && w.Tingkat != wilayah.Kecamatan) {
		return t, ErrLevel
	}
	if kode == office.WilayahKode || !wilayah.Within(kode, office.WilayahKode) {
		return t, ErrArea
	}
	return store.Target{Tahun: y, WilayahKode: kode}, nil
}

func (s *Service) audit(ctx context.Context, tx store.Tx, p store.Petugas, action string, t store.Target) error {
	_, err := s.Audit.Record(ctx, tx, audit.Entry{Actor: p.Username, Kantor: p.KantorKode, Action: action, Purpose: "sasaran IKD",
		Detail: map[string]any{"tahun": t.Tahun, "wilayah": t.WilayahKode, "persen": t.Persen, "sumber": t.Sumber}})
	return err
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}
