// Package penduduk holds the rules about residents that do not depend on
// where they are stored: who must hold a KTP (wajib KTP), a resident's age,
// and whether a family card is consistent.
package penduduk

import (
	"time"

	"github.com/ikd-project/ikd/internal/store"
)

// UsiaWajibKTP is the age from which a citizen must hold a KTP
// (UU 24/2013 Pasal 63(1)).
const UsiaWajibKTP = 17

// Age returns the age in whole years on the date at.
func Age(birth, at time.Time) int {
	birth, at = birth.UTC(), at.UTC()
	age := at.Year() - birth.Year()
	if at.Month() < birth.Month() || (at.Month() == birth.Month() && at.Day() < birth.Day()) {
		age--
	}
	return age
}

// EverMarried reports whether a marital status means married now or before.
func EverMarried(s store.StatusKawin) bool { return s != store.BelumKawin }

// WajibKTP reports whether p must hold a KTP on the date at: aged 17 or
// more, or married or previously married. The store's StatistikWilayah
// counts with the same rule in SQL.
func WajibKTP(p *store.Penduduk, at time.Time) bool {
	return Age(p.TanggalLahir, at) >= UsiaWajibKTP || EverMarried(p.StatusKawin)
}

// Terekam reports whether p's e-KTP biometrics have been recorded.
func Terekam(p *store.Penduduk) bool { return !p.TanggalPerekaman.IsZero() }
