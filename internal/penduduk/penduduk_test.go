package penduduk

import (
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/store"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestAge(t *testing.T) {
	birth := date(2009, 11, 24)
	for _, c := range []struct {
		at   time.Time
		want int
	}{
		{date(2026, 11, 23), 16},
		{date(2026, 11, 24), 17},
		{date(2026, 12, 1), 17},
		{date(2027, 1, 1), 17},
	} {
		if got := Age(birth, c.at); got != c.want {
			t.Errorf("Age(%s, %s) = %d, want %d", birth.Format(time.DateOnly), c.at.Format(time.DateOnly), got, c.want)
		}
	}
	// Born on 29 February: 17 on 1 March of a non-leap year.
	if got := Age(date(2008, 2, 29), date(2025, 2, 28)); got != 16 {
		t.Errorf("leap-day birth on 28 Feb: %d, want 16", got)
	}
	if got := Age(date(2008, 2, 29), date(2025, 3, 1)); got != 17 {
		t.Errorf("leap-day birth on 1 Mar: %d, want 17", got)
	}
}

func TestWajibKTP(t *testing.T) {
	at := date(2026, 11, 23)
	for _, c := range []struct {
		name  string
		birth time.Time
		kawin store.StatusKawin
		want  bool
	}{
		{"16, single", date(2010, 1, 1), store.BelumKawin, false},
		{"17 today", date(2009, 11, 23), store.BelumKawin, true},
		{"17 tomorrow", date(2009, 11, 24), store.BelumKawin, false},
		{"16, married", date(2010, 1, 1), store.Kawin, true},
		{"16, divorced", date(2010, 1, 1), store.CeraiHidup, true},
		{"40, widowed", date(1986, 1, 1), store.CeraiMati, true},
	} {
		p := &store.Penduduk{TanggalLahir: c.birth, StatusKawin: c.kawin}
		if got := WajibKTP(p, at); got != c.want {
			t.Errorf("%s: WajibKTP = %v, want %v", c.name, got, c.want)
		}
	}
}
