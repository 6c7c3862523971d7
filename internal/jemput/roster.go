package jemput

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/nik"
	"github.com/ikd-project/ikd/internal/siakimport"
)

// Limits of a roster file.
const (
	MaxBytes = 5 << 20 // the largest file taken
	MaxRows  = 5000    // the most rows in one file
)

// Baris is a good row of a roster file.
type Baris struct {
	Line int    // the line (CSV) or row (XLSX) in the file, from 1
	NIK  string // 16 digits
	Nama string // as the file has it; "" when it has no name column
}

// Row error codes. They are stable.
const (
	CodeNIK       = "nik_tidak_sah"     // not a well-formed NIK
	CodeExcel     = "nik_angka_excel"   // the NIK became a number in Excel and lost its last digits
	CodeDuplikat  = "duplikat"          // the NIK is on an earlier line of the file
	CodeTerdaftar = "sudah_terdaftar"   // the resident is on the drive's roster already
	CodeUnknown   = "nik_tidak_dikenal" // no resident has the NIK (one issued in the office's area)
	CodeOutside   = "di_luar_wilayah"   // not a resident of the office's area
	CodeNama      = "nama_tidak_cocok"  // the name column does not match the record
	CodeMati      = "meninggal"         // the resident is recorded as dead
)

// RowError says why a row was not added: the SIAK import's row error, one
// of the Code… constants above, its messages holding no NIK or name.
type RowError = siakimport.RowError

// Roster is what a roster file holds: the good rows, in file order, and
// the bad ones.
type Roster struct {
	Rows    []Baris
	Errors  []RowError
	HasNama bool // the file has a name column
}

// Errors of a file that cannot be read at all.
var (
	ErrEmpty   = errs.New(errs.Invalid, "berkas daftar peserta kosong", "the roster file is empty")
	ErrTooBig  = errs.Newf(errs.Invalid, "berkas daftar peserta lebih dari %d MB", "the roster file is larger than %d MB", MaxBytes>>20)
	ErrTooMany = errs.Newf(errs.Invalid, "berkas daftar peserta lebih dari %d baris; bagi menjadi beberapa berkas",
		"the roster file has more than %d rows; split it into several files", MaxRows)
	ErrXLS = errs.New(errs.Invalid, "berkas Excel lama (.xls) tidak dapat dibaca; simpan sebagai .xlsx atau CSV",
		"an old Excel file (.xls) cannot be read; save it as .xlsx or CSV")
	ErrXLSX = errs.New(errs.Invalid, "berkas XLSX tidak dapat dibaca", "the XLSX file cannot be read")
	ErrCSV  = errs.New(errs.Invalid, "berkas bukan CSV atau XLSX yang dapat dibaca (teks harus UTF-8)",
		"the file is not a readable CSV or XLSX (text must be UTF-8)")
	ErrNoNIK = errs.New(errs.Invalid, "tidak ada kolom NIK: baris pertama harus berjudul NIK (dan Nama, bila ada), atau kolom pertama berisi NIK",
		"no NIK column: the first row must be headed NIK (and Nama, if any), or the first column must hold NIKs")
)

var (
	xlsxMagic = []byte("PK\x03\x04")
	xlsMagic  = []byte{0xD0, 0xCF, 0x11, 0xE0}
	// sciRE is a number as Excel shows a long one: 1,77102E+15.
	sciRE = regexp.MustCompile(`^[0-9]+([.,][0-9]+)?[eE]\+?[0-9]+$`)
)

// ParseRoster reads a roster file: XLSX (its first sheet) when it is one,
// CSV otherwise (comma, semicolon or tab separated, UTF-8). The first row
// is a header naming the NIK column (NIK, "No. NIK", "Nomor Induk
// Kependudukan") and optionally the name column (Nama, "Nama Lengkap");
// with no header, the first column holds the NIKs. Empty rows are
// skipped. It checks what the file alone can tell: a well-formed NIK and
// no NIK twice; the service checks the rest against the register.
func ParseRoster(data []byte) (Roster, error) {
	if len(data) > MaxBytes {
		return Roster{}, ErrTooBig
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return Roster{}, ErrEmpty
	}
	var rows []fileRow
	var err error
	switch {
	case bytes.HasPrefix(data, xlsMagic):
		return Roster{}, ErrXLS
	case bytes.HasPrefix(data, xlsxMagic):
		rows, err = xlsxRows(data)
	default:
		rows, err = csvRows(data)
	}
	if err != nil {
		return Roster{}, err
	}
	return parseRows(rows)
}

// fileRow is a row of cells with its line.
type fileRow struct {
	line  int
	cells []string
}

