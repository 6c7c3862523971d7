package nik

import (
	"strconv"
	"time"

	"github.com/ikd-project/ikd/internal/errs"
)

// Length is the number of digits in an NIK and in a Nomor KK.
const Length = 16

// Sex is a person's sex as the NIK encodes it: a birth day of 41–71 means
// female. The values are the letters the KTP prints.
type Sex byte

// The two sexes an NIK can encode.
const (
	Male   Sex = 'L' // laki-laki
	Female Sex = 'P' // perempuan
)

// femaleOffset is what the NIK adds to a woman's birth day.
const femaleOffset = 40

// Info is the structural decode of a valid NIK. The region fields are the
// region of first issue, never the holder's domicile.
type Info struct {
	NIK       string // the 16 digits
	Provinsi  string // "17": region of first issue, never the domicile
	KabKota   string // "17.71"
	Kecamatan string // "17.71.01"
	Sex       Sex
	Day       int // real birth day, 1–31 (40 already subtracted for women)
	Month     int // birth month, 1–12
	YY        int // last two digits of the birth year, 0–99
	Serial    int // 1–9999
}

// Parse decodes an NIK. Surrounding white space is ignored; anything else
// that is not exactly 16 ASCII digits is rejected. Parse reports only hard
// errors, as an *errs.Error of kind errs.Invalid that says what is wrong:
// the length, the first non-digit, an unknown province code, a birth day
// outside 01–31 and 41–71, a month outside 01–12, or serial 0000.
//
// A parsed NIK may still deserve warnings; see [Check] and [CrossCheck].
func Parse(s string) (Info, error) {
	s, r, err := parseRegion(s, "NIK")
	if err != nil {
		return Info{}, err
	}
	info := Info{NIK: s, Provinsi: r.provinsi, KabKota: r.kabKota, Kecamatan: r.kecamatan}
	if info.Sex, info.Day, err = parseDay(s[6:8]); err != nil {
		return Info{}, err
	}
	if info.Month = atoi(s[8:10]); info.Month < 1 || info.Month > 12 {
		return Info{}, errs.Newf(errs.Invalid,
			"Bulan lahir pada NIK (digit 9–10) harus 01–12, bukan %s.",
			"The birth month in the NIK (digits 9–10) must be 01–12, not %s.", s[8:10])
	}
	info.YY = atoi(s[10:12])
	if info.Serial = atoi(s[12:16]); info.Serial == 0 {
		return Info{}, errs.New(errs.Invalid,
			"Nomor urut pada NIK (digit 13–16) tidak boleh 0000.",
			"The serial number in the NIK (digits 13–16) must not be 0000.")
	}
	return info, nil
}

// parseDay decodes digits 7–8 of an NIK into sex and real birth day.
func parseDay(dd string) (Sex, int, error) {
	switch n := atoi(dd); {
	case n >= 1 && n <= 31:
		return Male, n, nil
	case n >= 1+femaleOffset && n <= 31+femaleOffset:
		return Female, n - femaleOffset, nil
	}
	return 0, 0, errs.Newf(errs.Invalid,
		"Tanggal lahir pada NIK (digit 7–8) harus 01–31, atau 41–71 untuk perempuan, bukan %s.",
		"The birth day in the NIK (digits 7–8) must be 01–31, or 41–71 for a woman, not %s.", dd)
}

// Valid reports whether s is an NIK that [Parse] accepts.
func Valid(s string) bool {
	_, err := Parse(s)
	return err == nil
}

// BirthDate returns the birth date the NIK encodes, at midnight UTC. The NIK
// gives only two digits of the year, so BirthDate resolves the century to
// the latest such date that is not after ref's calendar date (taken in ref's
// location): nobody is born in the future. With ref in November 2026, YY 05
// gives 2005, YY 30 gives 1930, and YY 26 with a December birthday gives
// 1926.
//
// BirthDate returns the zero time when the day does not exist in that month
// and year (31 February, or 29 February of a non-leap year) or when i does
// not hold a valid day and month. It is a decode, not the person's recorded
// birth date: never base age rules on it.
func (i Info) BirthDate(ref time.Time) time.Time {
	if i.Month < 1 || i.Month > 12 || i.Day < 1 || i.Day > 31 || i.YY < 0 || i.YY > 99 {
		return time.Time{}
	}
	ry, rm, rd := ref.Date()
	y := ry - mod(ry-i.YY, 100) // the latest year <= ry that ends in YY
	if y == ry && (i.Month > int(rm) || i.Month == int(rm) && i.Day > rd) {
		y -= 100
	}
	return dateUTC(y, i.Month, i.Day)
}

// dateUTC returns midnight UTC of the given date, or the zero time when the
// day does not exist in that month.
func dateUTC(y, m, d int) time.Time {
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}
	}
	return t
}

// mod is the non-negative remainder of a divided by b.
func mod(a, b int) int { return (a%b + b) % b }

// atoi converts a string already checked to hold only ASCII digits.
func atoi(digits string) int {
	n, _ := strconv.Atoi(digits) // cannot fail: callers pass checked digits
	return n
}
