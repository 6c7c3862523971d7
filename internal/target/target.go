// Package target is the office's uptake targets for the digital ID: per
// kab/kota per year, a share of a named base (25% for 2023 and 30% from
// 2024, the Ministry's figures), with the base stated with its source,
// the activations that count toward it (by the resident's home kab/kota,
// wherever the activation was done) and a projection at the last four
// weeks' pace.
package target

import (
	"context"
	"math"
	"time"

	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// Basis is what a target is a share of.
type Basis string

// The bases, each with where its figure comes from (wilayah.csv,
// internal/wilayah/data/SOURCES.md).
const (
	WajibKTP Basis = "wajib_ktp" // residents who must hold a KTP: Dukcapil Provinsi Bengkulu, August 2024
	Terekam  Basis = "terekam"   // of them, with a recorded e-KTP: the same source
	Penduduk Basis = "penduduk"  // the population: Dukcapil DKB semester II 2024, published 2025
)

// Bases lists the bases in the order pages show them.
var Bases = []Basis{WajibKTP, Terekam, Penduduk}

// Share is the default target of a year: 25% for 2023, 30% from 2024.
func Share(year int) float64 {
	if year <= 2023 {
		return 0.25
	}
	return 0.30
}

// Line is one kab/kota's progress on one base.
type Line struct {
	Kode, Nama string
	Basis      Basis
	Nilai      int     // the base's figure
	Share      float64 // the share of Nilai aimed at (the province: its kab/kota's together)
	Sumber     string  // the decision the share comes from; "" for the default
	Sasaran    int     // the target: Share of Nilai, rounded up (the province: its kab/kota's sum)
	Capai      int     // activations counted toward it
	Persen     float64
	PerMinggu  float64   // activations a week, the last four weeks
	Perlu      float64   // a week, to reach the target by the year's end
	Tercapai   time.Time // when the pace reaches it; zero when it never does, or has
}

// Report is the targets of a year.
type Report struct {
	Tahun  int
	Share  float64 // the default share
	Shares Shares  // the shares set per area
	At     time.Time
	Lines  map[Basis][]Line // per base, the kab/kota in code order, then the province
}

// Reader reads what the report needs: the activations per kab/kota,
// from the store's weekly aggregates, and the targets set.
type Reader interface {
	StatistikAktivasi(ctx context.Context, induk string, since, until time.Time) ([]store.StatAktivasi, error)
	ListTarget(ctx context.Context, tahun int) ([]store.Target, error)
}

// PaceWeeks is how many full weeks (Monday to Sunday, WIB) before the
// current one the pace is taken over.
const PaceWeeks = 4

// Of makes the report of the year of now.
func Of(ctx context.Context, r Reader, now time.Time) (Report, error) {
	rep := Report{Tahun: now.Year(), Share: Share(now.Year()), At: now, Lines: map[Basis][]Line{}}
	var err error
	if rep.Shares, err = SharesOf(ctx, r, rep.Tahun); err != nil {
		return rep, err
	}
	week := store.Minggu(now)
	acts, err := r.StatistikAktivasi(ctx, "17", week.AddDate(0, 0, -7*PaceWeeks), week)
	if err != nil {
		return rep, err
	}
	byKode := map[string]store.StatAktivasi{}
	for _, a := range acts {
		byKode[a.Kode] = a
	}
	weeksLeft := WeeksLeft(now)
	d := wilayah.Default()
	for _, b := range Bases {
		var prov Line
		prov.Kode, prov.Nama, prov.Basis = "17", "Provinsi Bengkulu", b
		for _, kab := range d.Children("17") {
			if kab.Tingkat != wilayah.KabKota || kab.Pensiun {
				continue
			}
			a := byKode[kab.Kode]
			l := Line{Kode: kab.Kode, Nama: kab.NamaLengkap(), Basis: b, Nilai: value(kab, b), Capai: a.Total,
				PerMinggu: float64(a.Recent) / PaceWeeks}
			l = Aim(l, rep.Shares)
			prov.Nilai, prov.Capai, prov.PerMinggu = prov.Nilai+l.Nilai, prov.Capai+l.Capai, prov.PerMinggu+l.PerMinggu
			prov.Sasaran += l.Sasaran
			rep.Lines[b] = append(rep.Lines[b], Project(l, weeksLeft, now))
		}
		rep.Lines[b] = append(rep.Lines[b], Project(Sum(prov), weeksLeft, now))
	}
	return rep, nil
}

// WeeksLeft is the weeks from now to the end of its year (at least a
// day's worth).
func WeeksLeft(now time.Time) float64 {
	end := time.Date(now.Year()+1, 1, 1, 0, 0, 0, 0, time.UTC)
	return math.Max(end.Sub(now).Hours()/(24*7), 1.0/7)
}

// value is a kab/kota's figure on a base.
func value(w wilayah.Wilayah, b Basis) int {
	switch b {
	case WajibKTP:
		return w.WajibKTP2024
	case Terekam:
		return w.Terekam2024
	}
	return w.Penduduk2025
}

// Aim sets a line's share from shares (its area's, or the nearest above's,
// or the default) and its target: that share of Nilai, rounded up.
func Aim(l Line, shares Shares) Line {
	share, by := shares.For(l.Kode)
	l.Share, l.Sumber = share, by.Sumber
	l.Sasaran = int(math.Ceil(share * float64(l.Nilai)))
	return l
}

// Sum is a line whose Sasaran is the sum of its parts' (the province's):
// its share is what that sum is of Nilai.
func Sum(l Line) Line {
	if l.Nilai > 0 {
		l.Share = float64(l.Sasaran) / float64(l.Nilai)
	}
	return l
}

// Project fills in, for a line whose Sasaran is set (Aim, Sum), the share
// of it reached and the projection: at PerMinggu, when the target is
// reached, and how many a week it needs to be by the year's end.
func Project(l Line, weeksLeft float64, now time.Time) Line {
	if l.Sasaran > 0 {
		l.Persen = 100 * float64(l.Capai) / float64(l.Sasaran)
	}
	left := float64(l.Sasaran - l.Capai)
	if left <= 0 {
		return l
	}
	l.Perlu = left / weeksLeft
	if l.PerMinggu > 0 {
		l.Tercapai = now.Add(time.Duration(left / l.PerMinggu * 7 * 24 * float64(time.Hour)))
	}
	return l
}

// Kurang reports whether the pace misses the target this year.
func (l Line) Kurang() bool { return l.Capai < l.Sasaran && l.PerMinggu < l.Perlu }

// NoData reports whether the base has no figure for this kab/kota (the
// source does not give one): there is no target to reach.
func (l Line) NoData() bool { return l.Nilai == 0 }

var _ Reader = store.Store(nil)
