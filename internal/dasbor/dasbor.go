// Package dasbor is the office's dashboard: for an area (the province, a
// kab/kota, a kecamatan or a desa) its residents, who must hold a KTP by
// the year's end and of them who have recorded an e-KTP, the digital IDs
// activated, the progress to the year's target on each of those bases,
// the weekly trend with its projection, and the same per child area, per
// office (with open requests, their deadlines and the blangko stock) and
// per enrollment drive.
//
// Every figure comes from aggregates the store keeps in the transaction
// of each change (store.StatistikQueries): a page reads a few hundred
// rows whatever the number of residents.
package dasbor

import (
	"context"
	"fmt"
	"time"

	"github.com/ikd-project/ikd/internal/jemput"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/target"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// Reader reads what the dashboard shows: the aggregates (all that Of
// needs), the offices, their open requests (Offices) and their drives
// (Drives).
type Reader interface {
	store.StatistikQueries
	ListKantor(ctx context.Context) ([]store.Kantor, error)
	RekapPermohonan(ctx context.Context, now time.Time) (map[string]store.RekapPermohonan, error)
	jemput.Lister
}

// Weeks is how many weeks the trend shows.
const Weeks = 26

// Area is one area's line: its figures and its progress on each base.
type Area struct {
	Kode, Nama string
	Penduduk   int // living residents
	WajibKTP   int // of them, who must hold a KTP by the year's end
	Terekam    int // of the wajib KTP, with a recorded e-KTP
	IKD        int // digital IDs activated, all time
	IKDPace    int // in the last target.PaceWeeks full weeks
	// Target is the progress on each base (target.Bases order).
	Target []target.Line
}

// Progress returns the area's line on base b.
func (a Area) Progress(b target.Basis) target.Line {
	for _, l := range a.Target {
		if l.Basis == b {
			return l
		}
	}
	return target.Line{}
}

// Report is the dashboard of one area.
type Report struct {
	At    time.Time
	Tahun int
	Share float64
	Area  Area
	// Path is the areas above it, the province first.
	Path []wilayah.Wilayah
	// Level is the area's level; Children are its direct children (none
	// for a desa), in code order.
	Level    wilayah.Tingkat
	Children []Area
	// Trend is the activations of each of the last Weeks weeks, the
	// current (partial) week last.
	Trend []store.StatMinggu
}

// Of makes the dashboard of area kode at now.
func Of(ctx context.Context, r store.StatistikQueries, kode string, now time.Time) (Report, error) {
	d := wilayah.Default()
	w, ok := d.Lookup(kode)
	if !ok {
		return Report{}, fmt.Errorf("dasbor: unknown area %q", kode)
	}
	rep := Report{At: now, Tahun: now.Year(), Share: target.Share(now.Year()), Level: w.Tingkat}
	shares, err := target.SharesOf(ctx, r, rep.Tahun)
	if err != nil {
		return rep, err
	}
	for p := wilayah.Parent(kode); p != ""; p = wilayah.Parent(p) {
		if pw, ok := d.Lookup(p); ok {
			rep.Path = append([]wilayah.Wilayah{pw}, rep.Path...)
		}
	}
	week := store.Minggu(now)
	paceFrom := week.AddDate(0, 0, -7*target.PaceWeeks)
	people, err := r.StatistikPenduduk(ctx, kode)
	if err != nil {
		return rep, err
	}
	acts, err := r.StatistikAktivasi(ctx, kode, paceFrom, week)
	if err != nil {
		return rep, err
	}
	if rep.Trend, err = trend(ctx, r, kode, week); err != nil {
		return rep, err
	}
	byKode := sum(people, now.Year())
	actBy := map[string]store.StatAktivasi{}
	for _, a := range acts {
		actBy[a.Kode] = a
	}
	weeksLeft := target.WeeksLeft(now)
	// line is an area's figures; sum, when not nil, gives its targets as
	// the sum of its children's (the province's).
	line := func(w wilayah.Wilayah, c counts, sum []int) Area {
		a := actBy[w.Kode]
		x := Area{Kode: w.Kode, Nama: w.NamaLengkap(), Penduduk: c.penduduk, WajibKTP: c.wajib, Terekam: c.terekam, IKD: a.Total, IKDPace: a.Recent}
		for i, b := range target.Bases {
			l := target.Line{Kode: w.Kode, Nama: x.Nama, Basis: b, Nilai: c.of(b), Capai: x.IKD, PerMinggu: float64(x.IKDPace) / target.PaceWeeks}
			if sum != nil {
				l.Sasaran = sum[i]
				l = target.Sum(l)
			} else {
				l = target.Aim(l, shares)
			}
			x.Target = append(x.Target, target.Project(l, weeksLeft, now))
		}
		return x
	}
	for _, c := range d.Children(kode) {
		if !c.Pensiun {
			rep.Children = append(rep.Children, line(c, byKode[c.Kode], nil))
		}
	}
	own := byKode[kode]
	var sum []int
	if w.Tingkat == wilayah.Provinsi { // it has no row of its own: its kab/kota's
		for _, c := range byKode {
			own.add(c)
		}
		sum = make([]int, len(target.Bases))
		for _, c := range rep.Children {
			for i, l := range c.Target {
				sum[i] += l.Sasaran
			}
		}
	}
	rep.Area = line(w, own, sum)
	return rep, nil
}

// trend reads the last Weeks weeks of kode, with the weeks that had no
// activation as zeros.
func trend(ctx context.Context, r store.StatistikQueries, kode string, week time.Time) ([]store.StatMinggu, error) {
	from := week.AddDate(0, 0, -7*(Weeks-1))
	rows, err := r.AktivasiMingguan(ctx, kode, from)
	if err != nil {
		return nil, err
	}
	have := map[time.Time]int{}
	for _, s := range rows {
		have[s.Minggu] = s.Jumlah
	}
	out := make([]store.StatMinggu, Weeks)
	for i := range out {
		m := from.AddDate(0, 0, 7*i)
		out[i] = store.StatMinggu{Minggu: m, Jumlah: have[m]}
	}
	return out, nil
}

// counts is an area's residents on each base for one year.
type counts struct{ penduduk, wajib, terekam int }

func (c *counts) add(o counts) {
	c.penduduk += o.penduduk
	c.wajib += o.wajib
	c.terekam += o.terekam
}

func (c counts) of(b target.Basis) int {
	switch b {
	case target.WajibKTP:
		return c.wajib
	case target.Terekam:
		return c.terekam
	}
	return c.penduduk
}

// sum adds up the aggregates' birth years for year: who must hold a KTP
// by its end are those born 17 years before it or earlier, and the
// younger ones who have married.
func sum(rows []store.StatPenduduk, year int) map[string]counts {
	out := map[string]counts{}
	cutoff := year - 17
	for _, s := range rows {
		c := out[s.Kode]
		c.penduduk += s.Penduduk
		if s.Lahir <= cutoff {
			c.wajib += s.Penduduk
			c.terekam += s.Rekam
		} else {
			c.wajib += s.Kawin
			c.terekam += s.RekamKawin
		}
		out[s.Kode] = c
	}
	return out
}

// TrendEmpty reports whether no activation was finished in the trend's
// weeks.
func (r Report) TrendEmpty() bool {
	for _, s := range r.Trend {
		if s.Jumlah > 0 {
			return false
		}
	}
	return true
}

// MaxTrend is the largest weekly figure of the trend (at least 1), for
// the chart's scale.
func (r Report) MaxTrend() int {
	m := 1
	for _, s := range r.Trend {
		m = max(m, s.Jumlah)
	}
	return m
}

// Needed is the weekly pace the area needs on base b, for the chart.
func (r Report) Needed(b target.Basis) float64 { return r.Area.Progress(b).Perlu }
