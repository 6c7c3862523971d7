package siakimport

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/errs"
)

// readAll reads every record of a file, copying the reused slice.
func readAll(t *testing.T, r *Reader) (recs [][]string, lines []int, rowErrs []*RowError) {
	t.Helper()
	for {
		rec, line, err := r.Read()
		if errors.Is(err, io.EOF) {
			return
		}
		var re *RowError
		if err != nil && !errors.As(err, &re) {
			t.Fatalf("Read: %v", err)
		}
		if re != nil {
			rowErrs = append(rowErrs, re)
			continue
		}
		recs = append(recs, append([]string(nil), rec...))
		lines = append(lines, line)
	}
}

func TestReaderExcelIndonesian(t *testing.T) {
	// What Excel in an Indonesian locale writes: a BOM, ';', CRLF, and
	// quotes around fields that hold the separator, a comma, a quote or a
	// line break.
	header := "\ufeff nik ;No_KK;NAMA_LGKP;TMPT_LHR;TGL_LHR;JENIS_KLMIN;AGAMA;STAT_KWN;STAT_HBKEL;ALAMAT;NO_RT;NO_RW;NO_PROP;NO_KAB;NO_KEC;NO_KEL\r\n"
	body := "1771015708900001;1771010101150003;SITI AMINAH;BENGKULU;17-08-1990;P;ISLAM;KAWIN;ISTRI;\"JL. MAWAR; GG. 2, NO. \"\"5\"\"\";4;2;17;71;01;1001\r\n" +
		"\r\n" +
		";;;;;;;;;;;;;;;\r\n" +
		"1771011708900002;1771010101150003;\"BUDI\r\nSANTOSO\";BENGKULU;1990-08-17;L;ISLAM;KAWIN;KEPALA KELUARGA;JL. MAWAR;4;2;17;71;1;1001\r\n"
	r, err := NewReader(strings.NewReader(header + body))
	if err != nil {
		t.Fatal(err)
	}
	if r.Comma() != ';' {
		t.Errorf("separator %q, want ';'", r.Comma())
	}
	if len(r.Notices()) != 0 {
		t.Errorf("notices %v, want none", r.Notices())
	}
	recs, lines, rowErrs := readAll(t, r)
	if len(rowErrs) != 0 {
		t.Fatalf("row errors %v", rowErrs)
	}
	if len(recs) != 2 {
		t.Fatalf("got %d records, want 2 (blank rows skipped): %q", len(recs), recs)
	}
	if got := r.field(recs[0], colNIK); got != "1771015708900001" {
		t.Errorf("NIK = %q (BOM or header spaces not handled)", got)
	}
	if got, want := r.field(recs[0], colAlamat), `JL. MAWAR; GG. 2, NO. "5"`; got != want {
		t.Errorf("ALAMAT = %q, want %q", got, want)
	}
	if got := r.field(recs[0], colNoRW); got != "2" {
		t.Errorf("NO_RW = %q: CRLF not stripped?", got)
	}
	if got, want := r.field(recs[1], colNama), "BUDI\r\nSANTOSO"; got != want && got != "BUDI\nSANTOSO" {
		t.Errorf("NAMA_LGKP = %q", got)
	}
	if lines[0] != 2 || lines[1] != 5 {
		t.Errorf("lines %v, want [2 5]", lines)
	}
	if r.Offset() != int64(len(header)+len(body)) {
		t.Errorf("Offset = %d, want %d", r.Offset(), len(header)+len(body))
	}
}

