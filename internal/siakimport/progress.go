package siakimport

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Progress receives the progress of an import. Run calls Update every few
// hundred rows and after each batch, and Done once at the end.
type Progress interface {
	// Update reports bytesDone of size bytes read (size 0 when unknown),
	// rows data rows read, rejected of them rejected.
	Update(bytesDone, size int64, rows, rejected int)
	// Done finishes the output.
	Done()
}

// Redraw and print intervals of the two progress styles.
const (
	terminalEvery = 100 * time.Millisecond // at most 10 redraws a second
	plainEvery    = 2 * time.Second        // plus one line at each 10%
	barWidth      = 20
)

// NewProgress returns a Progress that writes to w in Bahasa Indonesia. On a
// terminal it redraws one line with '\r' (a bar, the percentage by bytes,
// rows per second and the time left) at most ten times a second;
// otherwise, for logs, it writes plain lines such as
//
//	import: 35% 740000 baris, 0 ditolak, 52000 baris/detik, sisa 00:28
//
// at most every 2 seconds, plus one when each 10% is reached. now is the
// clock (time.Now in production). It is not safe for concurrent use.
func NewProgress(w io.Writer, isTerminal bool, now func() time.Time) Progress {
	return NewProgressLang(w, isTerminal, now, "id")
}

// NewProgressLang is [NewProgress] in a language: "en" for English,
// anything else Bahasa Indonesia.
func NewProgressLang(w io.Writer, isTerminal bool, now func() time.Time, lang string) Progress {
	if now == nil {
		now = time.Now
	}
	t := now()
	return &progress{w: w, terminal: isTerminal, now: now, en: lang == "en", start: t, lastAt: t, step: -1}
}

type progress struct {
	w        io.Writer
	terminal bool
	now      func() time.Time
	en       bool

	start   time.Time
	lastAt  time.Time // last draw or line
	drawn   bool      // something was written
	lastLen int       // length of the last terminal line, to blank it out
	step    int       // last 10% step printed (plain)
	done    bool

	bytes, size    int64
	rows, rejected int
	updated        bool
}

func (p *progress) Update(bytesDone, size int64, rows, rejected int) {
	if p.done {
		return
	}
	p.bytes, p.size, p.rows, p.rejected, p.updated = bytesDone, size, rows, rejected, true
	t := p.now()
	since := t.Sub(p.lastAt)
	if p.terminal {
		if p.drawn && since < terminalEvery {
			return
		}
		p.draw(t, false)
		return
	}
	step := -1
	if size > 0 {
		step = int(min(bytesDone*10/size, 10))
	}
	if since >= plainEvery || step > p.step && step > 0 {
		p.line(t, false)
	}
}

func (p *progress) Done() {
	if p.done {
		return
	}
	p.done = true
	if !p.updated {
		return
	}
	t := p.now()
	if p.terminal {
		p.draw(t, true)
		fmt.Fprintln(p.w)
		return
	}
	p.line(t, true)
}

// draw redraws the terminal line.
func (p *progress) draw(t time.Time, final bool) {
	var b strings.Builder
	b.WriteByte('\r')
	if pct, ok := p.percent(); ok {
		fill := int(pct) * barWidth / 100
		b.WriteString("[" + strings.Repeat("#", fill) + strings.Repeat("-", barWidth-fill) + "] ")
		fmt.Fprintf(&b, "%3d%%  ", pct)
	}
	b.WriteString(p.counts(t, "  ", final))
	s := b.String()
	if n := len(s); n < p.lastLen {
		s += strings.Repeat(" ", p.lastLen-n)
	}
	p.lastLen = len(b.String())
	io.WriteString(p.w, s)
	p.drawn, p.lastAt = true, t
}

// line writes one plain progress line.
func (p *progress) line(t time.Time, final bool) {
	var b strings.Builder
	b.WriteString("import: ")
	if pct, ok := p.percent(); ok {
		fmt.Fprintf(&b, "%d%% ", pct)
		p.step = int(pct / 10)
	}
	b.WriteString(p.counts(t, ", ", final))
	b.WriteByte('\n')
	io.WriteString(p.w, b.String())
	p.drawn, p.lastAt = true, t
}

func (p *progress) percent() (int64, bool) {
	if p.size <= 0 {
		return 0, false
	}
	return min(p.bytes*100/p.size, 100), true
}

// counts writes "740000 baris, 0 ditolak, 52000 baris/detik, sisa 00:28"
// with the given separator; the final form ends "selesai dalam 00:14".
func (p *progress) counts(t time.Time, sep string, final bool) string {
	elapsed := t.Sub(p.start)
	rowsWord, rejWord, rateWord := "baris", "ditolak", "baris/detik"
	if p.en {
		rowsWord, rejWord, rateWord = "rows", "rejected", "rows/s"
	}
	parts := []string{
		fmt.Sprintf("%d %s", p.rows, rowsWord),
		fmt.Sprintf("%d %s", p.rejected, rejWord),
	}
	if elapsed > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", int64(float64(p.rows)/elapsed.Seconds()), rateWord))
	}
	switch {
	case final && p.en:
		parts = append(parts, "done in "+clock(elapsed))
	case final:
		parts = append(parts, "selesai dalam "+clock(elapsed))
	case p.size > 0 && p.bytes > 0 && elapsed > 0:
		left := time.Duration(float64(elapsed) * float64(max(p.size-p.bytes, 0)) / float64(p.bytes))
		if p.en {
			parts = append(parts, clock(left)+" left")
		} else {
			parts = append(parts, "sisa "+clock(left))
		}
	}
	return strings.Join(parts, sep)
}

// clock formats a duration as mm:ss, or h:mm:ss from one hour on.
func clock(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}
