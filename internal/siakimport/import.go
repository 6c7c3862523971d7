package siakimport

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/nik"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// DefaultBatchSize is the number of residents per batch (one transaction)
// when Options.BatchSize is 0.
const DefaultBatchSize = 20000

// MaxErrors is the number of row errors kept in Report.Errors; the rejects
// file gets all of them.
const MaxErrors = 1000

// progressEvery is how many rows pass between two progress updates.
const progressEvery = 256

// Loader writes one batch atomically (one transaction); it is given the
// file's line range for audit records. The batch and its slices are reused
// for a later batch once LoadBatch returns, so a Loader must not keep them.
// Run calls LoadBatch from a goroutine of its own, one call at a time.
//
// A batch holds at most one family card per Nomor KK, and may hold residents
// whose card is not in it: that card was written by an earlier batch of the
// same import (see docs/import.md, "Batches, duplicates and family cards").
type Loader interface {
	LoadBatch(ctx context.Context, b *store.Batch, firstLine, lastLine int) (store.BatchResult, error)
}

// LoaderFunc turns a function into a [Loader].
type LoaderFunc func(ctx context.Context, b *store.Batch, firstLine, lastLine int) (store.BatchResult, error)

// LoadBatch calls f.
func (f LoaderFunc) LoadBatch(ctx context.Context, b *store.Batch, firstLine, lastLine int) (store.BatchResult, error) {
	return f(ctx, b, firstLine, lastLine)
}

// Options configure [Run].
type Options struct {
	// Loader writes the batches. Required.
	Loader Loader
	// Rejects, when not nil, receives the rejected rows as CSV with the
	// file's separator: a header line, then for each row its line number,
	// column, code, reason in Bahasa Indonesia (alasan) and in English
	// (reason), then the row's original fields. See docs/import.md.
	Rejects io.Writer
	// Progress, when not nil, is updated as the file is read; see
	// [NewProgress].
	Progress Progress
	// Size is the file size in bytes for the percentage and ETA; 0 if
	// unknown.
	Size int64
	// Now is the reference time for "not in the future"; zero means
	// time.Now(). Dates are judged by the calendar in WIB (UTC+7).
	Now time.Time
	// BatchSize is the number of residents per batch; 0 means
	// DefaultBatchSize.
	BatchSize int
	// Wilayah is the region data that desa codes are checked against; nil
	// means wilayah.Default().
	Wilayah *wilayah.Data
}

// Report says what an import did.
type Report struct {
	Rows     int // data rows read (blank rows are skipped and not counted)
	Imported int // rows written in committed batches
	Rejected int // rows rejected, all of them in the rejects file
	// Changed sums BatchResult.Penduduk: residents inserted or whose values
	// changed. Imported − Changed residents were already up to date.
	Changed   int
	KKChanged int // family cards inserted or changed (BatchResult.Keluarga)
	PindahKK  int // residents whose Nomor KK changed (BatchResult.PindahKK)
	Batches   int // batches committed
	// Warnings counts the warnings of imported rows per code: the NIK codes
	// of package nik, the Nomor KK ones prefixed "kk_", and "retired_desa".
	Warnings map[string]int
	// Errors holds the first MaxErrors row errors, in file order.
	Errors []RowError
	// Notices are remarks about the file, such as unknown columns.
	Notices []Notice
	// Separator is the separator detected from the header line.
	Separator rune
}

// RejectsHeader is the first five columns of the rejects file; the
// original header follows them.
var RejectsHeader = []string{"line", "column", "code", "alasan", "reason"}

