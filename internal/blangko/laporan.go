package blangko

import (
	"context"
	"sort"
	"time"

	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/store"
)

// Report thresholds, in days of cover at the last 30 days' pace.
const (
	ReorderDays = 14 // below it, a unit is alerted to ask for cards
	TargetDays  = 30 // what a rebalancing tops a short unit up to
	SurplusDays = 60 // above it, a unit can lend
)

// Unit is one holding unit's line of the report.
type Unit struct {
	Kode, Nama string
	Jenis      store.JenisKantor
	Saldo      int
	Pakai30    int     // cards used in the last 30 days
	Cover      float64 // days of cover at that pace; -1 with no use
	Alert      bool    // below ReorderDays, or empty with use
	Hemat30    int     // cards saved by IKD in the last 30 days: replacements served by the digital ID
}

// Saran is a suggested loan between kab/kota Dinas.
type Saran struct {
	Dari, Ke string
	Jumlah   int
}

// Laporan is the stock report.
type Laporan struct {
	At    time.Time
	Units []Unit // the provincial Dinas first, then by name
	Total int
	// What the province asked the centre for, what it approved and what
	// arrived, over the last year.
	Diajukan, Disetujui, Diterima int
	// Hemat is the cards IKD saved over the last year (Hemat30 summed
	// over the year rather than 30 days).
	Hemat int
	Saran []Saran
}

// Report reads the balances and the last 30 days' use of every unit.
func (s *Service) Report(ctx context.Context) (Laporan, error) {
	now := s.now()
	l := Laporan{At: now}
	saldo, err := s.Store.ListSaldo(ctx)
	if err != nil {
		return l, err
	}
	used, err := s.Store.SumMutasi(ctx, store.Pemakaian, now.AddDate(0, 0, -30))
	if err != nil {
		return l, err
	}
	year := now.AddDate(-1, 0, 0)
	for _, x := range []struct {
		j   store.JenisMutasi
		dst *int
	}{{store.Pengajuan, &l.Diajukan}, {store.Persetujuan, &l.Disetujui}, {store.Penerimaan, &l.Diterima}} {
		sums, err := s.Store.SumMutasi(ctx, x.j, year)
		if err != nil {
			return l, err
		}
		for _, n := range sums {
			*x.dst += n
		}
	}
	saved, err := s.Store.CountIKD(ctx, now.AddDate(0, 0, -30))
	if err != nil {
		return l, err
	}
	savedYear, err := s.Store.CountIKD(ctx, year)
	if err != nil {
		return l, err
	}
	for _, n := range savedYear {
		l.Hemat += n
	}
	offices, err := s.Store.ListKantor(ctx)
	if err != nil {
		return l, err
	}
	have := map[string]int{}
	for _, b := range saldo {
		have[b.KantorKode] = b.Saldo
	}
	for _, k := range offices {
		n, ok := have[k.Kode]
		if !ok && used[k.Kode] == 0 && saved[k.Kode] == 0 && k.Jenis != store.DinasProvinsi && k.Jenis != store.DinasKabKota {
			continue // an office that never held stock
		}
		u := Unit{Kode: k.Kode, Nama: kantor.ShortName(k.Nama), Jenis: k.Jenis, Saldo: n, Pakai30: used[k.Kode], Hemat30: saved[k.Kode], Cover: -1}
		if u.Pakai30 > 0 {
			u.Cover = float64(u.Saldo) / (float64(u.Pakai30) / 30)
			u.Alert = u.Cover < ReorderDays
		}
		l.Units = append(l.Units, u)
		l.Total += n
	}
	sort.SliceStable(l.Units, func(i, j int) bool {
		pi, pj := l.Units[i].Jenis == store.DinasProvinsi, l.Units[j].Jenis == store.DinasProvinsi
		if pi != pj {
			return pi
		}
		return l.Units[i].Nama < l.Units[j].Nama
	})
	l.Saran = rebalance(l.Units)
	return l, nil
}

// rebalance suggests loans from kab/kota Dinas with more than SurplusDays
// of cover to those under ReorderDays, topping them up to TargetDays:
// the largest need first, from the largest surplus.
func rebalance(units []Unit) []Saran {
	type side struct {
		kode string
		n    int
	}
	var give, need []side
	for _, u := range units {
		if u.Jenis != store.DinasKabKota || u.Pakai30 == 0 {
			continue
		}
		rate := float64(u.Pakai30) / 30
		switch {
		case u.Cover > SurplusDays:
			give = append(give, side{u.Kode, u.Saldo - int(SurplusDays*rate)})
		case u.Cover < ReorderDays:
			need = append(need, side{u.Kode, int(TargetDays*rate) - u.Saldo})
		}
	}
	byN := func(s []side) { sort.Slice(s, func(i, j int) bool { return s[i].n > s[j].n }) }
	byN(give)
	byN(need)
	var out []Saran
	for _, n := range need {
		for i := range give {
			if n.n == 0 {
				break
			}
			k := min(n.n, give[i].n)
			if k <= 0 {
				continue
			}
			out = append(out, Saran{Dari: give[i].kode, Ke: n.kode, Jumlah: k})
			give[i].n -= k
			n.n -= k
		}
	}
	return out
}
