package nik_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/nik"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// testData is a small region set for the rules that the embedded data cannot
// show: a retired kab/kota, and provinces the data covers only partly.
const testData = `kode,tingkat,jenis,nama,induk,penduduk_2025,wajib_ktp_2024,terekam_2024,status
17,provinsi,Provinsi,Bengkulu,,,,,aktif
17.10,kabkota,Kabupaten,(kode lama 17.10),17,,,,pensiun
17.10.01,kecamatan,Kecamatan,(kode lama 17.10.01),17.10,,,,pensiun
17.10.02,kecamatan,Kecamatan,Masih Aktif,17.10,,,,aktif
32,provinsi,Provinsi,Jawa Barat,,,,,aktif
33,provinsi,Provinsi,Jawa Tengah,,,,,aktif
33.01,kabkota,Kabupaten,Cilacap,33,,,,aktif
`

func loadTestData(t *testing.T) *wilayah.Data {
	t.Helper()
	d, err := wilayah.Parse(strings.NewReader(testData))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func codes(ws []nik.Warning) []string {
	out := []string{}
	for _, w := range ws {
		out = append(out, w.Code)
	}
	return out
}

func mustParse(t *testing.T, s string) nik.Info {
	t.Helper()
	info, err := nik.Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return info
}

func TestCheck(t *testing.T) {
	def, small := wilayah.Default(), loadTestData(t)
	tests := []struct {
		name  string
		nik   string
		data  *wilayah.Data
		want  []string
		quote string // a substring of the first warning's EN message
	}{
		{"clean Bengkulu NIK", "1771015708900001", def, nil, ""},
		{"nil data means Default", "1771015708900001", nil, nil, ""},
		{"retired kecamatan 17.02.03", "1702031203850004", def, []string{nik.CodeRetiredKecamatan}, "kecamatan code 17.02.03 in the NIK is retired"},
		{"retired kecamatan 17.03.17", "1703175506780012", def, []string{nik.CodeRetiredKecamatan}, "17.03.17"},
		{"nil data finds retired too", "1702031203850004", nil, []string{nik.CodeRetiredKecamatan}, "17.02.03"},
		{"unknown kab/kota 17.99", "1799011203850004", def, []string{nik.CodeUnknownKabKota}, "kab/kota code 17.99 in the NIK is not in the region data"},
		{"unknown kab/kota 17.00", "1700011203850004", def, []string{nik.CodeUnknownKabKota}, "17.00"},
		{"unknown kecamatan 17.71.10", "1771101203850004", def, []string{nik.CodeUnknownKecamatan}, "kecamatan code 17.71.10 in the NIK is not in the region data"},
		{"unknown kecamatan 17.71.00", "1771001203850004", def, []string{nik.CodeUnknownKecamatan}, "17.71.00"},
		{"31 Feb", "1771013102900001", def, []string{nik.CodeImpossibleDate}, "birth date in the NIK (31-02) does not exist"},
		{"31 Feb, female", "1771017102900001", def, []string{nik.CodeImpossibleDate}, "(31-02)"},
		{"30 Feb", "1771013002000001", def, []string{nik.CodeImpossibleDate}, "(30-02)"},
		{"31 Apr", "1771013104900001", def, []string{nik.CodeImpossibleDate}, "(31-04)"},
		{"31 Nov", "1771013111900001", def, []string{nik.CodeImpossibleDate}, "(31-11)"},
		{"29 Feb 01: neither 1901 nor 2001 is leap", "1771012902010001", def, []string{nik.CodeImpossibleDate}, "(29-02)"},
		{"29 Feb 00: 2000 is leap", "1771012902000001", def, nil, ""},
		{"29 Feb 96", "1771016902960001", def, nil, ""},
		{"28 Feb 01", "1771012802010001", def, nil, ""},
		{"31 Dec", "1771013112010001", def, nil, ""},
		{"unknown kab/kota and impossible date", "1799013102900001", def, []string{nik.CodeUnknownKabKota, nik.CodeImpossibleDate}, "17.99"},
		{"retired kecamatan and impossible date", "1702033104900001", def, []string{nik.CodeRetiredKecamatan, nik.CodeImpossibleDate}, "17.02.03"},
		{"retired kab/kota and kecamatan", "1710011203850004", small, []string{nik.CodeRetiredKabKota, nik.CodeRetiredKecamatan}, "kab/kota code 17.10 in the NIK is retired"},
		{"retired kab/kota, active kecamatan", "1710021203850004", small, []string{nik.CodeRetiredKabKota}, "17.10"},
		{"retired kab/kota, unknown kecamatan", "1710031203850004", small, []string{nik.CodeRetiredKabKota, nik.CodeUnknownKecamatan}, "17.10"},
		{"unknown kab/kota skips its kecamatan", "1720011203850004", small, []string{nik.CodeUnknownKabKota}, "17.20"},
		{"province without kab/kota data: no warning", "3273015708900001", small, nil, ""},
		{"province with kab/kota data: unknown one warned", "3302015708900001", small, []string{nik.CodeUnknownKabKota}, "33.02"},
		{"kab/kota without kecamatan data: no warning", "3301995708900001", small, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ws := nik.Check(mustParse(t, tc.nik), tc.data)
			if got := codes(ws); !slices.Equal(got, tc.want) {
				t.Fatalf("Check(%s) codes = %v, want %v", tc.nik, got, tc.want)
			}
			if len(ws) > 0 && !strings.Contains(ws[0].EN, tc.quote) {
				t.Errorf("EN = %q, want it to contain %q", ws[0].EN, tc.quote)
			}
			for _, w := range ws {
				checkWarningText(t, w, tc.nik)
			}
		})
	}
}

