package ktpel

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/store"
)

func TestMoves(t *testing.T) {
	all := []store.StatusKTPel{store.Dicetak, store.Diserahkan, store.Hilang, store.Rusak, store.Diganti}
	allowed := map[[2]store.StatusKTPel]bool{
		{store.Dicetak, store.Diserahkan}: true, {store.Dicetak, store.Rusak}: true,
		{store.Diserahkan, store.Hilang}: true, {store.Diserahkan, store.Rusak}: true,
		{store.Hilang, store.Diganti}: true, {store.Rusak, store.Diganti}: true,
	}
	for _, from := range all {
		for _, to := range all {
			if got := CanMove(from, to); got != allowed[[2]store.StatusKTPel{from, to}] {
				t.Errorf("CanMove(%s, %s) = %v", from, to, got)
			}
		}
	}
}

// TestMoveThroughStore runs the lifecycle of a lost card through a real
// store, as the officer's service will.
func TestMoveThroughStore(t *testing.T) {
	st := ikdtest.NewStore(t)
	ctx := context.Background()
	kk := store.KartuKeluarga{NoKK: "1771010101150001", KepalaNIK: "1771015708900001", DesaKode: "17.71.01.1001"}
	p := store.Penduduk{NIK: "1771015708900001", NoKK: kk.NoKK, Hubungan: store.KepalaKeluarga, Nama: "SITI", TanggalLahir: time.Date(1990, 8, 17, 0, 0, 0, 0, time.UTC),
		JenisKelamin: store.Perempuan, StatusKawin: store.Kawin, StatusNIK: store.NIKAktif, DesaKode: "17.71.01.1001"}
	office := store.Kantor{Kode: "DISDUKCAPIL-17.71", Nama: "Dinas", Jenis: store.DinasKabKota, WilayahKode: "17.71"}
	for _, err := range []error{st.CreateKK(ctx, &kk), st.CreatePenduduk(ctx, &p), st.CreateKantor(ctx, &office)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	c := store.KTPel{NIK: p.NIK, BlangkoSerial: "BLK2015177101000001", Status: store.Dicetak, KantorKode: office.Kode}
	if err := st.CreateKTPel(ctx, &c); err != nil {
		t.Fatal(err)
	}
	for _, to := range []store.StatusKTPel{store.Diserahkan, store.Hilang, store.Diganti} {
		if _, err := st.UpdateKTPel(ctx, c.ID, func(c *store.KTPel) error { return Move(c, to) }); err != nil {
			t.Fatalf("move to %s: %v", to, err)
		}
	}
	_, err := st.UpdateKTPel(ctx, c.ID, func(c *store.KTPel) error { return Move(c, store.Diserahkan) })
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != errs.Invalid || e.ID != "status kartu tidak dapat diubah dari DIGANTI ke DISERAHKAN" {
		t.Errorf("replaced card handed over again: %v", err)
	}
	got, _ := st.GetKTPel(ctx, c.ID)
	if got.Status != store.Diganti {
		t.Errorf("card is %s after a refused move, want DIGANTI", got.Status)
	}
}
