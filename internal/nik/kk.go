package nik

import (
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// KKInfo is the structural decode of a valid Nomor KK (family card number).
// The region fields are where the card was issued. Digits 7–16 are kept
// only in NoKK: their layout is not confirmed (domain.md §3.2).
type KKInfo struct {
	NoKK      string // the 16 digits
	Provinsi  string // "17": region of issue
	KabKota   string // "17.71"
	Kecamatan string // "17.71.01"
}

// ParseKK decodes a Nomor KK. Like [Parse] it ignores surrounding white
// space and returns an *errs.Error of kind errs.Invalid for the wrong
// length, a non-digit or an unknown province code. It also rejects an
// all-zero tail (digits 7–16), which no issued card has.
func ParseKK(s string) (KKInfo, error) {
	s, r, err := parseRegion(s, "Nomor KK")
	if err != nil {
		return KKInfo{}, err
	}
	if s[6:] == "0000000000" {
		return KKInfo{}, errs.New(errs.Invalid,
			"Nomor KK tidak boleh berakhir dengan 0000000000 (digit 7–16).",
			"The Nomor KK must not end in 0000000000 (digits 7–16).")
	}
	return KKInfo{NoKK: s, Provinsi: r.provinsi, KabKota: r.kabKota, Kecamatan: r.kecamatan}, nil
}

// CheckKK returns the region warnings for a Nomor KK, with the same rules
// as [Check]: an unknown or retired kab/kota or kecamatan. A nil d means
// [wilayah.Default].
func CheckKK(k KKInfo, d *wilayah.Data) []Warning {
	return checkRegion(region{k.Provinsi, k.KabKota, k.Kecamatan}, "Nomor KK", d)
}
