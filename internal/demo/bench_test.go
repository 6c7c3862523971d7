package demo

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/store"
)

// BenchmarkGenerate generates the province at IKD_BENCH_SCALE (default
// 0.05) and reports residents per second.
func BenchmarkGenerate(b *testing.B) {
	scale := 0.05
	if s := os.Getenv("IKD_BENCH_SCALE"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			b.Fatalf("IKD_BENCH_SCALE: %v", err)
		}
		scale = v
	}
	opts := Options{Seed: 1, Scale: scale, AsOf: testAsOf}
	residents := 0
	start := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		err := Generate(opts, func(bt *store.Batch) error {
			residents += len(bt.Penduduk)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(residents)/time.Since(start).Seconds(), "residents/s")
}
