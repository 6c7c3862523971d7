package siakimport

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"github.com/ikd-project/ikd/internal/errs"
)

// col identifies one of the columns of docs/import.md.
type col int

const (
	colNIK col = iota
	colNoKK
	colNama
	colTmptLhr
	colTglLhr
	colJenisKlmin
	colGolDrh
	colAgama
	colStatKwn
	colStatHbkel
	colJenisPkrjn
	colKewarganegaraan
	colAlamat
	colNoRT
	colNoRW
	colNoProp
	colNoKab
	colNoKec
	colNoKel
	colEmail
	colNoHP
	colStatusNIK
	colTglRekam
	colTglKK
	numCols
)

// columns names every column as docs/import.md does, and says whether the
// header must have it.
var columns = [numCols]struct {
	name     string
	required bool
}{
	colNIK:             {"NIK", true},
	colNoKK:            {"NO_KK", true},
	colNama:            {"NAMA_LGKP", true},
	colTmptLhr:         {"TMPT_LHR", true},
	colTglLhr:          {"TGL_LHR", true},
	colJenisKlmin:      {"JENIS_KLMIN", true},
	colGolDrh:          {"GOL_DRH", false},
	colAgama:           {"AGAMA", true},
	colStatKwn:         {"STAT_KWN", true},
	colStatHbkel:       {"STAT_HBKEL", true},
	colJenisPkrjn:      {"JENIS_PKRJN", false},
	colKewarganegaraan: {"KEWARGANEGARAAN", false},
	colAlamat:          {"ALAMAT", true},
	colNoRT:            {"NO_RT", true},
	colNoRW:            {"NO_RW", true},
	colNoProp:          {"NO_PROP", true},
	colNoKab:           {"NO_KAB", true},
	colNoKec:           {"NO_KEC", true},
	colNoKel:           {"NO_KEL", true},
	colEmail:           {"EMAIL", false},
	colNoHP:            {"NO_HP", false},
	colStatusNIK:       {"STATUS_NIK", false},
	colTglRekam:        {"TGL_REKAM", false},
	colTglKK:           {"TGL_KK", false},
}

// colByName maps an upper-case column name to its column.
var colByName = func() map[string]col {
	m := make(map[string]col, numCols)
	for c := col(0); c < numCols; c++ {
		m[columns[c].name] = c
	}
	return m
}()

// Limits that keep a broken file from using unbounded memory.
const (
	// MaxLineBytes is the longest physical line accepted. A longer one means
	// the file is not a SIAK CSV export (or a quote was never closed), and
	// the import stops.
	MaxLineBytes = 1 << 20
	// maxHeaderBytes is the longest header line that separator sniffing reads.
	maxHeaderBytes = 64 << 10
)

// Reader reads a SIAK CSV export record by record. Build it with
// [NewReader]; it has then read the header.
type Reader struct {
	cr      *csv.Reader
	header  []string
	index   [numCols]int // field index of each column, -1 when absent
	comma   rune
	bomLen  int64
	notices []Notice
	line    int
}

// NewReader reads the header of a SIAK export from src. It strips a UTF-8
// byte-order mark, picks `;` as the separator when the header line has more
// `;` than `,` (Excel in an Indonesian locale) and `,` otherwise, and maps
// the header names, trimmed and compared case-insensitively, to the columns
// of docs/import.md. A missing required column, a duplicated column, an
// empty file or a UTF-16 file is an error of kind errs.Invalid with a
// message in both languages. An unknown column is allowed and ignored, and
// reported once by [Reader.Notices].
func NewReader(src io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(&lineLimiter{r: src}, maxHeaderBytes)
	r := &Reader{}
	if b, _ := br.Peek(3); bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
		r.bomLen = 3
	} else if bytes.HasPrefix(b, []byte("\xff\xfe")) || bytes.HasPrefix(b, []byte("\xfe\xff")) {
		return nil, errs.New(errs.Invalid,
			"Berkas berformat UTF-16. Simpan ulang dari Excel sebagai \"CSV UTF-8 (dipisahkan koma)\".",
			"The file is UTF-16. Save it again from Excel as \"CSV UTF-8 (Comma delimited)\".")
	}
	head, err := peekLine(br)
	if err != nil {
		return nil, err
	}
	r.comma = ','
	if bytes.Count(head, []byte(";")) > bytes.Count(head, []byte(",")) {
		r.comma = ';'
	}
	r.cr = csv.NewReader(br)
	r.cr.Comma = r.comma
	r.cr.FieldsPerRecord = -1 // checked here, to report it as a row error
	r.cr.ReuseRecord = true
	hdr, err := r.cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errEmpty()
	}
	if err != nil {
		return nil, headerError(err)
	}
	r.header = append([]string(nil), hdr...)
	if err := r.mapHeader(); err != nil {
		return nil, err
	}
	return r, nil
}

