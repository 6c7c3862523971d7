package siakimport

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/ikdtest"
)

func TestProgressTerminal(t *testing.T) {
	clk := ikdtest.NewClock(testNow)
	var out bytes.Buffer
	p := NewProgress(&out, true, clk.Now)
	step := func(d time.Duration, bytesDone int64, rows, rejected int) string {
		clk.Advance(d)
		out.Reset()
		p.Update(bytesDone, 2_000_000, rows, rejected)
		return out.String()
	}
	if got, want := step(0, 0, 0, 0), "\r[--------------------]   0%  0 baris  0 ditolak"; got != want {
		t.Errorf("first draw\n got %q\nwant %q", got, want)
	}
	if got := step(50*time.Millisecond, 1000, 10, 0); got != "" {
		t.Errorf("redraw after 50 ms: %q, want none (at most 10 a second)", got)
	}
	if got, want := step(9950*time.Millisecond, 700_000, 740_000, 12),
		"\r[#######-------------]  35%  740000 baris  12 ditolak  74000 baris/detik  sisa 00:19"; got != want {
		t.Errorf("draw at 10 s\n got %q\nwant %q", got, want)
	}
	if got := step(99*time.Millisecond, 700_001, 740_001, 12); got != "" {
		t.Errorf("redraw after 99 ms: %q", got)
	}
	clk.Advance(10 * time.Second)
	out.Reset()
	p.Done()
	// Done redraws with the last numbers (20.099 s after the start) and
	// ends the line.
	want := "\r[#######-------------]  35%  740001 baris  12 ditolak  36817 baris/detik  selesai dalam 00:20\n"
	if got := out.String(); got != want {
		t.Errorf("Done\n got %q\nwant %q", got, want)
	}
	out.Reset()
	p.Done()
	p.Update(1, 1, 1, 1)
	if out.Len() != 0 {
		t.Errorf("output after Done: %q", out.String())
	}
}

func TestProgressTerminalBlanksLongerLine(t *testing.T) {
	clk := ikdtest.NewClock(testNow)
	var out bytes.Buffer
	p := NewProgress(&out, true, clk.Now)
	clk.Advance(time.Second)
	p.Update(10, 100, 1_000_000, 123_456)
	first := out.Len()
	out.Reset()
	clk.Advance(time.Second)
	p.Update(10, 100, 1_000_000, 0) // shorter
	if out.Len() < first {
		t.Errorf("a shorter redraw must blank out the rest of the old line: %d < %d bytes", out.Len(), first)
	}
}

func TestProgressPlain(t *testing.T) {
	clk := ikdtest.NewClock(testNow)
	var out bytes.Buffer
	p := NewProgress(&out, false, clk.Now)
	const size = 1000
	steps := []struct {
		at             time.Duration // since start
		bytes          int64
		rows, rejected int
		want           string
	}{
		{1 * time.Second, 50, 5000, 0, ""},
		{2 * time.Second, 80, 8000, 1, "import: 8% 8000 baris, 1 ditolak, 4000 baris/detik, sisa 00:23\n"},
		{2500 * time.Millisecond, 100, 10000, 1, "import: 10% 10000 baris, 1 ditolak, 4000 baris/detik, sisa 00:23\n"}, // 10% reached
		{3 * time.Second, 150, 15000, 1, ""},
		{4 * time.Second, 190, 19000, 1, ""},
		{4500 * time.Millisecond, 199, 19900, 2, "import: 19% 19900 baris, 2 ditolak, 4422 baris/detik, sisa 00:18\n"}, // 2 s since the last line
		{5 * time.Second, 1000, 100000, 2, "import: 100% 100000 baris, 2 ditolak, 20000 baris/detik, sisa 00:00\n"},
	}
	start := clk.Now()
	for _, s := range steps {
		clk.Advance(start.Add(s.at).Sub(clk.Now()))
		out.Reset()
		p.Update(s.bytes, size, s.rows, s.rejected)
		if got := out.String(); got != s.want {
			t.Errorf("at %v\n got %q\nwant %q", s.at, got, s.want)
		}
	}
	clk.Advance(time.Second)
	out.Reset()
	p.Done()
	if got, want := out.String(), "import: 100% 100000 baris, 2 ditolak, 16666 baris/detik, selesai dalam 00:06\n"; got != want {
		t.Errorf("Done\n got %q\nwant %q", got, want)
	}
}

func TestProgressPlainUnknownSizeEnglish(t *testing.T) {
	clk := ikdtest.NewClock(testNow)
	var out bytes.Buffer
	p := NewProgressLang(&out, false, clk.Now, "en")
	clk.Advance(time.Second)
	p.Update(500, 0, 1000, 0)
	if out.Len() != 0 {
		t.Errorf("line after 1 s: %q", out.String())
	}
	clk.Advance(time.Second)
	p.Update(900, 0, 2000, 3)
	if got, want := out.String(), "import: 2000 rows, 3 rejected, 1000 rows/s\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestProgressNothingBeforeUpdate(t *testing.T) {
	var out bytes.Buffer
	p := NewProgress(&out, true, time.Now)
	p.Done()
	if out.Len() != 0 {
		t.Errorf("Done without Update wrote %q", out.String())
	}
}

// TestRunReportsProgress checks that Run drives a Progress to the end of
// the file and finishes it.
func TestRunReportsProgress(t *testing.T) {
	file := csvFile(',', allColumns, people(0, 600)...)
	rec := &recordingProgress{}
	rep, err := Run(context.Background(), strings.NewReader(file),
		Options{Loader: discard{}, Progress: rec, Size: int64(len(file)), BatchSize: 100, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if rec.done != 1 || len(rec.updates) < 3 {
		t.Fatalf("%d updates, Done %d times", len(rec.updates), rec.done)
	}
	last := rec.updates[len(rec.updates)-1]
	if last != [4]int64{int64(len(file)), int64(len(file)), 600, 0} || rep.Rows != 600 {
		t.Errorf("last update %v, want the whole file and 600 rows", last)
	}
	for i := 1; i < len(rec.updates); i++ {
		if rec.updates[i][0] < rec.updates[i-1][0] {
			t.Errorf("bytes went back: %v", rec.updates)
		}
	}
}

type recordingProgress struct {
	updates [][4]int64
	done    int
}

func (r *recordingProgress) Update(b, size int64, rows, rejected int) {
	r.updates = append(r.updates, [4]int64{b, size, int64(rows), int64(rejected)})
}
func (r *recordingProgress) Done() { r.done++ }