func xlsxRows(data []byte) ([]fileRow, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, ErrXLSX
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, ErrEmpty
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, ErrXLSX
	}
	defer it.Close()
	var out []fileRow
	for line := 1; it.Next(); line++ {
		cells, err := it.Columns()
		if err != nil {
			return nil, ErrXLSX
		}
		if len(out) > MaxRows {
			return nil, ErrTooMany
		}
		out = append(out, fileRow{line: line, cells: cells})
	}
	if it.Error() != nil {
		return nil, ErrXLSX
	}
	return out, nil
}

func csvRows(data []byte) ([]fileRow, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		return nil, ErrCSV
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = separator(string(first))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var out []fileRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, ErrCSV
		}
		line, _ := r.FieldPos(0)
		if len(out) > MaxRows {
			return nil, ErrTooMany
		}
		out = append(out, fileRow{line: line, cells: rec})
	}
	return out, nil
}

// separator guesses a CSV file's separator from its first line: Excel
// in an Indonesian locale writes semicolons.
func separator(line string) rune {
	best, n := ',', strings.Count(line, ",")
	for _, c := range []rune{';', '\t'} {
		if k := strings.Count(line, string(c)); k > n {
			best, n = c, k
		}
	}
	return best
}

// header names, lower case, spaces and dots removed.
var (
	nikHeaders  = []string{"nik", "nonik", "nomornik", "nomorindukkependudukan"}
	namaHeaders = []string{"nama", "namalengkap", "name", "namapeserta"}
)

func headerKey(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '.', '_', '-', ':':
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(s)))
}

func parseRows(rows []fileRow) (Roster, error) {
	// The first non-empty row: a header, or already data.
	start := 0
	for start < len(rows) && blank(rows[start].cells) {
		start++
	}
	if start == len(rows) {
		return Roster{}, ErrEmpty
	}
	nikCol, namaCol := -1, -1
	for i, c := range rows[start].cells {
		k := headerKey(c)
		if nikCol < 0 && slices.Contains(nikHeaders, k) {
			nikCol = i
		}
		if namaCol < 0 && slices.Contains(namaHeaders, k) {
			namaCol = i
		}
	}
	if nikCol >= 0 {
		start++
	} else if len(rows[start].cells) > 0 && nik.Valid(cleanNIK(rows[start].cells[0])) {
		nikCol = 0 // no header
	} else {
		return Roster{}, ErrNoNIK
	}
	out := Roster{HasNama: namaCol >= 0}
	seen := map[string]int{}
	for _, row := range rows[start:] {
		if blank(row.cells) {
			continue
		}
		raw := cell(row.cells, nikCol)
		n := cleanNIK(raw)
		if sciRE.MatchString(strings.TrimSpace(raw)) {
			out.Errors = append(out.Errors, RowError{Line: row.line, Code: CodeExcel,
				ID: "NIK tertulis sebagai angka oleh Excel dan kehilangan digit terakhirnya; format kolom NIK sebagai Teks",
				EN: "Excel turned the NIK into a number and lost its last digits; format the NIK column as Text"})
			continue
		}
		if _, err := nik.Parse(n); err != nil {
			id, en := "NIK tidak sah", "invalid NIK"
			var e *errs.Error
			if errors.As(err, &e) {
				id, en = id+": "+e.ID, en+": "+e.EN
			}
			out.Errors = append(out.Errors, RowError{Line: row.line, Code: CodeNIK, ID: id, EN: en})
			continue
		}
		if first, dup := seen[n]; dup {
			out.Errors = append(out.Errors, RowError{Line: row.line, Code: CodeDuplikat,
				ID: "NIK sama dengan baris " + strconv.Itoa(first), EN: "the same NIK as line " + strconv.Itoa(first)})
			continue
		}
		seen[n] = row.line
		b := Baris{Line: row.line, NIK: n}
		if namaCol >= 0 {
			b.Nama = strings.TrimSpace(cell(row.cells, namaCol))
		}
		out.Rows = append(out.Rows, b)
	}
	return out, nil
}

// cleanNIK takes away what people and spreadsheets add to a NIK: spaces,
// dots and dashes between the groups, a leading apostrophe (Excel's "as
// text" mark), surrounding quotes.
func cleanNIK(s string) string {
	s = strings.Trim(strings.TrimSpace(s), `'"`)
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '.', '-', '\u00a0':
			return -1
		}
		return r
	}, s)
}

func cell(cells []string, i int) string {
	if i < len(cells) {
		return cells[i]
	}
	return ""
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// SameName reports whether a name in a roster file is the resident's
// recorded name, ignoring case, repeated spaces, dots and commas (titles
// are written "Drs." or "Drs").
func SameName(file, recorded string) bool {
	norm := func(s string) string {
		s = strings.NewReplacer(".", " ", ",", " ").Replace(strings.ToUpper(s))
		return strings.Join(strings.Fields(s), " ")
	}
	return norm(file) == norm(recorded)
}
