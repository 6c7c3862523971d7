package dasbor

import (
	"testing"

	"github.com/ikd-project/ikd/internal/store"
)

// TestSumWajibByYearEnd: who must hold a KTP by the end of 2026 is
// everyone born in 2009 or before, and the married younger ones; the
// recorded count follows the same split; the year moves the line.
func TestSumWajibByYearEnd(t *testing.T) {
	rows := []store.StatPenduduk{
		{Kode: "17.71", Lahir: store.LahirAwal, Penduduk: 100, Kawin: 60, Rekam: 90, RekamKawin: 55},
		{Kode: "17.71", Lahir: 2009, Penduduk: 10, Kawin: 1, Rekam: 4, RekamKawin: 1}, // 17 during 2026
		{Kode: "17.71", Lahir: 2010, Penduduk: 12, Kawin: 2, Rekam: 3, RekamKawin: 1}, // 16: only the married
		{Kode: "17.01", Lahir: 2020, Penduduk: 5},
	}
	got := sum(rows, 2026)
	if want := (counts{penduduk: 122, wajib: 112, terekam: 95}); got["17.71"] != want {
		t.Errorf("17.71 in 2026: %+v, want %+v", got["17.71"], want)
	}
	if want := (counts{penduduk: 5}); got["17.01"] != want {
		t.Errorf("17.01 in 2026: %+v, want %+v", got["17.01"], want)
	}
	if got := sum(rows, 2027)["17.71"]; got.wajib != 122 || got.terekam != 97 {
		t.Errorf("17.71 in 2027: %+v, want wajib 122, terekam 97", got)
	}
}
