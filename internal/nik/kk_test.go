package nik_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/nik"
	"github.com/ikd-project/ikd/internal/wilayah"
)

func TestParseKK(t *testing.T) {
	tests := []struct {
		in   string
		want nik.KKInfo
	}{
		{"1771010101150003", nik.KKInfo{NoKK: "1771010101150003", Provinsi: "17", KabKota: "17.71", Kecamatan: "17.71.01"}},
		{" 1702031203850004\n", nik.KKInfo{NoKK: "1702031203850004", Provinsi: "17", KabKota: "17.02", Kecamatan: "17.02.03"}},
		// Digits 7-16 are opaque: no day, month or serial rules apply.
		{"1771019999999999", nik.KKInfo{NoKK: "1771019999999999", Provinsi: "17", KabKota: "17.71", Kecamatan: "17.71.01"}},
		{"1771010000000001", nik.KKInfo{NoKK: "1771010000000001", Provinsi: "17", KabKota: "17.71", Kecamatan: "17.71.01"}},
		{"3273011000000000", nik.KKInfo{NoKK: "3273011000000000", Provinsi: "32", KabKota: "32.73", Kecamatan: "32.73.01"}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := nik.ParseKK(tc.in)
			if err != nil {
				t.Fatalf("ParseKK(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("ParseKK(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseKKErrors(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		en, id string
	}{
		{"empty", "", "Nomor KK is empty", "Nomor KK kosong"},
		{"15 digits", "177101010115000", "Nomor KK must be 16 digits, not 15 characters", "Nomor KK harus 16 digit, bukan 15 karakter"},
		{"non-digit", "17710101011500O3", "character 15 is not a digit", "karakter ke-15 bukan angka"},
		{"unknown province", "9971010101150003", `province code "99" in the Nomor KK`, `provinsi "99" pada Nomor KK`},
		{"all-zero tail", "1771010000000000", "must not end in 0000000000", "tidak boleh berakhir dengan 0000000000"},
		{"all zeros", "0000000000000000", `province code "00"`, `provinsi "00"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := nik.ParseKK(tc.in)
			wantInvalid(t, err, tc.en, tc.id)
			if k != (nik.KKInfo{}) {
				t.Errorf("ParseKK(%q) = %+v, want zero on error", tc.in, k)
			}
		})
	}
}

func TestCheckKK(t *testing.T) {
	small := loadTestData(t)
	tests := []struct {
		name  string
		in    string
		data  *wilayah.Data
		want  []string
		quote string
	}{
		{"clean", "1771010101150003", nil, nil, ""},
		{"retired kecamatan", "1702030101150003", wilayah.Default(), []string{nik.CodeRetiredKecamatan}, "kecamatan code 17.02.03 in the Nomor KK is retired"},
		{"unknown kab/kota", "1799010101150003", nil, []string{nik.CodeUnknownKabKota}, "kab/kota code 17.99 in the Nomor KK"},
		{"unknown kecamatan", "1771120101150003", nil, []string{nik.CodeUnknownKecamatan}, "17.71.12"},
		{"retired kab/kota", "1710010101150003", small, []string{nik.CodeRetiredKabKota, nik.CodeRetiredKecamatan}, "17.10"},
		{"not covered", "3273010101150003", small, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := nik.ParseKK(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			ws := nik.CheckKK(k, tc.data)
			if got := codes(ws); !slices.Equal(got, tc.want) {
				t.Fatalf("CheckKK codes = %v, want %v", got, tc.want)
			}
			if len(ws) > 0 && !strings.Contains(ws[0].EN, tc.quote) {
				t.Errorf("EN = %q, want it to contain %q", ws[0].EN, tc.quote)
			}
			for _, w := range ws {
				checkWarningText(t, w, tc.in)
				if !strings.Contains(w.ID, "Nomor KK") {
					t.Errorf("ID = %q, want it to name the Nomor KK", w.ID)
				}
			}
		})
	}
}
