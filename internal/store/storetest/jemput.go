package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/store"
)

// jemputTests covers enrollment drives.
var jemputTests = []struct {
	name string
	fn   func(t *testing.T, st store.Store)
}{
	{"Jemput", testJemput},
}

// testJemput: a drive with its officers, the list by office, a roster
// added all or nothing, check-ins once, and the figures: activated means
// a finished activation in the drive's window by one of its officers or at
// its office.
func testJemput(t *testing.T, st store.Store) {
	prov, kota, _ := offices(t, st)
	for i := 1; i <= 4; i++ {
		family(t, st, kkN(i), nikN(i))
	}
	j := store.Jemput{Nama: "Aktivasi IKD Wartawan", Sasaran: store.SasaranWartawan, Tempat: "Kantor PWI", KantorKode: kota,
		MulaiAt: T0.Add(-time.Hour), SelesaiAt: T0.Add(6 * time.Hour), HitungSampai: T0.Add(12 * time.Hour), Jam: 7,
		Petugas: []string{"sari", "rina", "sari"}, DibuatOleh: "rina"}
	must(t, st.CreateJemput(ctx, &j))
	old := store.Jemput{Nama: "OPD", Sasaran: store.SasaranOPDKabKota, Tempat: "Balai Kota", KantorKode: kota,
		MulaiAt: T0.Add(-48 * time.Hour), SelesaiAt: T0.Add(-42 * time.Hour), HitungSampai: T0.Add(-36 * time.Hour), Jam: 6,
		Petugas: []string{"rina"}, DibuatOleh: "rina"}
	must(t, st.CreateJemput(ctx, &old))
	other := store.Jemput{Nama: "Desa", Sasaran: store.SasaranDesa, Tempat: "Balai Desa", KantorKode: prov,
		MulaiAt: T0, SelesaiAt: T0.Add(time.Hour), HitungSampai: T0.Add(time.Hour), Jam: 1, DibuatOleh: "budi"}
	must(t, st.CreateJemput(ctx, &other))
	bad := other
	bad.SelesaiAt = bad.MulaiAt.Add(-time.Hour)
	if err := st.CreateJemput(ctx, &bad); err == nil {
		t.Error("a drive ending before it starts was stored")
	}
	got, err := st.GetJemput(ctx, j.ID)
	must(t, err)
	if got.Nama != j.Nama || !got.MulaiAt.Equal(j.MulaiAt) || !isUTC(got.MulaiAt) || got.Jam != 7 || !slices.Equal(got.Petugas, []string{"rina", "sari"}) {
		t.Errorf("GetJemput = %+v", got)
	}
	_, err = st.GetJemput(ctx, 999999)
	wantErr(t, "an unknown drive", err, store.ErrNotFound)
	mine, err := st.ListJemput(ctx, []string{kota}, 10)
	must(t, err)
	if len(mine) != 2 || mine[0].ID != j.ID || mine[1].ID != old.ID || !slices.Equal(mine[0].Petugas, []string{"rina", "sari"}) {
		t.Errorf("ListJemput(kota) = %+v", mine)
	}
	every, err := st.ListJemput(ctx, nil, 10)
	must(t, err)
	if len(every) != 3 || every[0].ID != other.ID {
		t.Errorf("ListJemput(all) = %+v", every)
	}

	var roster []store.PesertaJemput
	for i := 1; i <= 3; i++ {
		roster = append(roster, store.PesertaJemput{JemputID: j.ID, NIK: nikN(i), Baris: i + 1})
	}
	must(t, st.AddPeserta(ctx, roster))
	wantErr(t, "a resident on the roster twice", st.AddPeserta(ctx, []store.PesertaJemput{{JemputID: j.ID, NIK: nikN(4), Baris: 2}, {JemputID: j.ID, NIK: nikN(1), Baris: 3}}), store.ErrConflict)
	wantErr(t, "an unknown resident", st.AddPeserta(ctx, []store.PesertaJemput{{JemputID: j.ID, NIK: nikN(99)}}), store.ErrMissingReference)
	must(t, st.AddPeserta(ctx, []store.PesertaJemput{{JemputID: old.ID, NIK: nikN(1), Baris: 2}}))

	p, err := st.HadirPeserta(ctx, j.ID, nikN(1), T0, "sari")
	must(t, err)
	if !p.HadirAt.Equal(T0) || p.HadirOleh != "sari" || p.Nama != "SITI AMINAH" {
		t.Errorf("checked in %+v", p)
	}
	_, err = st.HadirPeserta(ctx, j.ID, nikN(1), T0, "sari")
	wantErr(t, "a second check-in", err, store.ErrConflict)
	_, err = st.HadirPeserta(ctx, j.ID, nikN(4), T0, "sari")
	wantErr(t, "a check-in off the roster", err, store.ErrNotFound)

	activate := func(n int, kantor, petugas string, state store.StateAktivasi) {
		t.Helper()
		a := store.Aktivasi{ID: fmt.Sprintf("akt-j-%d-%s", n, petugas), NIK: nikN(n), KabKotaKode: "17.71", KantorKode: kantor, Petugas: petugas,
			CodeHash: fmt.Sprintf("code-j-%d-%s", n, petugas), TxCodeHash: "tx", State: store.Ditawarkan, ExpiresAt: T0.Add(10 * time.Minute)}
		must(t, st.CreateAktivasi(ctx, &a))
		_, err := st.UpdateAktivasi(ctx, a.ID, func(a *store.Aktivasi) error { a.State = state; return nil })
		must(t, err)
	}
	activate(1, prov, "sari", store.Selesai)    // one of the drive's officers, elsewhere: counts
	activate(2, kota, "tono", store.Selesai)    // at the drive's office: counts
	activate(3, prov, "budi", store.Selesai)    // neither: does not count
	activate(3, kota, "rina", store.Ditawarkan) // not finished: does not count
	activate(4, kota, "rina", store.Selesai)    // not on the roster
	rekap, err := st.RekapJemput(ctx, []int64{j.ID, old.ID, other.ID})
	must(t, err)
	if r := rekap[j.ID]; r != (store.RekapJemput{Peserta: 3, Hadir: 1, Aktif: 2}) {
		t.Errorf("figures of the drive: %+v, want 3 on the roster, 1 checked in, 2 activated", r)
	}
	if r := rekap[old.ID]; r != (store.RekapJemput{Peserta: 1}) {
		t.Errorf("figures of the earlier drive: %+v, want 1 on the roster and no activation (it came after the window)", r)
	}
	if _, ok := rekap[other.ID]; ok {
		t.Error("a drive with no roster has figures")
	}
	list, err := st.ListPeserta(ctx, j.ID)
	must(t, err)
	if len(list) != 3 || list[0].NIK != nikN(1) || !list[0].Aktif || list[0].HadirAt.IsZero() || !list[1].Aktif || list[2].Aktif ||
		list[1].Baris != 3 || !list[2].HadirAt.IsZero() {
		t.Errorf("roster %+v", list)
	}
}
