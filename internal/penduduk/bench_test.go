package penduduk_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/demo"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/store"
)

// BenchmarkSearch measures the console's searches over a demo province,
// as an officer of the resident's kab/kota makes them: by full NIK, by
// the first word of the name (the worst case: SITI, MUHAMMAD), by the
// first two words, and by the first word with the birth date. Each kind's
// p50 and p95 latency is reported beside a primary-key read of one
// resident measured in the same run: the physical limit of a lookup.
//
//	IKD_BENCH_SCALE=1 IKD_TEST_POSTGRES_DSN=... go test -run '^$' -bench Search -benchtime 1x -timeout 60m ./internal/penduduk/
//
// IKD_BENCH_SCALE is the demo scale (default 0.05, about 106,000
// residents; 1 is the full province, 2.1 million).
func BenchmarkSearch(b *testing.B) {
	scale := ikdtest.BenchScale(b, 0.05)
	ctx := context.Background()
	opts := demo.Options{Seed: 1, Scale: scale, AsOf: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	// Every 997th resident of the generated province, the searches' targets.
	var sample []store.Penduduk
	n := 0
	if err := demo.Generate(opts, func(bt *store.Batch) error {
		for _, p := range bt.Penduduk {
			if n++; n%997 == 0 && len(sample) < 400 {
				sample = append(sample, p)
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	for _, be := range ikdtest.Backends {
		b.Run(be.Name, func(b *testing.B) {
			st := be.Open(b, nil)
			t0 := time.Now()
			if err := demo.Load(ctx, st, opts, nil, nil); err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: loaded %d residents in %v", be.Name, n, time.Since(t0).Round(time.Second))
			kinds := map[string]func(p store.Penduduk) error{
				"nik": func(p store.Penduduk) error { _, err := st.GetPenduduk(ctx, p.NIK); return err },
				"nama1": func(p store.Penduduk) error {
					return find(ctx, st, p, store.CariFilter{NamaPrefix: words(p.Nama, 1), WilayahKode: p.DesaKode[:5]})
				},
				"nama2": func(p store.Penduduk) error {
					return find(ctx, st, p, store.CariFilter{NamaPrefix: words(p.Nama, 2), WilayahKode: p.DesaKode[:5]})
				},
				"nama1+lahir": func(p store.Penduduk) error {
					return find(ctx, st, p, store.CariFilter{NamaPrefix: words(p.Nama, 1), WilayahKode: p.DesaKode[:5], TanggalLahir: p.TanggalLahir})
				},
			}
			b.ResetTimer()
			p95 := map[string]time.Duration{}
			for _, kind := range []string{"nik", "nama1", "nama2", "nama1+lahir"} {
				var lat []time.Duration
				for _, p := range sample {
					t := time.Now()
					if err := kinds[kind](p); err != nil {
						b.Fatalf("%s %s: %v", kind, p.Nama, err)
					}
					lat = append(lat, time.Since(t))
				}
				slices.Sort(lat)
				p95[kind] = lat[len(lat)*95/100]
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, kind+"-p50-ms")
				b.ReportMetric(float64(p95[kind].Microseconds())/1000, kind+"-p95-ms")
			}
			worst := max(p95["nama1"], p95["nama2"], p95["nama1+lahir"])
			b.ReportMetric(float64(worst)/float64(p95["nik"]), "name-p95/nik-p95")
		})
	}
}

// find searches and checks the target is among the results, or that the
// page is full (a common name: the officer narrows).
func find(ctx context.Context, st store.Store, p store.Penduduk, f store.CariFilter) error {
	got, err := st.CariPenduduk(ctx, f)
	if err != nil {
		return err
	}
	if len(got) < 20 && !slices.ContainsFunc(got, func(q store.Penduduk) bool { return q.NIK == p.NIK }) {
		return &missing{p.Nama}
	}
	return nil
}

type missing struct{ nama string }

func (m *missing) Error() string { return "not found by its own name: " + m.nama }

// words returns the first n words of a name.
func words(nama string, n int) string {
	f := strings.Fields(nama)
	return strings.Join(f[:min(n, len(f))], " ")
}