// checkWarningText fails t if a warning lacks a message in either language
// or repeats the number.
func checkWarningText(t *testing.T, w nik.Warning, number string) {
	t.Helper()
	if w.ID == "" || w.EN == "" || w.ID == w.EN {
		t.Errorf("warning %s: ID %q, EN %q; want two different messages", w.Code, w.ID, w.EN)
	}
	if strings.Contains(w.ID+w.EN, number[:12]) {
		t.Errorf("warning %s repeats the number: %q / %q", w.Code, w.ID, w.EN)
	}
}

func TestCheckZeroInfo(t *testing.T) {
	if got := codes(nik.Check(nik.Info{}, nil)); !slices.Equal(got, []string{nik.CodeImpossibleDate}) {
		t.Errorf("Check(Info{}) = %v, want [%s]", got, nik.CodeImpossibleDate)
	}
}

func TestCrossCheck(t *testing.T) {
	female := mustParse(t, "1771015708900001") // female, 17 Aug 90
	wib := time.FixedZone("WIB", 7*3600)
	tests := []struct {
		name  string
		sex   nik.Sex
		birth time.Time
		want  []string
		quote string // a substring of the last warning's EN message
	}{
		{"all agree", nik.Female, day(1990, 8, 17), nil, ""},
		{"other century agrees (ambiguous)", nik.Female, day(2090, 8, 17), nil, ""},
		{"birth date in WIB read in WIB", nik.Female, time.Date(1990, 8, 17, 0, 0, 0, 0, wib), nil, ""},
		{"sex differs", nik.Male, day(1990, 8, 17), []string{nik.CodeSexMismatch}, "sex in the NIK (female) differs from the biodata (male)"},
		{"day differs", nik.Female, day(1990, 8, 18), []string{nik.CodeBirthDateMismatch}, "(differs in: day)"},
		{"month differs", nik.Female, day(1990, 7, 17), []string{nik.CodeBirthDateMismatch}, "(differs in: month)"},
		{"year differs", nik.Female, day(1991, 8, 17), []string{nik.CodeBirthDateMismatch}, "(differs in: year)"},
		{"day and year differ", nik.Female, day(1989, 8, 7), []string{nik.CodeBirthDateMismatch}, "(differs in: day, year)"},
		{"day+40 not subtracted by the registrar", nik.Female, day(1990, 8, 27), []string{nik.CodeBirthDateMismatch}, "day"},
		{"both differ", nik.Male, day(1990, 8, 18), []string{nik.CodeSexMismatch, nik.CodeBirthDateMismatch}, "never changed"},
		{"sex not recorded", 0, day(1990, 8, 17), nil, ""},
		{"sex not L or P", 'X', day(1990, 8, 17), nil, ""},
		{"birth not recorded", nik.Female, time.Time{}, nil, ""},
		{"birth not recorded, sex differs", nik.Male, time.Time{}, []string{nik.CodeSexMismatch}, "(male)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ws := nik.CrossCheck(female, tc.sex, tc.birth)
			if got := codes(ws); !slices.Equal(got, tc.want) {
				t.Fatalf("CrossCheck codes = %v, want %v", got, tc.want)
			}
			if len(ws) > 0 && !strings.Contains(ws[len(ws)-1].EN, tc.quote) {
				t.Errorf("EN = %q, want it to contain %q", ws[len(ws)-1].EN, tc.quote)
			}
			for _, w := range ws {
				checkWarningText(t, w, female.NIK)
			}
		})
	}
}

func TestCrossCheckMaleNIK(t *testing.T) {
	male := mustParse(t, "1771011708900002")
	ws := nik.CrossCheck(male, nik.Female, day(1990, 8, 17))
	if len(ws) != 1 || ws[0].Code != nik.CodeSexMismatch {
		t.Fatalf("CrossCheck = %+v, want one %s", ws, nik.CodeSexMismatch)
	}
	if want := "Jenis kelamin pada NIK (laki-laki) berbeda dengan biodata (perempuan)."; ws[0].ID != want {
		t.Errorf("ID = %q, want %q", ws[0].ID, want)
	}
}

func TestWarningMessage(t *testing.T) {
	w := nik.Warning{Code: "x", ID: "pesan", EN: "message"}
	for lang, want := range map[string]string{"en": "message", "id": "pesan", "": "pesan", "fr": "pesan", "EN": "pesan"} {
		if got := w.Message(lang); got != want {
			t.Errorf("Message(%q) = %q, want %q", lang, got, want)
		}
	}
}
