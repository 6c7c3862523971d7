package demo

import (
	"github.com/ikd-project/ikd/internal/store"
)

// kecGen generates the residents of one kecamatan from its own stream.
type kecGen struct {
	asOf int // day number of Options.AsOf
	p    *plan
	kab  *kabPlan
	kec  *kecPlan
	r    *rng
	fam  famGen
	num  *numbers
	// The current household, and its members' given names and last words.
	ms               []member
	names, lastWords []string
}

func newKecGen(opts *Options, p *plan, kab *kabPlan, kec *kecPlan) *kecGen {
	r := newRNG(opts.Seed, kec.kode)
	asOf := timeDay(opts.AsOf)
	return &kecGen{
		asOf: asOf, p: p, kab: kab, kec: kec, r: r,
		fam: famGen{r: r, asOf: asOf, now: mkDate(asOf), mix: newWeights(kab.prof.mix[:]...)},
		num: newNumbers(kec, len(p.kec)),
	}
}

// run generates the kecamatan household by household and hands each to
// out. Households fill the desa in order: the next desa starts once the
// running count reaches the desa's cumulative share, so desa sizes follow
// their shares and only the kecamatan's last household is cut to fit.
func (g *kecGen) run(out *batcher) error {
	desa := g.kec.desa
	j, room := 0, desa[0].n
	for left := g.kec.n; left > 0; {
		for room <= 0 && j < len(desa)-1 {
			j++
			room += desa[j].n
		}
		ms := g.fam.household(left)
		if err := out.room(len(ms)); err != nil {
			return err
		}
		if err := g.household(out.b, &desa[j], ms); err != nil {
			return err
		}
		left -= len(ms)
		room -= len(ms)
	}
	return nil
}

// household turns the members of one household into a family card, its
// residents and their e-KTP cards, appended to b.
func (g *kecGen) household(b *store.Batch, d *desaPlan, ms []member) error {
	noKK, issued, err := g.familyCard(ms)
	if err != nil {
		return err
	}
	kk := store.KartuKeluarga{NoKK: noKK, DesaKode: d.kode, TanggalTerbit: dayTime(issued)}
	kk.Alamat, kk.RT, kk.RW = g.address(d)
	agama := g.religion(ms[0].grp)
	g.ms, g.names, g.lastWords = ms, g.names[:0], g.lastWords[:0]
	for i := range ms {
		b.Penduduk = append(b.Penduduk, store.Penduduk{})
		p := &b.Penduduk[len(b.Penduduk)-1]
		rekam, err := g.person(p, &ms[i], d)
		if err != nil {
			return err
		}
		p.NoKK, p.Agama = noKK, agama
		p.Alamat, p.RT, p.RW, p.DesaKode = kk.Alamat, kk.RT, kk.RW, d.kode
		if i == 0 {
			kk.KepalaNIK = p.NIK
		}
		if b.KTPel, err = g.cards(b.KTPel, p.NIK, mkDate(ms[i].birth), rekam); err != nil {
			return err
		}
	}
	b.Keluarga = append(b.Keluarga, kk)
	return nil
}

// kkEpoch is the earliest KK issue date: cards in the current numbering
// were reissued through SIAK from 2010 on.
var kkEpoch = dayNum(2010, 1, 1)

// familyCard numbers the household's KK. It was last issued after the head
// came of age and after its youngest member was born (a birth is one of the
// events that reissue a KK).
func (g *kecGen) familyCard(ms []member) (string, int, error) {
	lo := max(kkEpoch, mkDate(ms[0].birth).plus(minHeadAge))
	for i := range ms {
		lo = max(lo, ms[i].birth)
	}
	lo = min(lo, g.asOf)
	issued := g.r.between(lo, g.asOf)
	no, err := g.num.kk(issued)
	return no, issued, err
}

// rtrw are "001".."030", for RT and RW.
var rtrw = func() []string {
	out := make([]string, 31)
	for i := range out {
		out[i] = string(appendPad(nil, i, 3))
	}
	return out
}()

// address draws a street address, RT and RW in desa d.
func (g *kecGen) address(d *desaPlan) (alamat, rt, rw string) {
	r := g.r
	var b []byte
	if d.kelurahan {
		b = append(b, "JL. "...)
		b = append(b, one(r, streets)...)
		if r.chance(0.3) {
			b = append(b, " GG. "...)
			b = append(b, one(r, streets)...)
		}
		b = append(b, " NO. "...)
		b = appendPad(b, r.between(1, 150), 1)
		return string(b), rtrw[r.between(1, 30)], rtrw[r.between(1, 8)]
	}
	if r.chance(0.7) {
		b = append(b, "DUSUN "...)
		b = append(b, roman[r.intn(4)]...)
	} else {
		b = append(b, "JL. "...)
		b = append(b, one(r, villageRoads)...)
	}
	return string(b), rtrw[r.between(1, 12)], rtrw[r.between(1, 4)]
}
