package storetest

import (
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/store"
)

// testPermohonan: a request, its steps in order, the open list, and the
// errors of an unknown number, a number used twice and an unknown resident.
func testPermohonan(t *testing.T, st store.Store) {
	_, kota, _ := offices(t, st)
	head := family(t, st, kkN(1), nikN(1))
	p := store.Permohonan{Nomor: "PMH-TEST-0001", NIK: head.NIK, Jenis: store.KartuHilang, KantorKode: kota,
		State: store.Diajukan, BatasAt: T0.Add(7 * 24 * time.Hour)}
	must(t, st.CreatePermohonan(ctx, &p, "rina"))
	dup := p
	wantErr(t, "a number used twice", st.CreatePermohonan(ctx, &dup, "rina"), store.ErrConflict)
	stranger := p
	stranger.Nomor, stranger.NIK = "PMH-TEST-0002", nikN(99)
	wantErr(t, "an unknown resident", st.CreatePermohonan(ctx, &stranger, "rina"), store.ErrMissingReference)
	got, err := st.UpdatePermohonan(ctx, p.Nomor, func(q *store.Permohonan, l *store.LangkahPermohonan) error {
		q.State, q.Pilihan, q.NIK = store.SelesaiP, store.PilihIKD, "ignored"
		l.Petugas, l.Catatan = "sari", "memilih IKD"
		return nil
	})
	must(t, err)
	if got.State != store.SelesaiP || got.Pilihan != store.PilihIKD || got.NIK != head.NIK || !got.BatasAt.Equal(p.BatasAt) {
		t.Errorf("updated %+v", got)
	}
	_, err = st.UpdatePermohonan(ctx, "PMH-NONE", func(*store.Permohonan, *store.LangkahPermohonan) error { return nil })
	wantErr(t, "an unknown number", err, store.ErrNotFound)
	steps, err := st.LangkahPermohonan(ctx, p.Nomor)
	must(t, err)
	if len(steps) != 2 || steps[0].State != store.Diajukan || steps[0].Petugas != "rina" || steps[1].State != store.SelesaiP || steps[1].Petugas != "sari" || steps[1].Catatan != "memilih IKD" {
		t.Errorf("steps %+v", steps)
	}
	saved, err := st.CountIKD(ctx, T0.Add(-time.Hour))
	must(t, err)
	if saved[kota] != 1 {
		t.Errorf("replacements served by IKD: %v, want 1 at %s", saved, kota)
	}
	second := store.Permohonan{Nomor: "PMH-TEST-0003", NIK: head.NIK, Jenis: store.Pemula, KantorKode: kota, State: store.Diajukan, BatasAt: T0}
	must(t, st.CreatePermohonan(ctx, &second, "rina"))
	open, err := st.ListPermohonan(ctx, kota, true, 10)
	must(t, err)
	all, err := st.ListPermohonan(ctx, kota, false, 10)
	must(t, err)
	if len(open) != 1 || open[0].Nomor != second.Nomor || len(all) != 2 {
		t.Errorf("open %v, all %v", open, all)
	}
	// The dashboard's open requests: the second (deadline T0) is open, and
	// late an hour later; the first is done.
	rekap, err := st.RekapPermohonan(ctx, T0.Add(-time.Hour))
	must(t, err)
	if len(rekap) != 1 || rekap[kota] != (store.RekapPermohonan{Terbuka: 1}) {
		t.Errorf("open requests before the deadline: %+v", rekap)
	}
	rekap, err = st.RekapPermohonan(ctx, T0.Add(time.Hour))
	must(t, err)
	if rekap[kota] != (store.RekapPermohonan{Terbuka: 1, Terlambat: 1}) {
		t.Errorf("open requests after the deadline: %+v", rekap)
	}
	mine, err := st.ListPermohonanNIK(ctx, head.NIK, 10)
	must(t, err)
	if len(mine) != 2 || mine[0].NIK != head.NIK || mine[1].NIK != head.NIK { // the suite's clock stands still: both are as new
		t.Errorf("the resident's requests: %v", mine)
	}
}
