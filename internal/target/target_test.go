package target_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/target"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// TestReport: activations count toward the home kab/kota; the target is
// 30% of the base in 2026; the pace of the last four full weeks projects
// it.
func TestReport(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		if _, err := kantor.Seed(ctx, st); err != nil {
			t.Fatal(err)
		}
		day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
		b := &store.Batch{Keluarga: []store.KartuKeluarga{{NoKK: "1771010101150001", KepalaNIK: "1771015708900001", Alamat: "JL", RT: "001", RW: "001",
			DesaKode: "17.71.01.1001", TanggalTerbit: day(2015, 1, 1)}}}
		for i := range 8 {
			n := fmt.Sprintf("17710157089%05d", i+1)
			h := store.Anak
			if i == 0 {
				h = store.KepalaKeluarga
			}
			b.Penduduk = append(b.Penduduk, store.Penduduk{NIK: n, NoKK: "1771010101150001", Hubungan: h, Nama: "W", TempatLahir: "B",
				TanggalLahir: day(1990, 8, 17), JenisKelamin: store.Perempuan, GolonganDarah: "O", Agama: "ISLAM", StatusKawin: store.Kawin,
				Pekerjaan: "GURU", Kewarganegaraan: "WNI", Alamat: "JL", RT: "001", RW: "001", DesaKode: "17.71.01.1001", StatusNIK: store.NIKAktif})
		}
		b.Keluarga[0].KepalaNIK = b.Penduduk[0].NIK
		if err := st.InTx(ctx, func(tx store.Tx) error { _, err := tx.LoadBatch(ctx, b); return err }); err != nil {
			t.Fatal(err)
		}
		for i, p := range b.Penduduk { // 8 activations of Kota Bengkulu residents, done at the MPP
			a := store.Aktivasi{ID: fmt.Sprint("a", i), NIK: p.NIK, KabKotaKode: "17.71", KantorKode: "MPP-17.71", Petugas: "x",
				CodeHash: fmt.Sprint("c", i), TxCodeHash: "t", State: store.Ditawarkan, ExpiresAt: time.Now().Add(time.Hour)}
			if err := st.CreateAktivasi(ctx, &a); err != nil {
				t.Fatal(err)
			}
			if _, err := st.UpdateAktivasi(ctx, a.ID, func(x *store.Aktivasi) error { x.State = store.Selesai; return nil }); err != nil {
				t.Fatal(err)
			}
		}
		// A week on, the activations are in the last full week: the pace.
		now := time.Now().UTC().AddDate(0, 0, 7)
		rep, err := target.Of(ctx, st, now)
		if err != nil {
			t.Fatal(err)
		}
		kota, _ := wilayah.Default().Lookup("17.71")
		var got target.Line
		for _, l := range rep.Lines[target.WajibKTP] {
			if l.Kode == "17.71" {
				got = l
			}
		}
		want := int(math.Ceil(0.30 * float64(kota.WajibKTP2024)))
		if rep.Share != 0.30 || got.Nilai != kota.WajibKTP2024 || got.Sasaran != want || got.Capai != 8 || got.PerMinggu != 2 || !got.Kurang() {
			t.Errorf("Kota Bengkulu: %+v, want target %d of %d, 8 reached, 2 a week, short", got, want, kota.WajibKTP2024)
		}
		prov := rep.Lines[target.Penduduk][len(rep.Lines[target.Penduduk])-1]
		if prov.Kode != "17" || prov.Capai != 8 || prov.Nilai < 2_000_000 {
			t.Errorf("province line %+v", prov)
		}
		for _, l := range rep.Lines[target.WajibKTP] {
			if l.Kode == "17.01" && !l.NoData() { // Bengkulu Selatan: no official figure
				t.Errorf("Bengkulu Selatan has a wajib KTP figure now: %+v; update the test", l)
			}
		}
		if target.Share(2023) != 0.25 || target.Share(2024) != 0.30 {
			t.Error("the default shares")
		}
	})
}

// TestSharesFor: an area takes its own share, else its nearest area
// above's, else the year's default; Aim rounds the target up.
func TestSharesFor(t *testing.T) {
	s := target.Shares{Tahun: 2026, Default: 0.30, Set: map[string]store.Target{
		"17.71":    {WilayahKode: "17.71", Persen: 35, Sumber: "SK 1"},
		"17.71.01": {WilayahKode: "17.71.01", Persen: 40, Sumber: "SK 2"},
	}}
	for kode, want := range map[string]struct {
		share  float64
		sumber string
	}{"17.71.01.1001": {0.40, "SK 2"}, "17.71.01": {0.40, "SK 2"}, "17.71.02": {0.35, "SK 1"}, "17.71": {0.35, "SK 1"}, "17.01": {0.30, ""}, "17": {0.30, ""}} {
		if got, by := s.For(kode); math.Abs(got-want.share) > 1e-12 || by.Sumber != want.sumber {
			t.Errorf("For(%s) = %v (%q), want %v (%q)", kode, got, by.Sumber, want.share, want.sumber)
		}
	}
	if l := target.Aim(target.Line{Kode: "17.71", Nilai: 280158}, s); l.Sasaran != 98056 || l.Sumber != "SK 1" {
		t.Errorf("Aim: %+v, want 98,056 by SK 1", l)
	}
}