// Run imports a SIAK export from src: it reads and validates every row,
// hands the good ones to opts.Loader in batches, and writes the bad ones to
// opts.Rejects. It returns an error of kind errs.Invalid for a file it
// cannot read as a SIAK export (see [NewReader]), the Loader's error if a
// batch fails, or ctx.Err() when ctx is cancelled; the import then stops
// between batches and the batches already committed stay. The Report is
// filled as far as the import went in every case.
//
// Batches hold opts.BatchSize residents, except that a batch is not cut
// between two consecutive rows of the same Nomor KK (up to twice the
// size), so a family sorted together in the file lands in one batch. A NIK
// that appears twice in one batch is rejected the second time
// (duplicate_nik); in a later batch it updates the resident.
func Run(ctx context.Context, src io.Reader, opts Options) (Report, error) {
	rep := Report{Warnings: map[string]int{}}
	if opts.Loader == nil {
		return rep, errors.New("siakimport: Options.Loader is nil")
	}
	if opts.Progress != nil {
		defer opts.Progress.Done()
	}
	rd, err := NewReader(src)
	if err != nil {
		return rep, err
	}
	rep.Notices = rd.Notices()
	rep.Separator = rd.Comma()
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	im := &importer{
		ctx:     ctx,
		opts:    opts,
		rep:     &rep,
		rd:      rd,
		parser:  newRowParser(rd.index, now, opts.Wilayah),
		size:    opts.BatchSize,
		kkIndex: map[string]int{},
		nikLine: map[string]int{},
		kks:     map[uint64]kkSeen{},
		batch:   &store.Batch{},
	}
	if im.size <= 0 {
		im.size = DefaultBatchSize
	}
	if opts.Rejects != nil {
		im.rejects = csv.NewWriter(opts.Rejects)
		im.rejects.Comma = rd.Comma()
		im.out = append(im.out, RejectsHeader...)
		for _, h := range rd.Header() {
			im.out = append(im.out, guardCell(h))
		}
		im.rejects.Write(im.out)
	}
	err = im.run()
	// A batch may still be in the database's hands (after an error or a
	// cancellation): its transaction ends before Run returns.
	if werr := im.wait(); err == nil {
		err = werr
	}
	if im.rejects != nil {
		im.rejects.Flush()
		if werr := im.rejects.Error(); err == nil && werr != nil {
			err = fmt.Errorf("write rejects file: %w", werr)
		}
	}
	im.progress()
	return rep, err
}

// kkSeen is what the import remembers of a family card for the whole
// file: 16 bytes, so that the 500,000 cards of a province take about 20 MB
// with the map's overhead.
type kkSeen struct {
	head     uint64 // the head's NIK, 0 until the head's row is seen
	headLine int32  // the line of the head's row
	written  bool   // the card is in a batch of this import
}

type importer struct {
	ctx     context.Context
	opts    Options
	rep     *Report
	rd      *Reader
	parser  *rowParser
	rejects *csv.Writer
	out     []string // reused rejects record
	size    int

	batch      *store.Batch      // the batch being filled
	spare      *store.Batch      // the other buffer: being loaded, or free
	pending    chan loaded       // the load in progress, nil when none
	kkIndex    map[string]int    // Nomor KK → index in batch.Keluarga
	fromHead   []bool            // batch.Keluarga[i] was filled from the head's row
	nikLine    map[string]int    // NIK → line, for this batch
	first      int               // line of the batch's first resident
	last       int               // line of the batch's last resident
	kks        map[uint64]kkSeen // Nomor KK → what is known of it
	lastKK     string
	sinceProgr int
}

// loaded is the outcome of one batch's load.
type loaded struct {
	rows        int
	first, last int
	res         store.BatchResult
	err         error
}

// startLoad hands the batch to the Loader in a goroutine, so that the next
// batch is read and validated while the database writes this one: on two
// cores the file's parsing then costs almost no time. Only one load runs
// at a time, so batches commit in file order; wait collects it.
func (im *importer) startLoad(b *store.Batch, first, last int) {
	done := make(chan loaded, 1)
	im.pending = done
	go func() {
		res, err := im.opts.Loader.LoadBatch(im.ctx, b, first, last)
		done <- loaded{rows: len(b.Penduduk), first: first, last: last, res: res, err: err}
	}()
}

// wait waits for the batch being loaded, if any, and counts what it did.
func (im *importer) wait() error {
	if im.pending == nil {
		return nil
	}
	l := <-im.pending
	im.pending = nil
	if l.err != nil {
		if cerr := im.ctx.Err(); cerr != nil {
			return cerr
		}
		return fmt.Errorf("import lines %d–%d: %w", l.first, l.last, l.err)
	}
	im.rep.Imported += l.rows
	im.rep.Changed += l.res.Penduduk
	im.rep.KKChanged += l.res.Keluarga
	im.rep.PindahKK += l.res.PindahKK
	im.rep.Batches++
	return nil
}

