// Package demo generates the demo province: Bengkulu's roughly 2.1 million
// residents, their family cards (KK) and e-KTP cards, deterministically from
// a seed, so a demo database looks like the real registry without holding
// anybody's personal data.
//
// What it produces, and where the figures come from (domain.md §4):
//
//   - Residents per kab/kota are Penduduk2025 of the region data times
//     Options.Scale, rounded; they are spread over the active kecamatan and
//     then over the desa/kelurahan with fixed uneven weights.
//   - Households are built as families (family.go): a head, usually a
//     spouse, the children still at home, sometimes a married child with
//     spouse and grandchildren, a widowed parent or another relative. Ages
//     follow the 2020 census pyramid, the sex ratio is about 104, and a KK
//     holds 3.4 people on average.
//   - NIKs are PPKKCC DDMMYY SSSS with the kecamatan of first issue, the birth
//     date (day + 40 for women) and a serial unique in its 12-digit prefix;
//     KK numbers are the kecamatan, the issue date and a serial (nik.go).
//   - About 72% of residents are wajib KTP, and about 96.5% of them have
//     recorded their e-KTP, per kab/kota as reported in August 2024.
//   - Each recorded adult has a printed card (KTPel), a few a lost or damaged
//     one that was replaced; portraits are drawn on demand (portrait.go).
//
// The generator is pure: no I/O and no clock; Options.AsOf is "today".
// Every kecamatan draws from its own random stream, derived from the seed
// and the kecamatan code, so the same Options give byte-identical output.
package demo

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// Options choose the demo province to generate.
type Options struct {
	// Seed selects the province; the same seed gives the same residents.
	Seed int64
	// Scale multiplies the population: 1 is the full province (about 2.13
	// million), 0.01 suits tests, at most 10 for load tests. Zero means 1.
	Scale float64
	// AsOf is the demo's "today" (its UTC date is used): ages, recording
	// dates and card dates are relative to it. Required, from 2013 to 2099.
	AsOf time.Time
	// BatchSize is the most residents per batch; zero means 5000. A batch
	// always holds whole families, so a KK and its members travel together.
	BatchSize int
}

// Province is the code of the demo province, Bengkulu.
const Province = "17"

// MaxScale is the largest Options.Scale; the NIK, KK and card serial
// ranges are sized for it (see nik.go).
const MaxScale = 10

const defaultBatchSize = 5000

// normalize fills defaults and checks the options.
func (o Options) normalize() (Options, error) {
	if o.Scale == 0 {
		o.Scale = 1
	}
	if !(o.Scale > 0 && o.Scale <= MaxScale) {
		return o, fmt.Errorf("demo: scale %v is outside (0, %d]", o.Scale, MaxScale)
	}
	if o.BatchSize <= 0 {
		o.BatchSize = defaultBatchSize
	}
	if o.AsOf.IsZero() {
		return o, errors.New("demo: Options.AsOf (the demo's today) is required")
	}
	y, m, d := o.AsOf.UTC().Date()
	if y < 2013 || y > 2099 {
		return o, fmt.Errorf("demo: AsOf %d is outside 2013-2099", y)
	}
	o.AsOf = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return o, nil
}

// Total returns the number of residents Generate emits for opts, exactly,
// so a progress bar can show a percentage. It returns 0 for options that
// Generate would refuse.
func Total(opts Options) int {
	if opts.Scale == 0 {
		opts.Scale = 1
	}
	if !(opts.Scale > 0 && opts.Scale <= MaxScale) {
		return 0
	}
	n := 0
	for _, kab := range wilayah.Default().Children(Province) {
		if kab.Tingkat == wilayah.KabKota && !kab.Pensiun {
			n += kabPopulation(kab, opts.Scale)
		}
	}
	return n
}

// kabPopulation is a kab/kota's population at a scale.
func kabPopulation(kab wilayah.Wilayah, scale float64) int {
	return int(math.Round(float64(kab.Penduduk2025) * scale))
}

// Generate emits the province as batches, kab/kota by kab/kota and
// kecamatan by kecamatan in code order, each batch holding whole families
// and their e-KTP cards, with Batch.At = AsOf. The same Options give
// byte-identical batches. Generate is pure (no I/O, no clock); it stops at
// the first error emit returns and returns it. emit may keep the batch.
func Generate(opts Options, emit func(*store.Batch) error) error {
	opts, err := opts.normalize()
	if err != nil {
		return err
	}
	p, err := newPlan(wilayah.Default(), opts.Scale)
	if err != nil {
		return err
	}
	out := &batcher{size: opts.BatchSize, at: opts.AsOf, emit: emit}
	for _, kab := range p.kab {
		for _, kec := range kab.kec {
			g := newKecGen(&opts, p, kab, kec)
			if err := g.run(out); err != nil {
				return err
			}
		}
	}
	return out.flush()
}

// batcher collects families into batches of at most size residents.
type batcher struct {
	size int
	at   time.Time
	emit func(*store.Batch) error
	b    *store.Batch
}

// room makes sure the current batch can take n more residents.
func (o *batcher) room(n int) error {
	if o.b != nil && len(o.b.Penduduk) > 0 && len(o.b.Penduduk)+n > o.size {
		if err := o.flush(); err != nil {
			return err
		}
	}
	if o.b == nil {
		o.b = &store.Batch{
			Keluarga: make([]store.KartuKeluarga, 0, o.size/3+1),
			Penduduk: make([]store.Penduduk, 0, o.size),
			KTPel:    make([]store.KTPel, 0, o.size*3/4),
			At:       o.at,
		}
	}
	return nil
}

func (o *batcher) flush() error {
	if o.b == nil || len(o.b.Penduduk) == 0 {
		return nil
	}
	b := o.b
	o.b = nil
	return o.emit(b)
}
