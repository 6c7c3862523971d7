package nik

import (
	"fmt"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/wilayah"
)

// Warning is a finding about a parsed NIK or Nomor KK that does not make it
// invalid: the number is lifelong and stays as issued, but an officer should
// look. Code is stable and meant for programs; ID and EN are messages safe
// to show, in Bahasa Indonesia and English. Messages name region codes but
// never the number itself or the person's recorded data.
type Warning struct {
	Code string // stable snake_case identifier, one of the Code… constants
	ID   string // message in Bahasa Indonesia
	EN   string // message in English
}

// The warning codes. They are stable: store them, switch on them.
const (
	CodeUnknownKabKota    = "unknown_kabkota"    // kab/kota not in the reference data
	CodeUnknownKecamatan  = "unknown_kecamatan"  // kecamatan not in the reference data
	CodeRetiredKabKota    = "retired_kabkota"    // kab/kota code no longer in the current edition
	CodeRetiredKecamatan  = "retired_kecamatan"  // kecamatan code no longer in the current edition
	CodeImpossibleDate    = "impossible_date"    // the NIK's day does not exist in its month, in either century
	CodeSexMismatch       = "sex_mismatch"       // the NIK's sex differs from the biodata
	CodeBirthDateMismatch = "birthdate_mismatch" // the NIK's DDMMYY differs from the biodata
)

// Message returns the warning in the given language: "en" gives English,
// anything else Bahasa Indonesia.
func (w Warning) Message(lang string) string {
	if lang == "en" {
		return w.EN
	}
	return w.ID
}

// Check returns the warnings for an NIK that need reference data or the
// calendar: an unknown or retired kab/kota or kecamatan, and a birth date
// that does not exist (31 February; 29 February when neither 19YY nor 20YY
// is a leap year). A nil d means [wilayah.Default].
//
// A code counts as unknown only when d lists the level for its parent: an
// unknown kab/kota is reported only if d has kab/kota for the province, and
// an unknown kecamatan only if d has kecamatan for the kab/kota. Data that
// does not cover a region says nothing about it. When the kab/kota is
// unknown its kecamatan is not reported as well.
func Check(i Info, d *wilayah.Data) []Warning {
	ws := checkRegion(region{i.Provinsi, i.KabKota, i.Kecamatan}, "NIK", d)
	if !dateExists(i) {
		ws = append(ws, Warning{
			Code: CodeImpossibleDate,
			ID:   fmt.Sprintf("Tanggal lahir pada NIK (%02d-%02d) tidak ada di kalender.", i.Day, i.Month),
			EN:   fmt.Sprintf("The birth date in the NIK (%02d-%02d) does not exist in the calendar.", i.Day, i.Month),
		})
	}
	return ws
}

// dateExists reports whether the NIK's day and month exist in 19YY or 20YY.
func dateExists(i Info) bool {
	if i.Month < 1 || i.Month > 12 || i.YY < 0 || i.YY > 99 {
		return false
	}
	return !dateUTC(1900+i.YY, i.Month, i.Day).IsZero() || !dateUTC(2000+i.YY, i.Month, i.Day).IsZero()
}

// checkRegion returns the region warnings for a number's prefix. what names
// the number in messages ("NIK" or "Nomor KK").
func checkRegion(r region, what string, d *wilayah.Data) []Warning {
	if d == nil {
		d = wilayah.Default()
	}
	kab, ok := d.Lookup(r.kabKota)
	if !ok {
		if len(d.Children(r.provinsi)) == 0 {
			return nil
		}
		return []Warning{unknown(CodeUnknownKabKota, "kab/kota", r.kabKota, what)}
	}
	var ws []Warning
	if kab.Pensiun {
		ws = append(ws, retired(CodeRetiredKabKota, "kab/kota", r.kabKota, what))
	}
	kec, ok := d.Lookup(r.kecamatan)
	switch {
	case ok && kec.Pensiun:
		ws = append(ws, retired(CodeRetiredKecamatan, "kecamatan", r.kecamatan, what))
	case !ok && len(d.Children(r.kabKota)) > 0:
		ws = append(ws, unknown(CodeUnknownKecamatan, "kecamatan", r.kecamatan, what))
	}
	return ws
}

func unknown(code, level, kode, what string) Warning {
	return Warning{
		Code: code,
		ID:   fmt.Sprintf("Kode %s %s pada %s tidak ada dalam data wilayah.", level, kode, what),
		EN:   fmt.Sprintf("The %s code %s in the %s is not in the region data.", level, kode, what),
	}
}

func retired(code, level, kode, what string) Warning {
	return Warning{
		Code: code,
		ID:   fmt.Sprintf("Kode %s %s pada %s sudah tidak berlaku (kode lama).", level, kode, what),
		EN:   fmt.Sprintf("The %s code %s in the %s is retired (an old code).", level, kode, what),
	}
}

// CrossCheck compares an NIK with the recorded biodata and returns a warning
// for each disagreement: sex, and the birth date's day, month and last two
// year digits (birth is read in its own location). These are warnings, never
// errors: an NIK is never changed to match the biodata (PP 40/2019 Pasal
// 30(2)). A sex other than [Male] or [Female], or a zero birth, is treated
// as not recorded and not compared.
func CrossCheck(i Info, sex Sex, birth time.Time) []Warning {
	var ws []Warning
	if (sex == Male || sex == Female) && sex != i.Sex {
		ws = append(ws, Warning{
			Code: CodeSexMismatch,
			ID:   fmt.Sprintf("Jenis kelamin pada NIK (%s) berbeda dengan biodata (%s).", sexName(i.Sex, "id"), sexName(sex, "id")),
			EN:   fmt.Sprintf("The sex in the NIK (%s) differs from the biodata (%s).", sexName(i.Sex, "en"), sexName(sex, "en")),
		})
	}
	if birth.IsZero() {
		return ws
	}
	if id, en := dateDiff(i, birth); id != nil {
		ws = append(ws, Warning{
			Code: CodeBirthDateMismatch,
			ID:   "Tanggal lahir pada NIK berbeda dengan biodata (beda: " + strings.Join(id, ", ") + "). NIK tidak diubah; periksa biodata.",
			EN:   "The birth date in the NIK differs from the biodata (differs in: " + strings.Join(en, ", ") + "). The NIK is never changed; check the biodata.",
		})
	}
	return ws
}

// dateDiff names, in Indonesian and English, the parts of birth that differ
// from the NIK's DDMMYY.
func dateDiff(i Info, birth time.Time) (id, en []string) {
	y, m, d := birth.Date()
	if d != i.Day {
		id, en = append(id, "tanggal"), append(en, "day")
	}
	if int(m) != i.Month {
		id, en = append(id, "bulan"), append(en, "month")
	}
	if mod(y, 100) != i.YY {
		id, en = append(id, "tahun"), append(en, "year")
	}
	return id, en
}

// sexName names a sex in Bahasa Indonesia, or in English for lang "en".
func sexName(s Sex, lang string) string {
	switch {
	case s == Male && lang == "en":
		return "male"
	case s == Male:
		return "laki-laki"
	case s == Female && lang == "en":
		return "female"
	case s == Female:
		return "perempuan"
	}
	return "?"
}
