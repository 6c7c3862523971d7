package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/ikd-project/ikd/internal/store"
)

// MetaStock is the meta key LoadStock sets when the demo ledger is written.
const MetaStock = "demo.blangko"

// stockFeb2024 is the province's blangko stock on 12 February 2024, per
// unit, as Harian Bengkulu Ekspress reported it (domain.md §6): 47,209.
var stockFeb2024 = map[string]int{
	"17": 2120, "17.71": 10500, "17.06": 10000, "17.02": 7000, "17.01": 6600, "17.03": 5000,
	"17.08": 1600, "17.09": 1500, "17.07": 1400, "17.05": 619, "17.04": 600,
}

// usePerDay is each kab/kota Dinas' printing pace in the demo, cards a
// day: Kota Bengkulu and Bengkulu Utara the heaviest (domain.md §6).
var usePerDay = map[string]int{
	"17.71": 30, "17.03": 18, "17.02": 14, "17.05": 9, "17.01": 8, "17.06": 6,
	"17.08": 6, "17.04": 5, "17.09": 5, "17.07": 4,
}

// LoadStock writes the demo's blangko ledger, once: the 2022 request of
// 40,000 with 20,000 approved and 5,000 received, the stock-taking of
// 12 February 2024, then this year's request, its partial approval and
// receipt distributed to the kab/kota, and 60 days of printing up to
// now at each kab/kota's pace (times scale, at least one a day).
func LoadStock(ctx context.Context, st store.Store, now time.Time, scale float64) error {
	if _, err := st.GetMeta(ctx, MetaStock); err == nil {
		return nil
	} else if !store.IsNotFound(err) {
		return err
	}
	rng := rand.New(rand.NewPCG(17, 2024))
	left := map[string]int{} // balances as written, so that no use overdraws
	err := st.InTx(ctx, func(tx store.Tx) error {
		for _, m := range stockHistory(now) {
			if err := tx.ApplyMutasi(ctx, &m); err != nil {
				return fmt.Errorf("demo stock %s: %w", m.Jenis, err)
			}
			if m.Jenis != store.Pengajuan && m.Jenis != store.Persetujuan {
				left[m.Dari] -= m.Jumlah
				left[m.Ke] += m.Jumlah
			}
		}
		serial := 0
		for d := 60; d >= 1; d-- {
			day := now.AddDate(0, 0, -d)
			for _, kab := range []string{"17.01", "17.02", "17.03", "17.04", "17.05", "17.06", "17.07", "17.08", "17.09", "17.71"} {
				n := min(left["DISDUKCAPIL-"+kab], max(1, int(float64(usePerDay[kab])*scale*(0.6+0.8*rng.Float64()))))
				left["DISDUKCAPIL-"+kab] -= n
				for range n {
					serial++
					m := store.BlangkoMutasi{At: day.Add(time.Duration(8*3600+serial%28800) * time.Second), Jenis: store.Pemakaian,
						Dari: "DISDUKCAPIL-" + kab, Jumlah: 1, Serial: fmt.Sprintf("%s-%d-%06d", kab, day.Year(), serial), Petugas: "demo"}
					if err := tx.ApplyMutasi(ctx, &m); err != nil {
						return fmt.Errorf("demo stock use: %w", err)
					}
				}
			}
		}
		return tx.SetMeta(ctx, MetaStock, now.UTC().Format(time.RFC3339))
	})
	if err != nil {
		return fmt.Errorf("demo stock: %w", err)
	}
	return nil
}

// stockHistory is the ledger before the daily printing.
func stockHistory(now time.Time) []store.BlangkoMutasi {
	prov := "DISDUKCAPIL-17"
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 3, 0, 0, 0, time.UTC) }
	out := []store.BlangkoMutasi{
		{At: at(2022, 9, 12), Jenis: store.Pengajuan, Ke: prov, Jumlah: 40000, Ref: "pengajuan 2022 ke Ditjen Dukcapil"},
		{At: at(2022, 10, 3), Jenis: store.Persetujuan, Ke: prov, Jumlah: 20000, Ref: "dijanjikan 20.000"},
		{At: at(2022, 12, 5), Jenis: store.Penerimaan, Ke: prov, Jumlah: 5000, Ref: "diterima 5.000 dari pusat"},
	}
	feb := at(2024, 2, 12)
	for _, kode := range []string{"17", "17.71", "17.06", "17.02", "17.01", "17.03", "17.08", "17.09", "17.07", "17.05", "17.04"} {
		out = append(out, store.BlangkoMutasi{At: feb, Jenis: store.Koreksi, Ke: "DISDUKCAPIL-" + kode, Jumlah: stockFeb2024[kode],
			Alasan: "stock opname 12 Februari 2024 (saldo awal pencatatan)"})
	}
	// The demo has no daily record before the stock-taking, which sets
	// each balance: the 2022 receipt was used up before it.
	out = append(out, store.BlangkoMutasi{At: feb, Jenis: store.Koreksi, Dari: prov, Jumlah: 5000, Alasan: "penerimaan 2022 habis dipakai sebelum stock opname"})
	req := now.AddDate(0, 0, -120)
	out = append(out,
		store.BlangkoMutasi{At: req, Jenis: store.Pengajuan, Ke: prov, Jumlah: 40000, Ref: "pengajuan tahunan"},
		store.BlangkoMutasi{At: req.AddDate(0, 0, 30), Jenis: store.Persetujuan, Ke: prov, Jumlah: 20000, Ref: "disetujui sebagian"},
		store.BlangkoMutasi{At: req.AddDate(0, 0, 40), Jenis: store.Penerimaan, Ke: prov, Jumlah: 20000, Ref: "diambil dari Ditjen"},
	)
	for kab, n := range map[string]int{"17.71": 6000, "17.03": 4000, "17.02": 3000, "17.09": 1000, "17.07": 800} {
		out = append(out, store.BlangkoMutasi{At: req.AddDate(0, 0, 41), Jenis: store.Distribusi, Dari: prov, Ke: "DISDUKCAPIL-" + kab, Jumlah: n, Ref: "pembagian sesuai permintaan"})
	}
	for i := range out {
		out[i].Petugas = "demo"
	}
	return out
}
