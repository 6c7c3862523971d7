package dasbor

import (
	"context"
	"sort"
	"time"

	"github.com/ikd-project/ikd/internal/blangko"
	"github.com/ikd-project/ikd/internal/jemput"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/target"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// Office is one office's line: the activations it did, its open service
// requests and those past their deadline, and its blangko stock.
type Office struct {
	Kode, Nama string
	IKD        int // activations it finished, all time
	IKDPace    int // in the last target.PaceWeeks full weeks
	Terbuka    int // open requests
	Terlambat  int // of them, past their deadline
	// Stock is the office's line of the stock report; HasStock false
	// when the office holds no stock.
	Stock    blangko.Unit
	HasStock bool
}

// Offices lists the offices of area kode, out of all, that have figures
// to show (activations, open requests or stock; a Dinas always), those
// with most activations first, and counts the quiet rest; stock is the
// blangko report.
func Offices(ctx context.Context, r Reader, all []store.Kantor, kode string, now time.Time, stock blangko.Laporan) ([]Office, int, error) {
	week := store.Minggu(now)
	acts, err := r.StatistikAktivasiKantor(ctx, week.AddDate(0, 0, -7*target.PaceWeeks), week)
	if err != nil {
		return nil, 0, err
	}
	byKode := map[string]store.StatAktivasi{}
	for _, a := range acts {
		byKode[a.Kode] = a
	}
	open, err := r.RekapPermohonan(ctx, now)
	if err != nil {
		return nil, 0, err
	}
	units := map[string]blangko.Unit{}
	for _, u := range stock.Units {
		units[u.Kode] = u
	}
	var out []Office
	quiet := 0
	for _, k := range all {
		if !wilayah.Within(k.WilayahKode, kode) {
			continue
		}
		a, o := byKode[k.Kode], open[k.Kode]
		u, has := units[k.Kode]
		if a.Total == 0 && o.Terbuka == 0 && !has && k.Jenis != store.DinasProvinsi && k.Jenis != store.DinasKabKota {
			quiet++
			continue
		}
		out = append(out, Office{Kode: k.Kode, Nama: kantor.ShortName(k.Nama), IKD: a.Total, IKDPace: a.Recent,
			Terbuka: o.Terbuka, Terlambat: o.Terlambat, Stock: u, HasStock: has})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].IKD != out[j].IKD {
			return out[i].IKD > out[j].IKD
		}
		return out[i].Nama < out[j].Nama
	})
	return out, quiet, nil
}

// Drives returns the enrollment drives of the offices of area kode, out
// of all, newest first, with their figures.
func Drives(ctx context.Context, r Reader, all []store.Kantor, kode string) ([]jemput.Angka, error) {
	var codes []string
	for _, k := range all {
		if wilayah.Within(k.WilayahKode, kode) {
			codes = append(codes, k.Kode)
		}
	}
	return jemput.Of(ctx, r, codes)
}