func errEmpty() error {
	return errs.New(errs.Invalid, "Berkas kosong: tidak ada baris judul kolom.",
		"The file is empty: there is no header line.")
}

func headerError(err error) error {
	var le *lineTooLongError
	if errors.As(err, &le) {
		return le.toErrs()
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return errs.Newf(errs.Invalid, "Baris judul kolom bukan CSV yang sah: %v.",
			"The header line is not valid CSV: %v.", pe.Err)
	}
	return err
}

// peekLine returns the first non-blank line of br without consuming it, so
// that the separator can be sniffed before the CSV reader starts.
func peekLine(br *bufio.Reader) ([]byte, error) {
	for n := 512; ; n = min(2*n, maxHeaderBytes) {
		b, err := br.Peek(n)
		b = bytes.TrimLeft(b, " \t\r\n") // blank lines before the header
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			return b[:i], nil
		}
		switch {
		case err == nil && n < maxHeaderBytes:
			continue
		case err == nil:
			return nil, errs.Newf(errs.Invalid,
				"Baris judul kolom lebih dari %d KiB: apakah ini berkas CSV ekspor SIAK?",
				"The header line is longer than %d KiB: is this a SIAK CSV export?", maxHeaderBytes>>10)
		case errors.Is(err, io.EOF):
			if len(bytes.TrimSpace(b)) == 0 {
				return nil, errEmpty()
			}
			return b, nil
		}
		return nil, err
	}
}

// normalizeHeader turns a header cell into the form of columns[].name.
func normalizeHeader(s string) string {
	return strings.ToUpper(strings.TrimSpace(strings.TrimPrefix(s, "\ufeff")))
}

func (r *Reader) mapHeader() error {
	for c := range r.index {
		r.index[c] = -1
	}
	var unknown []string
	for i, h := range r.header {
		name := normalizeHeader(h)
		c, ok := colByName[name]
		if !ok {
			if name != "" {
				unknown = append(unknown, name)
			}
			continue
		}
		if r.index[c] >= 0 {
			return errs.Newf(errs.Invalid,
				"Kolom %s muncul dua kali pada baris judul (kolom ke-%d dan ke-%d).",
				"Column %s appears twice in the header (columns %d and %d).", name, r.index[c]+1, i+1)
		}
		r.index[c] = i
	}
	var missing []string
	for c := col(0); c < numCols; c++ {
		if columns[c].required && r.index[c] < 0 {
			missing = append(missing, columns[c].name)
		}
	}
	if len(missing) > 0 {
		sep := "`,`"
		if r.comma == ';' {
			sep = "`;`"
		}
		return errs.Newf(errs.Invalid,
			"Kolom wajib tidak ada pada baris judul: %s (pemisah yang terbaca: %s). Lihat docs/import.md.",
			"Required columns are missing from the header: %s (separator detected: %s). See docs/import.md.",
			strings.Join(missing, ", "), sep)
	}
	if len(unknown) > 0 {
		list := strings.Join(unknown, ", ")
		r.notices = append(r.notices, Notice{
			ID: "Kolom tidak dikenal diabaikan: " + list + ".",
			EN: "Unknown columns are ignored: " + list + ".",
		})
	}
	return nil
}

// Header returns the header fields as they appear in the file.
func (r *Reader) Header() []string { return r.header }

// Comma returns the separator detected from the header line.
func (r *Reader) Comma() rune { return r.comma }

// Notices returns what the header told that rejects nothing, such as
// unknown columns.
func (r *Reader) Notices() []Notice { return r.notices }

// Offset returns the number of bytes of the file consumed so far, for
// progress.
func (r *Reader) Offset() int64 { return r.bomLen + r.cr.InputOffset() }

// Line returns the line where the last record read starts.
func (r *Reader) Line() int { return r.line }

// Read returns the next record and the line where it starts. Lines whose
// fields are all empty (Excel writes `;;;;` for empty rows) are skipped.
//
// A row-level problem (broken quotes, a wrong number of fields, a field
// that is not UTF-8) comes back as a *RowError, together with whatever
// fields could be read; reading can go on after it. Any other error
// (including a line longer than [MaxLineBytes]) ends the file. At the end
// Read returns io.EOF.
//
// The returned slice is reused by the next call; the strings in it are not.
func (r *Reader) Read() ([]string, int, error) {
	for {
		rec, err := r.cr.Read()
		if err != nil {
			var le *lineTooLongError
			if errors.As(err, &le) {
				return nil, r.line, le.toErrs()
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				r.line = pe.StartLine
				return nil, r.line, &RowError{Line: pe.StartLine, Code: CodeBadCSV,
					ID: "Baris ini bukan CSV yang sah (" + quoteProblemID(pe.Err) + ")",
					EN: "This line is not valid CSV (" + pe.Err.Error() + ")"}
			}
			return nil, r.line, err
		}
		r.line, _ = r.cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		n := len(r.header)
		if len(rec) > n && blank(rec[n:]) {
			rec = rec[:n] // trailing empty fields, as spreadsheets write them
		}
		if len(rec) != n {
			return rec, r.line, &RowError{Line: r.line, Code: CodeBadColumnCount,
				ID: fieldCountID(len(rec), n), EN: fieldCountEN(len(rec), n)}
		}
		for i, f := range rec {
			rec[i] = unguardCell(f)
		}
		return rec, r.line, nil
	}
}

