package nik

import (
	"strings"
	"unicode/utf8"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// region is the region-of-issue prefix shared by NIK and Nomor KK.
type region struct {
	provinsi, kabKota, kecamatan string
}

// parseRegion trims s, checks that it is 16 ASCII digits with a known
// province code, and splits off the region prefix. what names the number
// in error messages ("NIK" or "Nomor KK").
func parseRegion(s, what string) (string, region, error) {
	s = strings.TrimSpace(s)
	if err := checkDigits(s, what); err != nil {
		return "", region{}, err
	}
	kec := wilayah.FromDigits(s[:6])
	r := region{provinsi: wilayah.Ancestor(kec, wilayah.Provinsi), kabKota: wilayah.Parent(kec), kecamatan: kec}
	if w, ok := wilayah.Default().Lookup(r.provinsi); !ok || w.Tingkat != wilayah.Provinsi {
		return "", region{}, errs.Newf(errs.Invalid,
			"Kode provinsi %q pada %s (digit 1–2) tidak dikenal.",
			"Unknown province code %q in the %s (digits 1–2).", r.provinsi, what)
	}
	return s, r, nil
}

// checkDigits reports an error unless s is exactly 16 ASCII digits. It
// counts characters, not bytes, so that the messages match what the user
// typed.
func checkDigits(s, what string) error {
	if s == "" {
		return errs.Newf(errs.Invalid, "%s kosong.", "The %s is empty.", what)
	}
	if n := utf8.RuneCountInString(s); n != Length {
		return errs.Newf(errs.Invalid,
			"%s harus 16 digit, bukan %d karakter.",
			"The %s must be 16 digits, not %d characters.", what, n)
	}
	pos := 0
	for _, c := range s {
		pos++
		if c < '0' || c > '9' {
			return errs.Newf(errs.Invalid,
				"%s hanya boleh berisi angka; karakter ke-%d bukan angka.",
				"The %s must contain only digits; character %d is not a digit.", what, pos)
		}
	}
	return nil
}
