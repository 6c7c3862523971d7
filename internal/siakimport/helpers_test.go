package siakimport

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"time"
)

// testNow is the reference time of the tests: 20 November 2026, 10:00 WIB.
var testNow = time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)

// allColumns is the header of docs/import.md, in its order.
var allColumns = func() []string {
	h := make([]string, numCols)
	for c := col(0); c < numCols; c++ {
		h[c] = columns[c].name
	}
	return h
}()

// person builds the fields of a valid, warning-free row for resident i:
// families of four (head, wife, two children) in desa 17.71.01.1001.
func person(i int) map[string]string {
	day, month, year := 1+i%28, 1+(i/28)%12, 1940+(i/336)%60
	serial := 1 + (i/20160)%9999
	female := i%2 == 1
	dd := day
	sex := "LAKI-LAKI"
	if female {
		dd += 40
		sex = "PEREMPUAN"
	}
	rel := [...]string{"KEPALA KELUARGA", "ISTRI", "ANAK", "ANAK"}[i%4]
	kawin := [...]string{"KAWIN", "KAWIN", "BELUM KAWIN", "BELUM KAWIN"}[i%4]
	return map[string]string{
		"NIK":             fmt.Sprintf("177101%02d%02d%02d%04d", dd, month, year%100, serial),
		"NO_KK":           fmt.Sprintf("177101%010d", i/4+1),
		"NAMA_LGKP":       fmt.Sprintf("WARGA NOMOR %s", strings.Repeat("X", 1+i%5)),
		"TMPT_LHR":        "BENGKULU",
		"TGL_LHR":         fmt.Sprintf("%02d-%02d-%04d", day, month, year),
		"JENIS_KLMIN":     sex,
		"GOL_DRH":         "O",
		"AGAMA":           "ISLAM",
		"STAT_KWN":        kawin,
		"STAT_HBKEL":      rel,
		"JENIS_PKRJN":     "WIRASWASTA",
		"KEWARGANEGARAAN": "WNI",
		"ALAMAT":          fmt.Sprintf("JL. SUDIRMAN NO. %d", i/4+1),
		"NO_RT":           "004",
		"NO_RW":           "002",
		"NO_PROP":         "17",
		"NO_KAB":          "71",
		"NO_KEC":          "01",
		"NO_KEL":          "1001",
		"EMAIL":           "",
		"NO_HP":           "",
		"STATUS_NIK":      "AKTIF",
		"TGL_REKAM":       fmt.Sprintf("02-05-%04d", year+20),
		"TGL_KK":          "01-01-2015",
	}
}

// record lays out fields in the order of header.
func record(header []string, fields map[string]string) []string {
	rec := make([]string, len(header))
	for i, h := range header {
		rec[i] = fields[h]
	}
	return rec
}

// csvFile writes a CSV file with the given separator from rows of fields.
func csvFile(comma rune, header []string, rows ...map[string]string) string {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = comma
	w.Write(header)
	for _, r := range rows {
		w.Write(record(header, r))
	}
	w.Flush()
	return b.String()
}

// with returns a copy of fields with some changed.
func with(fields map[string]string, kv ...string) map[string]string {
	out := make(map[string]string, len(fields))
	for k, v := range fields {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}
