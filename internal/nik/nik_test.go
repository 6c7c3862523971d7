package nik_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/nik"
)

// wantInvalid fails t unless err is an *errs.Error of kind Invalid whose
// English and Indonesian messages contain en and id.
func wantInvalid(t *testing.T, err error, en, id string) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want *errs.Error", err, err)
	}
	if e.Kind != errs.Invalid || !errors.Is(err, errs.Invalid) {
		t.Errorf("kind = %q, want %q", e.Kind, errs.Invalid)
	}
	if !strings.Contains(e.EN, en) {
		t.Errorf("EN = %q, want it to contain %q", e.EN, en)
	}
	if !strings.Contains(e.ID, id) {
		t.Errorf("ID = %q, want it to contain %q", e.ID, id)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want nik.Info
	}{
		{"female 17 Aug 90 Selebar", "1771015708900001", nik.Info{
			NIK: "1771015708900001", Provinsi: "17", KabKota: "17.71", Kecamatan: "17.71.01",
			Sex: nik.Female, Day: 17, Month: 8, YY: 90, Serial: 1,
		}},
		{"male 17 Aug 90", "1771011708900002", nik.Info{
			NIK: "1771011708900002", Provinsi: "17", KabKota: "17.71", Kecamatan: "17.71.01",
			Sex: nik.Male, Day: 17, Month: 8, YY: 90, Serial: 2,
		}},
		{"male day 01 month 01 year 00", "1702060101000123", nik.Info{
			NIK: "1702060101000123", Provinsi: "17", KabKota: "17.02", Kecamatan: "17.02.06",
			Sex: nik.Male, Day: 1, Month: 1, YY: 0, Serial: 123,
		}},
		{"male day 31 month 12 serial 9999", "1703013112999999", nik.Info{
			NIK: "1703013112999999", Provinsi: "17", KabKota: "17.03", Kecamatan: "17.03.01",
			Sex: nik.Male, Day: 31, Month: 12, YY: 99, Serial: 9999,
		}},
		{"female day 41 is the 1st", "1771064101050010", nik.Info{
			NIK: "1771064101050010", Provinsi: "17", KabKota: "17.71", Kecamatan: "17.71.06",
			Sex: nik.Female, Day: 1, Month: 1, YY: 5, Serial: 10,
		}},
		{"female day 71 is the 31st", "1771067112050010", nik.Info{
			NIK: "1771067112050010", Provinsi: "17", KabKota: "17.71", Kecamatan: "17.71.06",
			Sex: nik.Female, Day: 31, Month: 12, YY: 5, Serial: 10,
		}},
		{"other province, kab/kota not in data", "3273015708900001", nik.Info{
			NIK: "3273015708900001", Provinsi: "32", KabKota: "32.73", Kecamatan: "32.73.01",
			Sex: nik.Female, Day: 17, Month: 8, YY: 90, Serial: 1,
		}},
		{"retired kecamatan still parses", "1702031203850004", nik.Info{
			NIK: "1702031203850004", Provinsi: "17", KabKota: "17.02", Kecamatan: "17.02.03",
			Sex: nik.Male, Day: 12, Month: 3, YY: 85, Serial: 4,
		}},
		{"31 Feb parses (warning only)", "1771013102900001", nik.Info{
			NIK: "1771013102900001", Provinsi: "17", KabKota: "17.71", Kecamatan: "17.71.01",
			Sex: nik.Male, Day: 31, Month: 2, YY: 90, Serial: 1,
		}},
		{"surrounding white space", " \t1771015708900001\r\n", nik.Info{
			NIK: "1771015708900001", Provinsi: "17", KabKota: "17.71", Kecamatan: "17.71.01",
			Sex: nik.Female, Day: 17, Month: 8, YY: 90, Serial: 1,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := nik.Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", tc.in, got, tc.want)
			}
			if !nik.Valid(tc.in) {
				t.Errorf("Valid(%q) = false, want true", tc.in)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		en, id string // substrings of the messages
	}{
		{"empty", "", "NIK is empty", "NIK kosong"},
		{"only spaces", "   ", "NIK is empty", "NIK kosong"},
		{"15 digits", "177101570890001", "16 digits, not 15 characters", "16 digit, bukan 15 karakter"},
		{"17 digits", "17710157089000011", "16 digits, not 17 characters", "16 digit, bukan 17 karakter"},
		{"grouped with spaces", "1771 0157 0890 0001", "not 19 characters", "bukan 19 karakter"},
		{"grouped with dots", "17.71.01.570890.0001", "not 20 characters", "bukan 20 karakter"},
		{"letter O for zero", "1771015708900O01", "character 14 is not a digit", "karakter ke-14 bukan angka"},
		{"leading minus", "-771015708900001", "character 1 is not a digit", "karakter ke-1 bukan angka"},
		{"inner space", "17710157 8900001", "character 9 is not a digit", "karakter ke-9 bukan angka"},
		{"trailing NUL is not white space", "177101570890000\x00", "character 16 is not a digit", "karakter ke-16 bukan angka"},
		{"Arabic-Indic digits", "١٧٧١٠١٥٧٠٨٩٠٠٠٠١", "character 1 is not a digit", "karakter ke-1 bukan angka"},
		{"full-width digit", "177101570890000１", "character 16 is not a digit", "karakter ke-16 bukan angka"},
		{"invalid UTF-8", "177101570890000\xff", "character 16 is not a digit", "karakter ke-16 bukan angka"},
		{"province 99", "9971015708900001", `province code "99"`, `provinsi "99"`},
		{"province 00", "0071015708900001", `province code "00"`, `provinsi "00"`},
		{"province 20 (gap in the list)", "2071015708900001", `province code "20"`, `provinsi "20"`},
		{"day 00", "1771010008900001", "birth day in the NIK (digits 7–8) must be 01–31, or 41–71 for a woman, not 00", "bukan 00"},
		{"day 32", "1771013208900001", "not 32", "bukan 32"},
		{"day 40", "1771014008900001", "not 40", "bukan 40"},
		{"day 72", "1771017208900001", "not 72", "bukan 72"},
		{"day 99", "1771019908900001", "not 99", "bukan 99"},
		{"month 00", "1771011700900001", "birth month in the NIK (digits 9–10) must be 01–12, not 00", "bukan 00"},
		{"month 13", "1771011713900001", "must be 01–12, not 13", "bukan 13"},
		{"serial 0000", "1771015708900000", "serial number in the NIK (digits 13–16) must not be 0000", "tidak boleh 0000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info, err := nik.Parse(tc.in)
			wantInvalid(t, err, tc.en, tc.id)
			if info != (nik.Info{}) {
				t.Errorf("Parse(%q) info = %+v, want zero on error", tc.in, info)
			}
			if nik.Valid(tc.in) {
				t.Errorf("Valid(%q) = true, want false", tc.in)
			}
		})
	}
}