func (im *importer) run() error {
	for {
		rec, line, err := im.rd.Read()
		if errors.Is(err, io.EOF) {
			if err := im.flush(); err != nil {
				return err
			}
			return im.wait()
		}
		re, isRowErr := err.(*RowError) // Read returns row errors unwrapped
		if err != nil && !isRowErr {
			return err
		}
		im.rep.Rows++
		if im.sinceProgr++; im.sinceProgr >= progressEvery {
			im.sinceProgr = 0
			im.progress()
			if err := im.ctx.Err(); err != nil {
				return err
			}
		}
		if re != nil {
			if err := im.reject(re, rec); err != nil {
				return err
			}
			continue
		}
		row, warnings, re := im.parser.parse(rec)
		if re != nil {
			re.Line = line
			if err := im.reject(re, rec); err != nil {
				return err
			}
			continue
		}
		if err := im.add(&row, warnings, line, rec); err != nil {
			return err
		}
	}
}

// add puts a valid row into the batch, flushing the batch first when it
// is full.
func (im *importer) add(row *Row, warnings []nik.Warning, line int, rec []string) error {
	pd := &row.Penduduk
	n := len(im.batch.Penduduk)
	if n >= im.size && (pd.NoKK != im.lastKK || n >= 2*im.size) {
		if err := im.flush(); err != nil {
			return err
		}
	}
	if prev, dup := im.nikLine[pd.NIK]; dup {
		return im.reject(&RowError{Line: line, Column: "NIK", Code: CodeDuplicateNIK,
			ID: "NIK ini sudah ada di baris " + strconv.Itoa(prev) + "; baris yang pertama dipakai",
			EN: "This NIK is already on line " + strconv.Itoa(prev) + "; the first one is used"}, rec)
	}
	isHead := pd.Hubungan == store.KepalaKeluarga
	kkKey := number(pd.NoKK)
	seen := im.kks[kkKey]
	if isHead {
		nikKey := number(pd.NIK)
		if seen.head != 0 && seen.head != nikKey {
			prev := strconv.Itoa(int(seen.headLine))
			return im.reject(&RowError{Line: line, Column: "STAT_HBKEL", Code: CodeDuplicateHead,
				ID: "NO_KK ini sudah punya KEPALA KELUARGA lain di baris " + prev,
				EN: "This NO_KK already has another KEPALA KELUARGA on line " + prev}, rec)
		}
		seen.head, seen.headLine = nikKey, int32(line)
	}

	im.nikLine[pd.NIK] = line
	im.batch.Penduduk = append(im.batch.Penduduk, *pd)
	if len(im.batch.Penduduk) == 1 {
		im.first = line
	}
	im.last = line
	im.lastKK = pd.NoKK
	for _, w := range warnings {
		im.rep.Warnings[w.Code]++
	}

	// The family card: written from the head's row whenever one is
	// imported, and from the first member's row until then. Members in
	// later batches leave the card alone: it is already in the database.
	i, inBatch := im.kkIndex[pd.NoKK]
	switch {
	case inBatch:
		kk := &im.batch.Keluarga[i]
		if isHead && !im.fromHead[i] {
			im.fromHead[i] = true
			kk.KepalaNIK = pd.NIK
			setAddress(kk, row)
		} else if kk.TanggalTerbit.IsZero() {
			kk.TanggalTerbit = row.TanggalKK
		}
	case !seen.written || isHead:
		// Not a head's row: the head has not been seen yet (its row would
		// have written the card), so the card has no head for now.
		kk := store.KartuKeluarga{NoKK: pd.NoKK}
		if isHead {
			kk.KepalaNIK = pd.NIK
		}
		setAddress(&kk, row)
		im.kkIndex[pd.NoKK] = len(im.batch.Keluarga)
		im.batch.Keluarga = append(im.batch.Keluarga, kk)
		im.fromHead = append(im.fromHead, isHead)
	}
	seen.written = true
	im.kks[kkKey] = seen
	return nil
}

