package dasbor_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/blangko"
	"github.com/ikd-project/ikd/internal/dasbor"
	"github.com/ikd-project/ikd/internal/demo"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// BenchmarkDashboard measures what a dashboard page reads (the area's
// report, its offices with open requests and the stock report) over a demo
// province with activations spread over the last 26 weeks, for the
// province, every kab/kota and a sample of kecamatan and desa. Each
// level's p50 and p95 are reported beside a primary-key read of one
// resident in the same run (the physical limit of a lookup), with the
// ratio of the worst p95 to it.
//
//	IKD_BENCH_SCALE=1 IKD_TEST_POSTGRES_DSN=... go test -run '^$' -bench Dashboard -benchtime 1x -timeout 120m ./internal/dasbor/
//
// IKD_BENCH_SCALE is the demo scale (default 0.05; 1 is the full province,
// 10 is 21 million residents). The activations are 2% of the residents,
// at most 20,000 (the aggregates' size depends on areas and weeks, not on
// how many were done).
func BenchmarkDashboard(b *testing.B) {
	scale := 0.05
	if s := os.Getenv("IKD_BENCH_SCALE"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v <= 0 {
			b.Fatalf("IKD_BENCH_SCALE=%q is not a positive number", s)
		}
		scale = v
	}
	ctx := context.Background()
	now := time.Now().UTC()
	opts := demo.Options{Seed: 1, Scale: scale, AsOf: now}
	for _, be := range ikdtest.Backends {
		b.Run(be.Name, func(b *testing.B) {
			var clock atomic.Int64
			clock.Store(now.UnixNano())
			st := be.Open(b, func() time.Time { return time.Unix(0, clock.Load()).UTC() })
			t0 := time.Now()
			var sample []store.Penduduk
			n := 0
			load := func(ctx context.Context, bt *store.Batch) error {
				err := st.InTx(ctx, func(tx store.Tx) error { _, err := tx.LoadBatch(ctx, bt); return err })
				for _, p := range bt.Penduduk {
					if n++; n%50 == 0 && len(sample) < 20000 && p.StatusNIK != store.NIKMati {
						sample = append(sample, p)
					}
				}
				return err
			}
			if err := demo.Load(ctx, st, opts, load, nil); err != nil {
				b.Fatal(err)
			}
			if err := demo.LoadStock(ctx, st, now, scale); err != nil {
				b.Fatal(err)
			}
			if err := demo.LoadRequests(ctx, st, now); err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: loaded %d residents in %v", be.Name, n, time.Since(t0).Round(time.Second))
			t0 = time.Now()
			rng := rand.New(rand.NewPCG(1, 2))
			for i, p := range sample {
				clock.Store(now.Add(-time.Duration(rng.Int64N(int64(26 * 7 * 24 * time.Hour)))).UnixNano())
				a := store.Aktivasi{ID: fmt.Sprint("bench-", i), NIK: p.NIK, KabKotaKode: p.DesaKode[:5], KantorKode: "DISDUKCAPIL-" + p.DesaKode[:5],
					Petugas: "bench", CodeHash: fmt.Sprint("c", i), TxCodeHash: "t", State: store.Ditawarkan, ExpiresAt: now.Add(time.Hour)}
				if err := st.CreateAktivasi(ctx, &a); err != nil {
					b.Fatal(err)
				}
				if _, err := st.UpdateAktivasi(ctx, a.ID, func(x *store.Aktivasi) error { x.State = store.Selesai; return nil }); err != nil {
					b.Fatal(err)
				}
			}
			clock.Store(now.UnixNano())
			b.Logf("%s: %d activations in %v", be.Name, len(sample), time.Since(t0).Round(time.Second))

			d := wilayah.Default()
			levels := map[string][]string{"provinsi": {"17"}}
			for _, kab := range d.Children("17") {
				levels["kabkota"] = append(levels["kabkota"], kab.Kode)
				for _, kec := range d.Children(kab.Kode) {
					levels["kecamatan"] = append(levels["kecamatan"], kec.Kode)
					for _, desa := range d.Children(kec.Kode) {
						levels["desa"] = append(levels["desa"], desa.Kode)
					}
				}
			}
			stock := &blangko.Service{Store: st, Now: func() time.Time { return now }}
			page := func(kode string) error {
				if _, err := dasbor.Of(ctx, st, kode, now); err != nil {
					return err
				}
				l, err := stock.Report(ctx)
				if err != nil {
					return err
				}
				_, _, err = dasbor.Offices(ctx, st, kode, now, l)
				return err
			}
			const views = 200
			b.ResetTimer()
			var worst time.Duration
			for _, level := range []string{"provinsi", "kabkota", "kecamatan", "desa"} {
				var lat []time.Duration
				for i := range views {
					areas := levels[level]
					kode := areas[(i*7919)%len(areas)]
					t := time.Now()
					if err := page(kode); err != nil {
						b.Fatalf("%s %s: %v", level, kode, err)
					}
					lat = append(lat, time.Since(t))
				}
				p50, p95 := percentiles(lat)
				worst = max(worst, p95)
				b.ReportMetric(ms(p50), level+"-p50-ms")
				b.ReportMetric(ms(p95), level+"-p95-ms")
			}
			var lat []time.Duration
			for i := range views {
				t := time.Now()
				if _, err := st.GetPenduduk(ctx, sample[i%len(sample)].NIK); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t))
			}
			_, pk := percentiles(lat)
			b.ReportMetric(ms(pk), "pk-read-p95-ms")
			b.ReportMetric(ms(worst), "page-p95-ms")
			b.ReportMetric(float64(worst)/float64(pk), "page-p95/pk-p95")
		})
	}
}

func percentiles(lat []time.Duration) (p50, p95 time.Duration) {
	slices.Sort(lat)
	return lat[len(lat)/2], lat[len(lat)*95/100]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
