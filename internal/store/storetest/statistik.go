package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/store"
)

var statistikTests = []struct {
	name string
	fn   func(t *testing.T, st store.Store)
}{
	{"StatistikPenduduk", testStatistikPenduduk},
	{"StatistikAktivasi", testStatistikAktivasi},
}

// testStatistikPenduduk: the resident aggregates follow every way
// residents are written (created, loaded in bulk, loaded again with
// changes, edited, dying), at desa, kecamatan and kab/kota, by birth
// year, and equal a count of the rows themselves.
func testStatistikPenduduk(t *testing.T, st store.Store) {
	b := batch(12, T0)
	for i := range b.Penduduk {
		p := &b.Penduduk[i]
		p.TanggalLahir = day(1995+i, 3, 1) // 1995..2006: the early years fold into 2000
		if i%3 == 0 {
			p.StatusKawin = store.BelumKawin
		}
		if i%2 == 0 {
			p.TanggalPerekaman = time.Time{}
		}
		if i >= 8 {
			p.DesaKode = "17.71.02.1003"
		}
	}
	_, err := load(t, st, b)
	must(t, err)
	check(t, st, "after the first load")

	// The same batch again, with changes: a move, a recording, a death.
	b.Penduduk[1].DesaKode = "17.01.01.2001"
	b.Penduduk[2].TanggalPerekaman = day(2024, 1, 5)
	b.Penduduk[3].StatusNIK = store.NIKMati
	b.At = T0.Add(time.Hour)
	_, err = load(t, st, b)
	must(t, err)
	check(t, st, "after a load with changes")

	// An officer's edit and a new resident.
	_, err = st.UpdatePenduduk(ctx, nikN(5), func(p *store.Penduduk) error {
		p.StatusKawin, p.DesaKode = store.Kawin, "17.71.02.1003"
		return nil
	})
	must(t, err)
	p := resident(nikN(40), kkN(0), store.Anak)
	must(t, st.CreatePenduduk(ctx, &p))
	check(t, st, "after an edit and a new resident")
}

// check compares the aggregates with a count of the residents.
func check(t *testing.T, st store.Store, when string) {
	t.Helper()
	want := map[string]store.StatPenduduk{}
	var all []store.Penduduk
	for after := ""; ; {
		page, err := st.ListPenduduk(ctx, store.PendudukFilter{WilayahKode: "17", AfterNIK: after, Limit: 1000})
		must(t, err)
		if len(page) == 0 {
			break
		}
		all, after = append(all, page...), page[len(page)-1].NIK
	}
	for _, p := range all {
		if p.StatusNIK == store.NIKMati {
			continue
		}
		lahir := max(p.TanggalLahir.Year(), store.LahirAwal)
		kawin, rekam := b2i(p.StatusKawin != store.BelumKawin), b2i(!p.TanggalPerekaman.IsZero())
		for _, k := range []string{p.DesaKode, p.DesaKode[:8], p.DesaKode[:5]} {
			key := fmt.Sprint(k, "/", lahir)
			s := want[key]
			s.Kode, s.Lahir = k, lahir
			s.Penduduk++
			s.Kawin += kawin
			s.Rekam += rekam
			s.RekamKawin += kawin * rekam
			want[key] = s
		}
	}
	got := map[string]store.StatPenduduk{}
	for _, area := range []string{"17", "17.71", "17.71.01", "17.71.02", "17.01", "17.01.01", "17.71.01.1001", "17.71.02.1003"} {
		rows, err := st.StatistikPenduduk(ctx, area)
		must(t, err)
		for _, r := range rows {
			if r != (store.StatPenduduk{Kode: r.Kode, Lahir: r.Lahir}) { // rows that count nobody may stay
				got[fmt.Sprint(r.Kode, "/", r.Lahir)] = r
			}
		}
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %s = %+v, want %+v", when, k, got[k], w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: %s = %+v, counts residents that are not there", when, k, g)
		}
	}
	if len(want) == 0 {
		t.Fatalf("%s: no residents", when)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// testStatistikAktivasi: a finished activation counts once, in its WIB
// week, toward the resident's desa, kecamatan, kab/kota and province and
// the office that did it; an offer does not count.
func testStatistikAktivasi(t *testing.T, st store.Store) {
	a := activated(t, st)
	rows, err := st.StatistikAktivasi(ctx, "17", store.Minggu(T0), store.Minggu(T0).AddDate(0, 0, 7))
	must(t, err)
	if len(rows) != 0 {
		t.Errorf("an offer counted: %+v", rows)
	}
	for range 2 { // a second update of a finished one does not count again
		_, err = st.UpdateAktivasi(ctx, a.ID, func(x *store.Aktivasi) error { x.State = store.Selesai; return nil })
		must(t, err)
	}
	week := store.Minggu(T0)
	if week != day(2026, 11, 23) {
		t.Fatalf("Minggu(%v) = %v, want Monday 2026-11-23", T0, week)
	}
	for _, c := range []struct {
		induk string
		want  []store.StatAktivasi
	}{
		{"17", []store.StatAktivasi{{Kode: "17", Total: 1, Recent: 1}, {Kode: "17.71", Total: 1, Recent: 1}}},
		{"17.71", []store.StatAktivasi{{Kode: "17.71", Total: 1, Recent: 1}, {Kode: "17.71.01", Total: 1, Recent: 1}}},
		{"17.71.01", []store.StatAktivasi{{Kode: "17.71.01", Total: 1, Recent: 1}, {Kode: "17.71.01.1001", Total: 1, Recent: 1}}},
		{"17.71.01.1001", []store.StatAktivasi{{Kode: "17.71.01.1001", Total: 1, Recent: 1}}},
		{"17.01", nil},
	} {
		rows, err := st.StatistikAktivasi(ctx, c.induk, week, week.AddDate(0, 0, 7))
		must(t, err)
		if fmt.Sprint(rows) != fmt.Sprint(c.want) {
			t.Errorf("StatistikAktivasi(%s) = %+v, want %+v", c.induk, rows, c.want)
		}
	}
	if rows, _ := st.StatistikAktivasi(ctx, "17", week.AddDate(0, 0, -28), week); len(rows) != 2 || rows[0].Total != 1 || rows[0].Recent != 0 {
		t.Errorf("the four weeks before it: %+v", rows)
	}
	weeks, err := st.AktivasiMingguan(ctx, "17.71", week.AddDate(0, 0, -28))
	must(t, err)
	if len(weeks) != 1 || !weeks[0].Minggu.Equal(week) || weeks[0].Jumlah != 1 {
		t.Errorf("AktivasiMingguan = %+v", weeks)
	}
	offices, err := st.StatistikAktivasiKantor(ctx, week, week.AddDate(0, 0, 7))
	must(t, err)
	if fmt.Sprint(offices) != fmt.Sprint([]store.StatAktivasi{{Kode: "DISDUKCAPIL-17.71", Total: 1, Recent: 1}}) {
		t.Errorf("StatistikAktivasiKantor = %+v", offices)
	}
	if _, err := st.StatistikPenduduk(ctx, "bukan"); err == nil {
		t.Error("a malformed area code was accepted")
	}
}