func TestReaderCommaAndUnknownColumn(t *testing.T) {
	f := csvFile(',', append(append([]string{}, allColumns...), "KETERANGAN", "Catatan"), person(0))
	r, err := NewReader(strings.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	if r.Comma() != ',' {
		t.Errorf("separator %q", r.Comma())
	}
	if len(r.Notices()) != 1 || !strings.Contains(r.Notices()[0].ID, "KETERANGAN, CATATAN") ||
		!strings.Contains(r.Notices()[0].EN, "Unknown columns") {
		t.Errorf("notices = %+v", r.Notices())
	}
	recs, _, _ := readAll(t, r)
	if len(recs) != 1 {
		t.Fatalf("%d records", len(recs))
	}
}

func TestReaderBlankLinesBeforeHeader(t *testing.T) {
	f := "\ufeff\r\n\r\n" + csvFile(';', allColumns, person(0))
	r, err := NewReader(strings.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	if r.Comma() != ';' {
		t.Errorf("separator %q, want ';'", r.Comma())
	}
	recs, lines, _ := readAll(t, r)
	if len(recs) != 1 || lines[0] != 4 {
		t.Errorf("records %d at lines %v, want 1 at line 4", len(recs), lines)
	}
}

func TestReaderHeaderErrors(t *testing.T) {
	without := func(drop ...string) string {
		var h []string
	next:
		for _, c := range allColumns {
			for _, d := range drop {
				if c == d {
					continue next
				}
			}
			h = append(h, c)
		}
		return strings.Join(h, ";") + "\n"
	}
	tests := []struct {
		name, file string
		wantID     string
		wantEN     string
	}{
		{"missing", without("NIK", "NO_KEL"), "Kolom wajib tidak ada pada baris judul: NIK, NO_KEL", "Required columns are missing from the header: NIK, NO_KEL"},
		{"duplicate", strings.Join(allColumns, ";") + ";nik\n", "Kolom NIK muncul dua kali", "Column NIK appears twice in the header (columns 1 and 25)"},
		{"empty", "", "Berkas kosong", "The file is empty"},
		{"only BOM and blank", "\ufeff\n\n", "Berkas kosong", "The file is empty"},
		{"utf16", "\xff\xfeN\x00I\x00K\x00", "UTF-16", "UTF-16"},
		{"huge header", strings.Repeat("x", 100<<10), "lebih dari 64 KiB", "longer than 64 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewReader(strings.NewReader(tt.file))
			var e *errs.Error
			if !errors.As(err, &e) || e.Kind != errs.Invalid {
				t.Fatalf("err = %v, want an errs.Invalid", err)
			}
			if !strings.Contains(e.ID, tt.wantID) || !strings.Contains(e.EN, tt.wantEN) {
				t.Errorf("got\n  %s\n  %s\nwant %q / %q", e.ID, e.EN, tt.wantID, tt.wantEN)
			}
		})
	}
}

func TestReaderRowProblems(t *testing.T) {
	header := strings.Join(allColumns, ",")
	good := strings.Join(record(allColumns, person(0)), ",")
	file := header + "\n" +
		good + "\n" + // line 2
		strings.Join(record(allColumns, person(1))[:20], ",") + "\n" + // line 3: too few fields
		good + ",,,\n" + // line 4: trailing empty fields, accepted
		good + `,"x"` + "\n" + // line 5: one extra non-empty field
		`1771011708900002,17710101011500"03` + strings.Repeat(",", 22) + "\n" + // line 6: bare quote
		good + "\n" // line 7
	r, err := NewReader(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	_, lines, rowErrs := readAll(t, r)
	if want := []int{2, 4, 7}; !equalInts(lines, want) {
		t.Errorf("good lines %v, want %v", lines, want)
	}
	var got []string
	for _, e := range rowErrs {
		got = append(got, e.Message("en"))
	}
	want := []string{
		"line 3: This line has 20 fields, the header has 24 (check separators and quotes)",
		"line 5: This line has 25 fields, the header has 24 (check separators and quotes)",
		`line 6: This line is not valid CSV (bare " in non-quoted-field)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("row errors:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if rowErrs[0].Code != CodeBadColumnCount || rowErrs[2].Code != CodeBadCSV {
		t.Errorf("codes %s %s", rowErrs[0].Code, rowErrs[2].Code)
	}
	if !strings.HasPrefix(rowErrs[2].Message("id"), "baris 6: Baris ini bukan CSV yang sah (tanda kutip") {
		t.Errorf("ID message %q", rowErrs[2].Message("id"))
	}
}

func TestReaderLineTooLong(t *testing.T) {
	file := strings.Join(allColumns, ",") + "\n" + strings.Repeat("1", MaxLineBytes+10) + "\n"
	r, err := NewReader(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = r.Read()
	var e *errs.Error
	if !errors.As(err, &e) || !strings.Contains(e.EN, "Line 2 is longer than 1 MiB") {
		t.Fatalf("err = %v, want the line-too-long error", err)
	}
	if _, _, err := r.Read(); err == nil || errors.Is(err, io.EOF) {
		t.Errorf("second Read: %v, want the error again", err)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestReaderUnclosedQuote feeds a field whose quote never closes, over many
// short lines: the reader stops at MaxLineBytes instead of reading the
// whole file into one field.
func TestReaderUnclosedQuote(t *testing.T) {
	var b strings.Builder
	b.WriteString(strings.Join(allColumns, ",") + "\n")
	b.WriteString(`"SITI` + "\n")
	for b.Len() < 3*MaxLineBytes {
		b.WriteString("1771015708900001,1771010101150001,SITI AMINAH\n")
	}
	r, err := NewReader(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = r.Read()
	var e *errs.Error
	if !errors.As(err, &e) || !strings.Contains(e.EN, "a quote is never closed") {
		t.Fatalf("err = %v, want the record-too-long error", err)
	}
}

// TestReaderBareQuoteThenRows: a bare quote inside an unquoted field is a
// row error, and the rows after it are read as usual (the limiter must not
// take it for an opening quote).
func TestReaderBareQuoteThenRows(t *testing.T) {
	var b strings.Builder
	b.WriteString(strings.Join(allColumns, ",") + "\n")
	bad := record(allColumns, person(0))
	bad[10] = `JL. "MAWAR`
	b.WriteString(strings.Join(bad, ",") + "\n")
	good := strings.Join(record(allColumns, person(1)), ",") + "\n"
	for b.Len() < 2*MaxLineBytes {
		b.WriteString(good)
	}
	r, err := NewReader(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	rows, rowErrs := 0, 0
	for {
		_, _, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var re *RowError
		switch {
		case errors.As(err, &re):
			rowErrs++
		case err != nil:
			t.Fatalf("after %d rows: %v", rows, err)
		default:
			rows++
		}
	}
	if rowErrs != 1 || rows < 10000 {
		t.Errorf("%d row errors and %d rows, want 1 and all the rest", rowErrs, rows)
	}
}