// guardCell keeps a spreadsheet from running a cell as a formula when the
// rejects file is opened in Excel or LibreOffice: a cell that begins with
// = + - @ or a tab or carriage return gets a leading apostrophe, which
// spreadsheets read as "text" (OWASP's advice on CSV injection). Without
// it, a rejected row's name could be =HYPERLINK(...) that sends the NIKs
// of the file elsewhere.
func guardCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// unguardCell undoes guardCell when a corrected rejects file is imported
// again.
func unguardCell(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

func quoteProblemID(err error) string {
	switch {
	case errors.Is(err, csv.ErrBareQuote):
		return "tanda kutip \" di tengah kolom yang tidak dikutip"
	case errors.Is(err, csv.ErrQuote):
		return "tanda kutip \" tidak ditutup dengan benar"
	}
	return err.Error()
}

func fieldCountID(got, want int) string {
	return "Baris ini punya " + itoa(got) + " kolom, baris judul punya " + itoa(want) +
		" (periksa pemisah dan tanda kutip)"
}

func fieldCountEN(got, want int) string {
	return "This line has " + itoa(got) + " fields, the header has " + itoa(want) +
		" (check separators and quotes)"
}

// field returns the value of column c in rec, "" when the header lacks it.
func (r *Reader) field(rec []string, c col) string {
	if i := r.index[c]; i >= 0 && i < len(rec) {
		return rec[i]
	}
	return ""
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// lineLimiter passes a reader through and fails once a record is longer
// than MaxLineBytes, so that a file without line ends, or with a quote that
// is never closed, cannot make the CSV reader buffer gigabytes. It follows
// the quoting as encoding/csv does: a quote opens a quoted field only at the
// start of a field, "" inside quotes is a quote, and only a line end outside
// quotes ends the record; a bare quote inside an unquoted field (a row error
// for the CSV reader, which then goes on) opens nothing.
type lineLimiter struct {
	r          io.Reader
	run        int  // bytes of the current record
	lines      int  // record ends seen so far
	inQuote    bool // inside a quoted field
	quoteEnd   bool // a quote seen inside a quoted field: it closes it unless another follows
	fieldStart bool // the next byte starts a field
	tooLong    bool
}

func (l *lineLimiter) Read(p []byte) (int, error) {
	if l.tooLong {
		return 0, &lineTooLongError{line: l.lines + 1}
	}
	if l.lines == 0 && l.run == 0 {
		l.fieldStart = true
	}
	n, err := l.r.Read(p)
	for i := 0; i < n; i++ {
		if l.step(p[i]) {
			l.run = 0
			l.lines++
			continue
		}
		if l.run++; l.run > MaxLineBytes {
			// Hide the rest, so that the reader above sees the error
			// instead of a complete record.
			l.tooLong = true
			n = i
			break
		}
	}
	if l.tooLong && err == nil {
		err = &lineTooLongError{line: l.lines + 1}
	}
	return n, err
}

// step takes one byte and reports whether it ends a record.
func (l *lineLimiter) step(c byte) bool {
	if l.quoteEnd {
		l.quoteEnd = false
		if c == '"' {
			return false // "" inside quotes: still quoted
		}
		l.inQuote = false
	}
	if l.inQuote {
		l.quoteEnd = c == '"'
		return false
	}
	switch c {
	case '\n':
		l.fieldStart = true
		return true
	case ',', ';':
		l.fieldStart = true
	case '"':
		l.inQuote, l.fieldStart = l.fieldStart, false
	case '\r':
	default:
		l.fieldStart = false
	}
	return false
}

type lineTooLongError struct{ line int }

func (e *lineTooLongError) Error() string {
	return "line " + itoa(e.line) + " is longer than " + itoa(MaxLineBytes>>20) + " MiB"
}

func (e *lineTooLongError) toErrs() error {
	return errs.Newf(errs.Invalid,
		"Baris %d lebih dari %d MiB: berkas ini bukan CSV ekspor SIAK, atau ada tanda kutip yang tidak ditutup. Impor dihentikan.",
		"Line %d is longer than %d MiB: this is not a SIAK CSV export, or a quote is never closed. The import stopped.",
		e.line, MaxLineBytes>>20)
}
