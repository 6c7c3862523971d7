package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/nik"
)

// Funcs are the template functions every page has.
var Funcs = template.FuncMap{
	"t":     T,
	"num":   Number,
	"pct":   Percent,
	"date":  Date,
	"clock": Clock,
	"int64": func(n int) int64 { return int64(n) },
	"list":  func(s ...string) []string { return s },
	"list2": func(a, b any) []any { return []any{a, b} }, // two values for a template
	"mask":  nik.Mask,                                    // a NIK or KK number in a list: 1771********0001
}

// Number writes n with thousands separators: points in Bahasa Indonesia
// (1.234.567), commas in English (1,234,567).
func Number(lang string, n int64) string {
	if n < 0 {
		return "-" + Number(lang, -n)
	}
	sep := "."
	if lang == "en" {
		sep = ","
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return s
}

// Percent writes a/b as a percentage with one decimal, with a decimal
// comma in Bahasa Indonesia ("96,5%") and a point in English; "–" when b
// is 0.
func Percent(lang string, a, b int) string {
	if b == 0 {
		return "–"
	}
	s := fmt.Sprintf("%.1f%%", 100*float64(a)/float64(b))
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Decimal writes v with places decimals and the language's separators:
// 1.234,5 in Bahasa Indonesia, 1,234.5 in English.
func Decimal(lang string, v float64, places int) string {
	whole := int64(v)
	s := Number(lang, whole)
	if places == 0 {
		return Number(lang, int64(math.Round(v)))
	}
	frac := fmt.Sprintf("%.*f", places, v-float64(whole))
	if len(frac) > 2 && frac[0] == '1' { // rounding carried into the whole part
		return Decimal(lang, float64(whole+1), places)
	}
	sep := ","
	if lang == "en" {
		sep = "."
	}
	return s + sep + frac[len(frac)-places:]
}

var bulan = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
	"September", "Oktober", "November", "Desember"}

// Date writes a date as officers read it: "5 Desember 2026" in Bahasa
// Indonesia, "5 December 2026" in English; "–" for the zero time.
func Date(lang string, t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	if lang == "en" {
		return t.Format("2 January 2006")
	}
	return fmt.Sprintf("%d %s %d", t.Day(), bulan[t.Month()-1], t.Year())
}

// wib is Western Indonesia Time, Bengkulu's zone.
var wib = time.FixedZone("WIB", 7*3600)

// Clock writes the time of day in WIB as Indonesians write it: "20.50 WIB".
func Clock(t time.Time) string { return t.In(wib).Format("15.04") + " WIB" }

// Share writes a share (0.3) as a percentage with at most one decimal
// ("30%", "27,5%").
func Share(lang string, share float64) string {
	v := math.Round(1000*share) / 10 // one decimal
	if v == math.Round(v) {
		return Decimal(lang, v, 0) + "%"
	}
	return Decimal(lang, v, 1) + "%"
}
