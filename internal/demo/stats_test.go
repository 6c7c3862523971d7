package demo

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/penduduk"
	"github.com/ikd-project/ikd/internal/store"
)

var testAsOf = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// stats are the aggregate figures of a generated province.
type stats struct {
	n, male, wajib, rekam, kk, cards int
	age17                            int
	band                             [20]int
	kab                              map[string]int
	kabWajib, kabRekam               map[string]int
	rel                              map[store.Hubungan]int
	agama, job, status, blood        map[string]int
	email, phone, adults, sizeMax    int
	famSize                          map[int]int
}

func newStats() *stats {
	return &stats{kab: map[string]int{}, kabWajib: map[string]int{}, kabRekam: map[string]int{},
		rel: map[store.Hubungan]int{}, agama: map[string]int{}, job: map[string]int{}, status: map[string]int{},
		blood: map[string]int{}, famSize: map[int]int{}}
}

func (s *stats) add(b *store.Batch, asOf time.Time) {
	size := map[string]int{}
	for i := range b.Penduduk {
		p := &b.Penduduk[i]
		s.n++
		age := penduduk.Age(p.TanggalLahir, asOf)
		s.band[min(age/5, 19)]++
		if age >= 17 {
			s.age17++
			s.adults++
			if p.Email != "" {
				s.email++
			}
			if p.Telepon != "" {
				s.phone++
			}
		}
		if p.JenisKelamin == store.LakiLaki {
			s.male++
		}
		kab := p.DesaKode[:5]
		s.kab[kab]++
		if penduduk.WajibKTP(p, asOf) {
			s.wajib++
			s.kabWajib[kab]++
			if penduduk.Terekam(p) {
				s.rekam++
				s.kabRekam[kab]++
			}
		}
		s.rel[p.Hubungan]++
		s.agama[p.Agama]++
		s.job[p.Pekerjaan]++
		s.status[string(p.StatusNIK)]++
		s.blood[p.GolonganDarah]++
		size[p.NoKK]++
	}
	for _, n := range size {
		s.famSize[min(n, 9)]++
		s.sizeMax = max(s.sizeMax, n)
	}
	s.kk += len(b.Keluarga)
	s.cards += len(b.KTPel)
}

func pct(a, b int) float64 { return 100 * float64(a) / float64(b) }

func (s *stats) String() string {
	var w strings.Builder
	fmt.Fprintf(&w, "residents %d, KK %d (mean size %.2f, max %d), cards %d\n", s.n, s.kk, float64(s.n)/float64(s.kk), s.sizeMax, s.cards)
	fmt.Fprintf(&w, "age17+ %.1f%%, wajib %.1f%%, recorded/wajib %.2f%%, sex ratio %.1f\n",
		pct(s.age17, s.n), pct(s.wajib, s.n), pct(s.rekam, s.wajib), 100*float64(s.male)/float64(s.n-s.male))
	fmt.Fprintf(&w, "adults with email %.1f%%, phone %.1f%%\n", pct(s.email, s.adults), pct(s.phone, s.adults))
	w.WriteString("bands:")
	for i, c := range s.band {
		fmt.Fprintf(&w, " %d:%.1f", i*5, pct(c, s.n))
	}
	w.WriteString("\nfamily sizes:")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&w, " %d:%.1f", i, pct(s.famSize[i], s.kk))
	}
	fmt.Fprintf(&w, "\nkab recorded:")
	for _, k := range sortedKeys(s.kab) {
		fmt.Fprintf(&w, " %s:%d/%.2f%%", k, s.kab[k], pct(s.kabRekam[k], s.kabWajib[k]))
	}
	fmt.Fprintf(&w, "\nrel: %v\nagama: %v\nstatus: %v\nblood: %v\njob: %v\n", s.rel, s.agama, s.status, s.blood, s.job)
	return w.String()
}
