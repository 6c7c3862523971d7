package demo

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/store"
)

// importColumns reads the column names from the table of the "Columns"
// section of docs/import.md.
func importColumns(t *testing.T) []string {
	t.Helper()
	doc, err := os.ReadFile("../../docs/import.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "\n## Columns\n")
	if !ok {
		t.Fatal(`docs/import.md has no "## Columns" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var cols []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([A-Z_]+)` \\|").FindAllStringSubmatch(section, -1) {
		cols = append(cols, m[1])
	}
	if len(cols) < 20 {
		t.Fatalf("found only %d columns in docs/import.md", len(cols))
	}
	return cols
}

func TestWriteCSV(t *testing.T) {
	opts := Options{Seed: 5, Scale: 0.01, AsOf: testAsOf}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, opts); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(&buf)
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	if want := importColumns(t); !slices.Equal(header, want) {
		t.Fatalf("header %v\nwant (docs/import.md) %v", header, want)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	// The rows are the residents Generate emits, in order.
	var want []store.Penduduk
	if err := Generate(opts, func(b *store.Batch) error { want = append(want, b.Penduduk...); return nil }); err != nil {
		t.Fatal(err)
	}
	date := regexp.MustCompile(`^\d\d-\d\d-\d{4}$`)
	rows := 0
	for ; ; rows++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("row %d: %v", rows+2, err)
		}
		p := want[rows]
		get := func(c string) string { return rec[col[c]] }
		if get("NIK") != p.NIK || get("NO_KK") != p.NoKK || get("NAMA_LGKP") != p.Nama {
			t.Fatalf("row %d: %v, want %+v", rows+2, rec, p)
		}
		if got := get("NO_PROP") + "." + get("NO_KAB") + "." + get("NO_KEC") + "." + get("NO_KEL"); got != p.DesaKode {
			t.Fatalf("row %d: region %s, want %s", rows+2, got, p.DesaKode)
		}
		if got := get("TGL_LHR"); got != p.TanggalLahir.Format("02-01-2006") {
			t.Fatalf("row %d: TGL_LHR %s, born %s", rows+2, got, p.TanggalLahir)
		}
		if !date.MatchString(get("TGL_KK")) || (get("TGL_REKAM") != "" && !date.MatchString(get("TGL_REKAM"))) {
			t.Fatalf("row %d: dates %q %q", rows+2, get("TGL_KK"), get("TGL_REKAM"))
		}
		if (get("TGL_REKAM") == "") != p.TanggalPerekaman.IsZero() {
			t.Fatalf("row %d: TGL_REKAM %q, recorded %v", rows+2, get("TGL_REKAM"), p.TanggalPerekaman)
		}
		if s := get("JENIS_KLMIN"); s != "LAKI-LAKI" && s != "PEREMPUAN" {
			t.Fatalf("row %d: JENIS_KLMIN %q", rows+2, s)
		}
		if g := get("GOL_DRH"); g == "-" || g == "" {
			t.Fatalf("row %d: GOL_DRH %q, want TIDAK TAHU for unknown", rows+2, g)
		}
	}
	if rows != Total(opts) {
		t.Fatalf("%d data rows, Total says %d", rows, Total(opts))
	}
}

// failWriter fails after n bytes.
type failWriter struct{ n int }

var errFull = errors.New("disk full")

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, errFull
	}
	return len(p), nil
}

func TestWriteCSVReportsWriteErrors(t *testing.T) {
	err := WriteCSV(&failWriter{n: 100_000}, Options{Seed: 5, Scale: 0.01, AsOf: testAsOf})
	if !errors.Is(err, errFull) {
		t.Fatalf("WriteCSV = %v, want the writer's error", err)
	}
	if err := WriteCSV(io.Discard, Options{Scale: 20, AsOf: testAsOf}); err == nil || !strings.Contains(err.Error(), "scale") {
		t.Fatalf("WriteCSV with scale 20 = %v", err)
	}
}
