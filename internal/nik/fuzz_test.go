package nik_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/nik"
)

var fuzzSeeds = []string{
	"1771015708900001", "1771011708900002", " 1702031203850004\n", "1799013102900001",
	"", "177101570890001", "1771015708900O01", "9971015708900001", "1771019908900001",
	"1771011713900001", "1771015708900000", "1771010000000000", "١٧٧١٠١٥٧٠٨٩٠٠٠٠١",
	"177101570890000\xff", "\u00a01771015708900001\u2028",
}

// wantInvalidKind fails t unless err is an *errs.Error of kind Invalid with
// both messages.
func wantInvalidKind(t *testing.T, in string, err error) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != errs.Invalid || e.ID == "" || e.EN == "" {
		t.Fatalf("Parse(%q) error = %#v, want *errs.Error of kind Invalid with messages", in, err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	ref := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, in string) {
		info, err := nik.Parse(in)
		if m := nik.Mask(in); strings.Count(m, "*") < len(m)-8 {
			t.Fatalf("Mask(%q) = %q shows more than 8 characters", in, m)
		}
		if err != nil {
			wantInvalidKind(t, in, err)
			return
		}
		if info.NIK != strings.TrimSpace(in) {
			t.Fatalf("Parse(%q).NIK = %q, want the trimmed input", in, info.NIK)
		}
		if m := nik.Mask(in); len(m) != 16 || m[4:12] != "********" || m[:4] != info.NIK[:4] || m[12:] != info.NIK[12:] {
			t.Fatalf("Mask(%q) = %q", in, m)
		}
		again, err := nik.Parse(info.NIK)
		if err != nil || again != info {
			t.Fatalf("re-parse of %q = %+v, %v; want %+v", info.NIK, again, err, info)
		}
		if info.Day < 1 || info.Day > 31 || info.Month < 1 || info.Month > 12 || info.Serial < 1 || info.Serial > 9999 {
			t.Fatalf("Parse(%q) = %+v: field out of range", in, info)
		}
		if b := info.BirthDate(ref); !b.IsZero() && (b.After(ref) || b.Year() <= ref.Year()-100) {
			t.Fatalf("BirthDate of %q = %v, not within the 100 years up to %v", in, b, ref)
		}
		nik.Check(info, nil)
		if ws := nik.CrossCheck(info, info.Sex, info.BirthDate(ref)); len(ws) != 0 {
			t.Fatalf("CrossCheck of %q against its own data = %+v, want none", in, ws)
		}
	})
}

func FuzzParseKK(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		k, err := nik.ParseKK(in)
		if err != nil {
			wantInvalidKind(t, in, err)
			return
		}
		if k.NoKK != strings.TrimSpace(in) {
			t.Fatalf("ParseKK(%q).NoKK = %q, want the trimmed input", in, k.NoKK)
		}
		if m := nik.Mask(in); len(m) != 16 || m[4:12] != "********" {
			t.Fatalf("Mask(%q) = %q", in, m)
		}
		if k.Kecamatan != k.NoKK[0:2]+"."+k.NoKK[2:4]+"."+k.NoKK[4:6] || !strings.HasPrefix(k.Kecamatan, k.KabKota+".") || !strings.HasPrefix(k.KabKota, k.Provinsi+".") {
			t.Fatalf("ParseKK(%q) = %+v: region fields do not match the digits", in, k)
		}
		again, err := nik.ParseKK(k.NoKK)
		if err != nil || again != k {
			t.Fatalf("re-parse of %q = %+v, %v; want %+v", k.NoKK, again, err, k)
		}
		nik.CheckKK(k, nil)
	})
}
