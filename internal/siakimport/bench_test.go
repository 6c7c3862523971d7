package siakimport

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkImportStream streams IKD_BENCH_ROWS generated rows (default
// 50,000) from a file through Run with a Loader that discards the batches,
// and reports rows/s and the peak heap, sampled with runtime.ReadMemStats
// every 10 ms. Memory must stay flat: run it with IKD_BENCH_ROWS=2100000
// to check the 300 MB budget of a full provincial export.
//
//	IKD_BENCH_ROWS=2100000 go test -run xxx -bench ImportStream -benchtime 1x ./internal/siakimport/
func BenchmarkImportStream(b *testing.B) {
	rows := 50_000
	if s := os.Getenv("IKD_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("IKD_BENCH_ROWS=%q: want a positive number", s)
		}
		rows = n
	}
	path := filepath.Join(b.TempDir(), "siak.csv")
	size := writeBenchFile(b, path, rows)

	runtime.GC()
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapAlloc)
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()

	b.ReportAllocs()
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		rep, err := Run(context.Background(), f, Options{Loader: discard{}, Size: size, Now: testNow})
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		if rep.Imported != rows || rep.Rejected != 0 {
			b.Fatalf("imported %d, rejected %d of %d: %v", rep.Imported, rep.Rejected, rows, rep.Errors[:min(3, len(rep.Errors))])
		}
	}
	b.StopTimer()
	close(stop)
	wg.Wait()
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	if rss := peakRSS(); rss > 0 {
		b.ReportMetric(float64(rss)/(1<<20), "peak-rss-MB")
	}
}

// writeBenchFile writes n valid rows in the `;` format of an Indonesian
// Excel, with a BOM and CRLF, and returns the file size. Rows are families
// of four spread over the desa of Kota Bengkulu, with unique NIKs.
func writeBenchFile(b *testing.B, path string, n int) int64 {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("\ufeff" + strings.Join(allColumns, ";") + "\r\n")
	desa := []string{"1001", "1002", "1003", "1004", "1005", "1006"}
	var line []byte
	for i := 0; i < n; i++ {
		p := person(i % 20160)
		serial := 1 + i/20160 // NIKs stay unique past 20,160 rows
		p["NIK"] = p["NIK"][:12] + fmt.Sprintf("%04d", serial%10000)
		p["NO_KK"] = fmt.Sprintf("177101%010d", i/4+1)
		p["NO_KEL"] = desa[(i/4)%len(desa)]
		p["EMAIL"] = "warga" + strconv.Itoa(i) + "@gmail.com"
		line = line[:0]
		for j, c := range allColumns {
			if j > 0 {
				line = append(line, ';')
			}
			line = append(line, p[c]...)
		}
		line = append(line, '\r', '\n')
		w.Write(line)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	st, err := f.Stat()
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	return st.Size()
}

// peakRSS returns the process's peak resident set (VmHWM) on Linux, 0
// elsewhere.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