// TestParseErrorHidesNIK checks that an error message never repeats the
// number: errors get logged, and the NIK is personal data.
func TestParseErrorHidesNIK(t *testing.T) {
	for _, in := range []string{"177101570890001", "1771015708900O01", "9971015708900001", "1771019908900001", "1771015708900000"} {
		_, err := nik.Parse(in)
		if err == nil {
			t.Fatalf("Parse(%q) = nil error", in)
		}
		if msg := err.Error(); strings.Contains(msg, in[:12]) {
			t.Errorf("Parse(%q) error %q contains the number", in, msg)
		}
	}
}

func TestBirthDate(t *testing.T) {
	ref := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	wib := time.FixedZone("WIB", 7*3600)
	tests := []struct {
		name string
		nik  string
		ref  time.Time
		want time.Time // zero means no such date
	}{
		{"YY 05 is 2005", "1771011708050001", ref, day(2005, 8, 17)},
		{"YY 30 is 1930", "1771011708300001", ref, day(1930, 8, 17)},
		{"YY 90 is 1990, female", "1771015708900001", ref, day(1990, 8, 17)},
		{"YY 26, month after ref month, is 1926", "1771011712260001", ref, day(1926, 12, 17)},
		{"YY 26, same month, day after ref, is 1926", "1771012411260001", ref, day(1926, 11, 24)},
		{"YY 26, born on ref day, is 2026", "1771012311260001", ref, day(2026, 11, 23)},
		{"YY 26, month before ref month, is 2026", "1771011710260001", ref, day(2026, 10, 17)},
		{"YY 00 is 2000", "1771010101000001", ref, day(2000, 1, 1)},
		{"YY 27 is 1927", "1771010101270001", ref, day(1927, 1, 1)},
		{"29 Feb 00 is 2000 (leap)", "1771012902000001", ref, day(2000, 2, 29)},
		{"29 Feb 24 is 2024", "1771016902240001", ref, day(2024, 2, 29)},
		{"29 Feb 01 does not exist", "1771012902010001", ref, time.Time{}},
		{"31 Feb does not exist", "1771013102900001", ref, time.Time{}},
		{"31 Apr does not exist", "1771013104900001", ref, time.Time{}},
		{"ref early in the day in WIB uses the WIB date",
			"1771012311260001", time.Date(2026, 11, 23, 0, 30, 0, 0, wib), day(2026, 11, 23)},
		{"ref before 2000 keeps 19YY", "1771011708900001", time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC), day(1990, 8, 17)},
		{"ref before 2000, YY 99 is 1899", "1771011708990001", time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC), day(1899, 8, 17)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info, err := nik.Parse(tc.nik)
			if err != nil {
				t.Fatal(err)
			}
			got := info.BirthDate(tc.ref)
			if !got.Equal(tc.want) || got.Location() != time.UTC {
				t.Errorf("BirthDate(%v) = %v, want %v", tc.ref, got, tc.want)
			}
			ry, rm, rd := tc.ref.Date()
			if !got.IsZero() && got.After(day(ry, rm, rd)) {
				t.Errorf("BirthDate(%v) = %v is after ref's date", tc.ref, got)
			}
		})
	}
}

func TestBirthDateInvalidInfo(t *testing.T) {
	ref := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	for _, info := range []nik.Info{
		{},
		{Day: 17, Month: 13, YY: 90},
		{Day: 0, Month: 8, YY: 90},
		{Day: 57, Month: 8, YY: 90}, // the raw NIK day, not the real one
		{Day: 17, Month: 8, YY: 100},
	} {
		if got := info.BirthDate(ref); !got.IsZero() {
			t.Errorf("%+v.BirthDate() = %v, want zero", info, got)
		}
	}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
