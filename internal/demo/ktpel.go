package demo

import (
	"sync"
	"time"

	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// e-KTP recording started in Bengkulu in 2011; most adults of the time were
// recorded in the mass campaign that ran until the end of 2013.
var (
	ektpStart = dayNum(2011, 8, 1)
	massEnd   = dayNum(2013, 12, 31)
)

// recording returns the day the person's e-KTP biometrics were recorded,
// or -1 when they were not. Recording is allowed from 16; of the wajib KTP
// (17+ or ever married) a share 1 - kab.rekam is not recorded, more often
// the young (who have just come of age) and the very old.
func (g *kecGen) recording(m *member, born date, age int) int {
	r := g.r
	if age < 16 {
		return -1
	}
	start := max(born.plus(16), ektpStart)
	if age < 17 && m.kawin == store.BelumKawin { // not wajib KTP yet
		if r.chance(0.4) {
			return r.between(start, g.asOf)
		}
		return -1
	}
	if r.chance((1 - g.kab.rekam) * unrecordedFactor(age)) {
		return -1
	}
	switch {
	case start < massEnd && r.chance(0.8):
		return r.between(start, min(massEnd, g.asOf))
	case start >= massEnd && r.chance(0.75): // soon after turning 16
		return r.between(start, min(start+730, g.asOf))
	}
	return r.between(start, g.asOf)
}

// unrecordedFactor weighs the chance of not being recorded by age; its mean
// over the wajib KTP population is 1, so the kab/kota share holds.
func unrecordedFactor(age int) float64 {
	switch {
	case age <= 20:
		return 3.05
	case age <= 25:
		return 1.52
	case age < 70:
		return 0.715
	}
	return 2.2
}

// statusNIK: the dead (MATI) are rare and never the head of the card; an
// NIK not recorded by 22 is mostly deactivated (NONAKTIF, domain.md §1.5).
func (g *kecGen) statusNIK(m *member, age, rekam int) store.StatusNIK {
	r := g.r
	if m.rel != store.KepalaKeluarga {
		p := 0.0003
		switch {
		case age >= 75:
			p = 0.04
		case age >= 60:
			p = 0.01
		}
		if r.chance(p) {
			return store.NIKMati
		}
	}
	if rekam < 0 && age >= 22 && r.chance(0.7) {
		return store.NIKNonaktif
	}
	return store.NIKAktif
}

// cards appends the e-KTP cards of a resident recorded on day rekam: none
// before 17 or while waiting for a blank card, usually one handed over,
// sometimes a lost or damaged card replaced by a newer one (the older then
// DIGANTI), or a lost or damaged one not replaced yet. Cards are printed by
// the Dinas of the kab/kota the resident lives in, before the day AsOf.
func (g *kecGen) cards(dst []store.KTPel, nik string, born date, rekam int) ([]store.KTPel, error) {
	if rekam < 0 {
		return dst, nil
	}
	r := g.r
	printed := max(rekam, born.plus(17))
	if printed < massEnd {
		printed += r.between(60, 600) // the 2011-2013 backlog
	} else {
		printed += r.between(7, 120)
	}
	if printed >= g.asOf || r.chance(0.015) { // still waiting for a blangko
		return dst, nil
	}
	status := g.fresh(printed)
	switch {
	case g.asOf-printed > 400 && r.chance(0.04):
		next := r.between(printed+180, g.asOf-1)
		var err error
		if dst, err = g.card(dst, nik, printed, store.Diganti); err != nil {
			return dst, err
		}
		return g.card(dst, nik, next, g.fresh(next))
	case r.chance(0.006):
		status = store.Hilang
		if r.chance(0.35) {
			status = store.Rusak
		}
	}
	return g.card(dst, nik, printed, status)
}

// fresh is the status of a card printed on day printed that was not lost:
// handed over, or for a recent one sometimes still at the office.
func (g *kecGen) fresh(printed int) store.StatusKTPel {
	if g.asOf-printed < 30 && g.r.chance(0.5) {
		return store.Dicetak
	}
	return store.Diserahkan
}

func (g *kecGen) card(dst []store.KTPel, nik string, printed int, status store.StatusKTPel) ([]store.KTPel, error) {
	y, _, _ := civil(printed)
	serial, err := g.num.cardSerial(y)
	if err != nil {
		return dst, err
	}
	// office hours, 08:00-15:00 WIB (UTC+7)
	at := dayTime(printed).Add(time.Duration(g.r.between(3600, 8*3600-1)) * time.Second)
	return append(dst, store.KTPel{NIK: nik, BlangkoSerial: serial, Status: status, KantorKode: g.kab.kantor, DicetakAt: at}), nil
}

// provKab lists, per province code in provTowns, the 4-digit codes of its
// active kab/kota, for migrants' NIK prefixes.
var provKab = sync.OnceValue(func() map[string][]string {
	d := wilayah.Default()
	out := map[string][]string{}
	for _, prov := range originProvinces {
		for _, k := range d.Children(prov) {
			if k.Tingkat == wilayah.KabKota && !k.Pensiun {
				out[prov] = append(out[prov], digits(k.Kode))
			}
		}
		if len(out[prov]) == 0 {
			panic("demo: no kab/kota for province " + prov + " in the region data")
		}
	}
	return out
})

// originProvinces are the provinces of provTowns, in order.
var originProvinces = []string{"12", "13", "15", "16", "18", "31", "32", "33", "34", "35", "51"}
