package konsol_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/app"
	"github.com/ikd-project/ikd/internal/demo"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// BenchmarkDashboard measures the dashboard pages as a provincial viewer
// gets them over HTTP from the whole server (session, every read, the
// template), over a demo province with 2% of a sample of residents
// activated (at most 20,000, dated over the last 26 weeks), the demo's
// stock and requests, and a drive with a roster of 200: 200 views each of
// the province, the kab/kota, kecamatan and desa (spread over all of
// them). Each level's p50 and p95 are reported beside a primary-key read
// of one resident in the same run (the physical limit of a lookup), with
// the ratio of the worst p95 to it.
//
//	IKD_BENCH_SCALE=1 IKD_TEST_POSTGRES_DSN=... go test -run '^$' -bench Dashboard -benchtime 1x -timeout 120m ./internal/konsol/
//
// IKD_BENCH_SCALE is the demo scale (default 0.05; 1 is the full
// province, 10 is 21 million residents).
func BenchmarkDashboard(b *testing.B) {
	scale := ikdtest.BenchScale(b, 0.05)
	now := time.Now().UTC()
	for _, be := range ikdtest.Backends {
		b.Run(be.Name, func(b *testing.B) {
			var clock atomic.Int64
			clock.Store(now.UnixNano())
			st := be.Open(b, func() time.Time { return time.Unix(0, clock.Load()).UTC() })
			c := start(b, st)
			t0 := time.Now()
			sample, n := loadDemo(b, st, scale, now)
			b.Logf("%s: loaded %d residents in %v", be.Name, n, time.Since(t0).Round(time.Second))
			t0 = time.Now()
			activate(b, st, sample, now, &clock)
			b.Logf("%s: %d activations in %v", be.Name, len(sample), time.Since(t0).Round(time.Second))
			drive(b, st, sample, now)

			v := signIn(b, c, "bench", "DISDUKCAPIL-17", store.PeranViewer)
			levels := areas()
			const views = 200
			b.ResetTimer()
			var worst time.Duration
			for _, level := range []string{"provinsi", "kabkota", "kecamatan", "desa"} {
				var lat []time.Duration
				for i := range views {
					kode := levels[level][(i*7919)%len(levels[level])]
					t := time.Now()
					res, body := v.get("/konsol/dasbor/" + kode)
					lat = append(lat, time.Since(t))
					if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="dasbor-nama"`) {
						b.Fatalf("%s %s: %d", level, kode, res.StatusCode)
					}
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

// loadDemo loads the demo province with its stock and requests and
// returns every 50th living resident (at most 20,000) and the count.
func loadDemo(b *testing.B, st store.Store, scale float64, now time.Time) ([]store.Penduduk, int) {
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
	if err := app.WithDeferredIndexes(ctx, st, func() error {
		return demo.Load(ctx, st, demo.Options{Seed: 1, Scale: scale, AsOf: now}, load, nil)
	}); err != nil {
		b.Fatal(err)
	}
	if err := demo.LoadStock(ctx, st, now, scale); err != nil {
		b.Fatal(err)
	}
	if err := demo.LoadRequests(ctx, st, now); err != nil {
		b.Fatal(err)
	}
	return sample, n
}

// activate finishes an activation of each resident of sample at the
// Dinas of their kab/kota, at a moment of the last 26 weeks.
func activate(b *testing.B, st store.Store, sample []store.Penduduk, now time.Time, clock *atomic.Int64) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i, p := range sample {
		clock.Store(now.Add(-time.Duration(rng.Int64N(int64(26 * 7 * 24 * time.Hour)))).UnixNano())
		kab := p.DesaKode[:5]
		a := store.Aktivasi{ID: fmt.Sprint("bench-", i), NIK: p.NIK, KabKotaKode: kab, KantorKode: "DISDUKCAPIL-" + kab,
			Petugas: "bench", CodeHash: fmt.Sprint("c", i), TxCodeHash: "t", State: store.Ditawarkan, ExpiresAt: now.Add(time.Hour)}
		if err := st.CreateAktivasi(ctx, &a); err != nil {
			b.Fatal(err)
		}
		if _, err := st.UpdateAktivasi(ctx, a.ID, func(x *store.Aktivasi) error { x.State = store.Selesai; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	clock.Store(now.UnixNano())
}

// drive gives Kota Bengkulu's Dinas a drive with up to 200 of the
// sample's Kota Bengkulu residents on its roster.
func drive(b *testing.B, st store.Store, sample []store.Penduduk, now time.Time) {
	j := store.Jemput{Nama: "Jemput bola OPD Kota", Sasaran: store.SasaranOPDKabKota, Tempat: "Balai Kota", KantorKode: office,
		MulaiAt: now.AddDate(0, 0, -30), SelesaiAt: now.AddDate(0, 0, -29), HitungSampai: now.AddDate(0, 0, -29), Jam: 8,
		Petugas: []string{"bench"}, DibuatOleh: "bench"}
	if err := st.CreateJemput(ctx, &j); err != nil {
		b.Fatal(err)
	}
	var roster []store.PesertaJemput
	for _, p := range sample {
		if strings.HasPrefix(p.DesaKode, "17.71.") && len(roster) < 200 {
			roster = append(roster, store.PesertaJemput{JemputID: j.ID, NIK: p.NIK, Baris: len(roster) + 2})
		}
	}
	if err := st.AddPeserta(ctx, roster); err != nil {
		b.Fatal(err)
	}
}

// areas lists the area codes of each level of the province.
func areas() map[string][]string {
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
	return levels
}

func percentiles(lat []time.Duration) (p50, p95 time.Duration) {
	slices.Sort(lat)
	return lat[len(lat)/2], lat[len(lat)*95/100]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
