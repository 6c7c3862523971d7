package demo

import (
	"fmt"
	"strings"

	"github.com/ikd-project/ikd/internal/wilayah"
)

// plan is the province laid out before any resident is drawn: how many
// people live in each kab/kota, kecamatan and desa.
type plan struct {
	kab []*kabPlan
	// kec lists the active kecamatan of the province in code order; a
	// kecamatan's index in it keeps its foreign-prefix NIK serials apart.
	kec []*kecPlan
}

type kabPlan struct {
	kode    string // "17.71"
	n       int
	rekam   float64 // share of wajib KTP with a recorded e-KTP
	prof    *kabProfile
	kec     []*kecPlan
	retired []string // retired kecamatan codes, as 6 digits ("170201")
	kantor  string   // the Dinas that prints its cards
}

type kecPlan struct {
	kode   string // "17.71.01"
	digits string // "177101"
	idx    int    // position in plan.kec
	n      int
	desa   []desaPlan
}

type desaPlan struct {
	kode      string
	nama      string // upper case, a birth place for villagers
	kelurahan bool
	n         int
}

// newPlan lays out the province of d at a scale. It fails when a kecamatan
// has no desa/kelurahan in the data: codes are never invented.
func newPlan(d *wilayah.Data, scale float64) (*plan, error) {
	prov, ok := d.Lookup(Province)
	if !ok {
		return nil, fmt.Errorf("demo: province %s is not in the region data", Province)
	}
	provRekam := share(prov.Terekam2024, prov.WajibKTP2024, 0.9652)
	p := &plan{}
	for _, kw := range d.Children(Province) {
		if kw.Tingkat != wilayah.KabKota || kw.Pensiun {
			continue
		}
		kab := &kabPlan{kode: kw.Kode, n: kabPopulation(kw, scale), rekam: share(kw.Terekam2024, kw.WajibKTP2024, provRekam),
			prof: profiles[kw.Kode], kantor: "DISDUKCAPIL-" + kw.Kode}
		if kab.prof == nil {
			kab.prof = fallbackProfile
		}
		if err := p.addKecamatan(d, kab); err != nil {
			return nil, err
		}
		p.kab = append(p.kab, kab)
	}
	return p, nil
}

// share returns num/den, or def when either is unknown.
func share(num, den int, def float64) float64 {
	if num <= 0 || den <= 0 {
		return def
	}
	return float64(num) / float64(den)
}

func (p *plan) addKecamatan(d *wilayah.Data, kab *kabPlan) error {
	var ws []int
	for _, kw := range d.Children(kab.kode) {
		if kw.Tingkat != wilayah.Kecamatan {
			continue
		}
		if kw.Pensiun {
			kab.retired = append(kab.retired, digits(kw.Kode))
			continue
		}
		kec := &kecPlan{kode: kw.Kode, digits: digits(kw.Kode), idx: len(p.kec)}
		for _, dw := range d.Children(kw.Kode) {
			if dw.Tingkat == wilayah.Desa && !dw.Pensiun {
				kel := dw.Jenis == "Kelurahan" || dw.Kode[9] == '1'
				kec.desa = append(kec.desa, desaPlan{kode: dw.Kode, nama: strings.ToUpper(dw.Nama), kelurahan: kel})
			}
		}
		if len(kec.desa) == 0 {
			return fmt.Errorf("demo: kecamatan %s (%s) has no desa/kelurahan in the region data (%s); the demo does not invent codes",
				kw.Kode, kw.Nama, wilayah.Edition)
		}
		kab.kec = append(kab.kec, kec)
		p.kec = append(p.kec, kec)
		ws = append(ws, kecWeight(kw, len(kec.desa)))
	}
	if len(kab.kec) == 0 {
		return fmt.Errorf("demo: kab/kota %s has no active kecamatan in the region data", kab.kode)
	}
	for i, n := range apportion(kab.n, ws) {
		kec := kab.kec[i]
		kec.n = n
		dw := make([]int, len(kec.desa))
		for j, ds := range kec.desa {
			dw[j] = desaWeight(ds)
		}
		for j, m := range apportion(n, dw) {
			kec.desa[j].n = m
		}
	}
	return nil
}

// digits turns "17.71.01" into "177101".
func digits(kode string) string { return strings.ReplaceAll(kode, ".", "") }

// kecWeight is a kecamatan's fixed, uneven share of its kab/kota: larger
// with more desa, larger for the towns, small for the island of Enggano.
func kecWeight(w wilayah.Wilayah, desa int) int {
	x := int(400+fnv64(w.Kode)%600) * (desa + 4)
	name := strings.ToUpper(w.Nama)
	switch {
	case name == "ENGGANO":
		x /= 6
	case strings.HasPrefix(name, "KOTA ") || strings.HasPrefix(name, "CURUP") || name == "KEPAHIANG" ||
		name == "KARANG TINGGI" || name == "LEBONG UTARA" || name == "KAUR SELATAN" || name == "SELUMA":
		x *= 2
	}
	return x
}

// desaWeight is a desa's share of its kecamatan; kelurahan are bigger.
func desaWeight(d desaPlan) int {
	x := 500 + int(fnv64(d.kode)%1000)
	if d.kelurahan {
		x *= 2
	}
	return x
}

// apportion splits n into len(w) integers proportional to the weights w
// that sum to n exactly (largest remainder, ties to the lower index). It
// uses integer arithmetic only, so it is the same on every platform.
func apportion(n int, w []int) []int {
	total := 0
	for _, x := range w {
		total += x
	}
	out := make([]int, len(w))
	rem := make([]int, len(w))
	left := n
	for i, x := range w {
		out[i] = n * x / total
		rem[i] = n * x % total
		left -= out[i]
	}
	for ; left > 0; left-- {
		best := 0
		for i := range rem {
			if rem[i] > rem[best] {
				best = i
			}
		}
		out[best]++
		rem[best] = -1
	}
	return out
}
