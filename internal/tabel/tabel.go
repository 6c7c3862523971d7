// Package tabel writes the office's tables (targets, stock) as files to
// download: CSV for any tool and XLSX for a spreadsheet, with the same
// figures as the page. Numbers stay numbers in both (no thousands
// separators in the CSV, numeric cells in the XLSX), shares with one
// decimal.
package tabel

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Table is a titled table: a header and rows of strings, ints and floats.
type Table struct {
	Title  string // the sheet's name (at most 31 characters in XLSX)
	Header []string
	Rows   [][]any
}

// WriteCSV writes the table as CSV, the header first.
func (t Table) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Header); err != nil {
		return err
	}
	for _, r := range t.Rows {
		rec := make([]string, len(r))
		for i, v := range r {
			rec[i] = text(v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// text is a cell as CSV writes it.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return noFormula(x)
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(round(x), 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// noFormula keeps a spreadsheet from reading a text cell as a formula
// (CSV injection): text starting with = + - @, a tab or a carriage return
// gets a leading apostrophe, which spreadsheets show as text.
func noFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// round keeps one decimal, the pages' precision, in both formats.
func round(x float64) float64 { return math.Round(x*10) / 10 }

// WriteXLSX writes the table as one sheet of an XLSX workbook.
func (t Table) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	name := t.Title
	if len(name) > 31 {
		name = name[:31]
	}
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	head := make([]any, len(t.Header))
	for i, h := range t.Header {
		head[i] = h
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	for i, r := range t.Rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		row := make([]any, len(r))
		for j, v := range r {
			if f, ok := v.(float64); ok {
				v = round(f)
			}
			row[j] = v
		}
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}
