package jemput

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ikd-project/ikd/internal/errs"
)

const (
	nik1 = "1771015708900001"
	nik2 = "1771011708850002"
	nik3 = "1771014101950003"
)

func codes(r Roster) string {
	var out []string
	for _, e := range r.Errors {
		out = append(out, e.Message("en"))
	}
	return strings.Join(out, "\n")
}

func TestParseCSV(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		rows       []Baris
		bad        []string // "line code"
	}{
		{"comma with a name column", "NIK,Nama\n" + nik1 + ",Siti Aminah\n" + nik2 + ",BUDI\n",
			[]Baris{{2, nik1, "Siti Aminah"}, {3, nik2, "BUDI"}}, nil},
		{"semicolons, a BOM, CRLF, NIKs grouped as printed", "\xEF\xBB\xBFNo;Nomor Induk Kependudukan;Nama Lengkap\r\n1;1771 0157 0890 0001;Siti\r\n\r\n2;'" + nik2 + ";Budi\r\n",
			[]Baris{{2, nik1, "Siti"}, {4, nik2, "Budi"}}, nil},
		{"no header", nik1 + "\n" + nik2 + "\n",
			[]Baris{{1, nik1, ""}, {2, nik2, ""}}, nil},
		{"bad rows", "nik,nama\n" + nik1 + ",A\n12345,B\n" + nik1 + ",C\n1.77101E+15,D\n\"1771019908900001\",E\n" + nik3 + ",F\n",
			[]Baris{{2, nik1, "A"}, {7, nik3, "F"}},
			[]string{"3 " + CodeNIK, "4 " + CodeDuplikat, "5 " + CodeExcel, "6 " + CodeNIK}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ParseRoster([]byte(tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Rows) != len(tc.rows) {
				t.Fatalf("rows %+v, want %+v (errors: %s)", r.Rows, tc.rows, codes(r))
			}
			for i := range tc.rows {
				if r.Rows[i] != tc.rows[i] {
					t.Errorf("row %d = %+v, want %+v", i, r.Rows[i], tc.rows[i])
				}
			}
			var bad []string
			for _, e := range r.Errors {
				bad = append(bad, strconv.Itoa(e.Line)+" "+e.Code)
				if strings.Contains(e.Message("id")+e.Message("en"), nik1) {
					t.Errorf("a row error shows the NIK: %s", e.Message("en"))
				}
			}
			if strings.Join(bad, ",") != strings.Join(tc.bad, ",") {
				t.Errorf("bad rows %v, want %v:\n%s", bad, tc.bad, codes(r))
			}
		})
	}
}

// Excel in an Indonesian locale writes a long number with a decimal comma,
// in a semicolon-separated file.
func TestParseExcelNumber(t *testing.T) {
	r, err := ParseRoster([]byte("NIK;Nama\n1,77101E+15;Siti\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Errors) != 1 || r.Errors[0].Code != CodeExcel || !strings.Contains(r.Errors[0].Message("id"), "baris 2: NIK tertulis sebagai angka") {
		t.Errorf("errors %s", codes(r))
	}
}

func TestParseXLSX(t *testing.T) {
	f := excelize.NewFile()
	rows := [][]any{{"No", "Nama", "NIK"}, {1, "Siti Aminah", nik1}, {2, "Budi", "bukan NIK"}, {}, {4, "Rina", nik3}, {5, "Siti lagi", nik1}}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	r, err := ParseRoster(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !r.HasNama || len(r.Rows) != 2 || r.Rows[0] != (Baris{2, nik1, "Siti Aminah"}) || r.Rows[1] != (Baris{5, nik3, "Rina"}) {
		t.Errorf("rows %+v", r.Rows)
	}
	if len(r.Errors) != 2 || r.Errors[0].Line != 3 || r.Errors[0].Code != CodeNIK || r.Errors[1].Line != 6 || r.Errors[1].Code != CodeDuplikat {
		t.Errorf("errors %s", codes(r))
	}
}

// A file that cannot be read at all is one error, no rows.
func TestParseUnreadable(t *testing.T) {
	for name, file := range map[string]string{
		"empty":        " \n ",
		"no NIK":       "nama,alamat\nSiti,Jl. Merdeka\n",
		"old excel":    "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest",
		"broken xlsx":  "PK\x03\x04 not really a zip",
		"not utf-8":    "NIK\n\xff\xfe\n",
		"only headers": "NIK,Nama\n",
	} {
		t.Run(name, func(t *testing.T) {
			r, err := ParseRoster([]byte(file))
			if name == "only headers" {
				if err != nil || len(r.Rows)+len(r.Errors) != 0 {
					t.Errorf("headers alone: %+v %v", r, err)
				}
				return
			}
			if !errors.Is(err, errs.Invalid) || len(r.Rows) != 0 {
				t.Errorf("got %+v, %v; want an Invalid error", r, err)
			}
		})
	}
	big := bytes.Repeat([]byte(nik1+"\n"), MaxRows+2)
	if _, err := ParseRoster(big); !errors.Is(err, ErrTooMany) {
		t.Errorf("%d rows: %v, want ErrTooMany", MaxRows+2, err)
	}
}

func TestSameName(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"Siti  Aminah", "SITI AMINAH", true},
		{"Drs. H. Ahmad", "DRS H AHMAD", true},
		{"Siti", "SITI AMINAH", false},
	} {
		if got := SameName(tc.a, tc.b); got != tc.same {
			t.Errorf("SameName(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}

func FuzzParseRoster(f *testing.F) {
	f.Add([]byte("NIK,Nama\n" + nik1 + ",Siti\n"))
	f.Add([]byte("a;b\n\"x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRoster(data)
		if err != nil {
			return
		}
		for _, b := range r.Rows {
			if len(b.NIK) != 16 {
				t.Fatalf("a row with NIK %q", b.NIK)
			}
		}
	})
}
