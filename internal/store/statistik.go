package store

import (
	"context"
	"time"
)

// StatistikQueries read the dashboard's aggregates. The store keeps them
// up to date in the transaction of each change (triggers on penduduk, the
// finishing of an activation), so that they cost a few hundred rows to
// read at any number of residents.
type StatistikQueries interface {
	// StatistikPenduduk returns the resident counts by birth year of area
	// induk itself (a kab/kota, kecamatan or desa; the province has no row
	// of its own) and of its direct children.
	StatistikPenduduk(ctx context.Context, induk string) ([]StatPenduduk, error)
	// StatistikAktivasi returns, for area induk and each of its direct
	// children, the finished activations of its residents in all and in
	// the weeks from since up to before until (Mondays).
	StatistikAktivasi(ctx context.Context, induk string, since, until time.Time) ([]StatAktivasi, error)
	// AktivasiMingguan returns an area's finished activations per week,
	// oldest first, from since on.
	AktivasiMingguan(ctx context.Context, kode string, since time.Time) ([]StatMinggu, error)
	// StatistikAktivasiKantor returns, per office, the activations it
	// finished in all and in the weeks from since up to before until.
	StatistikAktivasiKantor(ctx context.Context, since, until time.Time) ([]StatAktivasi, error)
	// ListTarget returns the targets set for a year, in code order.
	ListTarget(ctx context.Context, tahun int) ([]Target, error)
	// SetTarget sets (or replaces) an area's target for a year;
	// DeleteTarget removes it (ErrNotFound when none is set).
	SetTarget(ctx context.Context, t *Target) error
	DeleteTarget(ctx context.Context, tahun int, kode string) error
}

// StatPenduduk counts an area's living residents born in one year (Lahir;
// LahirAwal stands for it and every earlier year).
type StatPenduduk struct {
	Kode       string
	Lahir      int
	Penduduk   int // living residents (status NIK other than MATI)
	Kawin      int // of them, ever married
	Rekam      int // of them, with a recorded e-KTP
	RekamKawin int // ever married and recorded
}

// LahirAwal is the first birth year the aggregates keep apart: residents
// born before it count as born in it (they are 17 or more in every year
// from 2017).
const LahirAwal = 2000

// StatAktivasi is an area's or an office's finished activations.
type StatAktivasi struct {
	Kode   string
	Total  int
	Recent int // in the weeks asked for
}

// StatMinggu is one week's finished activations; Minggu is its Monday.
type StatMinggu struct {
	Minggu time.Time
	Jumlah int
}

// WIB is the time zone the dashboard's weeks start in (Western
// Indonesian Time, UTC+7, with no daylight saving).
var WIB = time.FixedZone("WIB", 7*60*60)

// Minggu returns the Monday, in WIB, of the week t falls in, as a UTC
// midnight date.
func Minggu(t time.Time) time.Time {
	t = t.In(WIB)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// Target is a target share set for an area and year (a kab/kota or a
// kecamatan), with the decision it comes from.
type Target struct {
	Tahun       int
	WilayahKode string
	Persen      float64 // of the base, 0 < Persen ≤ 100
	Sumber      string  // the decision: an SK number, a letter
	Petugas     string  // who entered it
	DiubahPada  time.Time
}