// setAddress copies a member's address and TGL_KK to the family card; an
// empty TGL_KK keeps the date already there.
func setAddress(kk *store.KartuKeluarga, row *Row) {
	pd := &row.Penduduk
	kk.Alamat, kk.RT, kk.RW, kk.DesaKode = pd.Alamat, pd.RT, pd.RW, pd.DesaKode
	if !row.TanggalKK.IsZero() {
		kk.TanggalTerbit = row.TanggalKK
	}
}

// number turns a validated 16-digit number into a uint64 map key.
func number(s string) uint64 {
	var n uint64
	for i := 0; i < len(s); i++ {
		n = n*10 + uint64(s[i]-'0')
	}
	return n
}

// flush waits for the previous batch's load, hands the batch to the Loader
// and starts a new batch in the buffer the previous load has finished with.
func (im *importer) flush() error {
	if len(im.batch.Penduduk) == 0 {
		return nil
	}
	if err := im.ctx.Err(); err != nil {
		return err
	}
	if err := im.wait(); err != nil {
		return err
	}
	full := im.batch
	im.startLoad(full, im.first, im.last)
	next := im.spare
	if next == nil {
		next = &store.Batch{}
	}
	clear(next.Penduduk) // drop the strings the slices still point to
	clear(next.Keluarga)
	next.Penduduk, next.Keluarga = next.Penduduk[:0], next.Keluarga[:0]
	im.batch, im.spare = next, full
	im.fromHead = im.fromHead[:0]
	clear(im.kkIndex)
	clear(im.nikLine)
	if im.rejects != nil {
		im.rejects.Flush()
		if err := im.rejects.Error(); err != nil {
			return fmt.Errorf("write rejects file: %w", err)
		}
	}
	im.progress()
	return nil
}

func (im *importer) reject(e *RowError, rec []string) error {
	im.rep.Rejected++
	if len(im.rep.Errors) < MaxErrors {
		im.rep.Errors = append(im.rep.Errors, *e)
	}
	if im.rejects == nil {
		return nil
	}
	im.out = append(im.out[:0], strconv.Itoa(e.Line), e.Column, e.Code, e.ID, e.EN)
	for _, f := range rec {
		im.out = append(im.out, guardCell(f))
	}
	return im.rejects.Write(im.out)
}

func (im *importer) progress() {
	if im.opts.Progress != nil {
		im.opts.Progress.Update(im.rd.Offset(), im.opts.Size, im.rep.Rows, im.rep.Rejected)
	}
}

// Summary returns a few lines for the officer: counts, notices and NIK
// warnings, in Bahasa Indonesia or, for lang "en", English. Row errors are
// not included; they are in Errors and the rejects file.
func (r *Report) Summary(lang string) string {
	var b strings.Builder
	if lang == "en" {
		fmt.Fprintf(&b, "%d rows read: %d imported (%d new or changed), %d rejected.\n",
			r.Rows, r.Imported, r.Changed, r.Rejected)
	} else {
		fmt.Fprintf(&b, "%d baris dibaca: %d diimpor (%d baru atau berubah), %d ditolak.\n",
			r.Rows, r.Imported, r.Changed, r.Rejected)
	}
	if r.PindahKK > 0 {
		if lang == "en" {
			fmt.Fprintf(&b, "%d residents moved to another family card (old card kept in the KK history).\n", r.PindahKK)
		} else {
			fmt.Fprintf(&b, "%d penduduk pindah KK (KK lama dicatat di riwayat KK).\n", r.PindahKK)
		}
	}
	for _, n := range r.Notices {
		b.WriteString(n.Message(lang) + "\n")
	}
	if len(r.Warnings) > 0 {
		codes := make([]string, 0, len(r.Warnings))
		for c := range r.Warnings {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		if lang == "en" {
			b.WriteString("Warnings (rows imported, please check):")
		} else {
			b.WriteString("Peringatan (baris tetap diimpor, mohon diperiksa):")
		}
		for i, c := range codes {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, " %s %d", c, r.Warnings[c])
		}
		b.WriteByte('\n')
	}
	return b.String()
}
