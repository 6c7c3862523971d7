package permohonan_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/blangko"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/permohonan"
	"github.com/ikd-project/ikd/internal/store"
)

var ctx = context.Background()

const (
	adult   = "1771015708900001"
	pemula  = "1771015004090002"
	outside = "1701011708850001"
	kota    = "DISDUKCAPIL-17.71"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func setup(t *testing.T, st store.Store) *permohonan.Service {
	t.Helper()
	if _, err := kantor.Seed(ctx, st); err != nil {
		t.Fatal(err)
	}
	person := func(n, kk, desa string, born time.Time, h store.Hubungan) store.Penduduk {
		return store.Penduduk{NIK: n, NoKK: kk, Hubungan: h, Nama: "WARGA " + n[12:], TempatLahir: "BENGKULU", TanggalLahir: born,
			JenisKelamin: store.Perempuan, GolonganDarah: "O", Agama: "ISLAM", StatusKawin: store.BelumKawin, Pekerjaan: "PELAJAR/MAHASISWA",
			Kewarganegaraan: "WNI", Alamat: "JL. MERDEKA", RT: "001", RW: "001", DesaKode: desa, StatusNIK: store.NIKAktif}
	}
	b := &store.Batch{
		Keluarga: []store.KartuKeluarga{
			{NoKK: "1771010101150001", KepalaNIK: adult, Alamat: "JL. MERDEKA", RT: "001", RW: "001", DesaKode: "17.71.01.1001", TanggalTerbit: day(2015, 1, 1)},
			{NoKK: "1701010101150001", KepalaNIK: outside, Alamat: "JL. A", RT: "001", RW: "001", DesaKode: "17.01.01.2001", TanggalTerbit: day(2015, 1, 1)}},
		Penduduk: []store.Penduduk{
			person(adult, "1771010101150001", "17.71.01.1001", day(1990, 8, 17), store.KepalaKeluarga),
			person(pemula, "1771010101150001", "17.71.01.1001", day(2009, 4, 10), store.Anak),
			person(outside, "1701010101150001", "17.01.01.2001", day(1985, 8, 17), store.KepalaKeluarga)},
	}
	if err := st.InTx(ctx, func(tx store.Tx) error { _, err := tx.LoadBatch(ctx, b); return err }); err != nil {
		t.Fatal(err)
	}
	log, err := audit.New([]byte(strings.Repeat("k", 32)), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &permohonan.Service{Store: st, Audit: log, Stock: &blangko.Service{Store: st, Audit: log}}
}

var operator = store.Petugas{Username: "rina", KantorKode: kota, Peran: store.PeranOperator}

func saldo(t *testing.T, st store.Store) int {
	t.Helper()
	var n int
	err := st.InTx(ctx, func(tx store.Tx) error { var err error; n, err = blangko.Available(ctx, tx, kota); return err })
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func wantMsg(t *testing.T, what string, err error, want string) {
	t.Helper()
	if err == nil || !strings.Contains(errs.Message(err, "id", err.Error()), want) {
		t.Errorf("%s: %v, want a refusal saying %q", what, err, want)
	}
}

// TestReplacementIKDFirst: a lost card is served by the digital ID unless
// the resident declines it with a reason; then it uses one blank card.
func TestReplacementIKDFirst(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		s := setup(t, st)
		if err := st.ApplyMutasi(ctx, &store.BlangkoMutasi{Jenis: store.Koreksi, Ke: kota, Jumlah: 5, Alasan: "opname", Petugas: "t"}); err != nil {
			t.Fatal(err)
		}
		go1 := func(nomor string, l permohonan.Langkah) (store.Permohonan, error) {
			return s.Advance(ctx, operator, nomor, l)
		}
		pm, err := s.Submit(ctx, operator, adult, store.KartuHilang)
		if d := pm.BatasAt.Sub(pm.CreatedAt); err != nil || pm.State != store.Diajukan || !strings.HasPrefix(pm.Nomor, "PMH-") || d < 7*24*time.Hour-time.Second || d > 7*24*time.Hour+time.Second {
			t.Fatalf("submit: %+v %v", pm, err)
		}
		if _, err := go1(pm.Nomor, permohonan.Langkah{Ke: store.Diperiksa}); err != nil {
			t.Fatal(err)
		}
		_, err = go1(pm.Nomor, permohonan.Langkah{Ke: store.Diproses})
		wantMsg(t, "no choice", err, "KTP digital dulu")
		done, err := go1(pm.Nomor, permohonan.Langkah{Ke: store.Diproses, Pilihan: store.PilihIKD, Catatan: "memilih IKD"})
		if err != nil || done.State != store.SelesaiP || done.Pilihan != store.PilihIKD || saldo(t, st) != 5 {
			t.Errorf("IKD chosen: %+v %v, stock %d", done, err, saldo(t, st))
		}

		card, _ := s.Submit(ctx, operator, adult, store.KartuRusak)
		go1(card.Nomor, permohonan.Langkah{Ke: store.Diperiksa})
		_, err = go1(card.Nomor, permohonan.Langkah{Ke: store.Diproses, Pilihan: store.PilihKartu})
		wantMsg(t, "a card without a reason", err, "alasan penduduk")
		for _, l := range []permohonan.Langkah{
			{Ke: store.Diproses, Pilihan: store.PilihKartu, AlasanKartu: "tidak punya ponsel pintar"},
			{Ke: store.DicetakP, Serial: "1771-2026-100001"},
			{Ke: store.DiserahkanP}, {Ke: store.SelesaiP},
		} {
			if card, err = go1(card.Nomor, l); err != nil {
				t.Fatalf("%s: %v", l.Ke, err)
			}
		}
		if card.Serial != "1771-2026-100001" || card.AlasanKartu == "" || saldo(t, st) != 4 {
			t.Errorf("card route: %+v, stock %d", card, saldo(t, st))
		}
		steps, _ := st.LangkahPermohonan(ctx, card.Nomor)
		if len(steps) != 6 || steps[2].Petugas != "rina" {
			t.Errorf("steps %+v", steps)
		}
	})
}

// TestPemulaWaitsForBlangko: a first card waits when the office has no
// blank card, and prints when one arrives; a bad move, another office and
// a resident outside the area are refused.
func TestPemulaWaitsForBlangko(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		s := setup(t, st)
		pm, err := s.Submit(ctx, operator, pemula, store.Pemula)
		if err != nil || pm.Pilihan != store.PilihKartu {
			t.Fatalf("submit: %+v %v", pm, err)
		}
		_, err = s.Advance(ctx, operator, pm.Nomor, permohonan.Langkah{Ke: store.DicetakP, Serial: "x"})
		wantMsg(t, "submitted to printed", err, "tidak dapat berpindah")
		s.Advance(ctx, operator, pm.Nomor, permohonan.Langkah{Ke: store.Diperiksa})
		s.Advance(ctx, operator, pm.Nomor, permohonan.Langkah{Ke: store.Diproses})
		_, err = s.Advance(ctx, operator, pm.Nomor, permohonan.Langkah{Ke: store.DicetakP})
		wantMsg(t, "printed without serial", err, "nomor blangko")
		wait, err := s.Advance(ctx, operator, pm.Nomor, permohonan.Langkah{Ke: store.DicetakP, Serial: "1771-2026-200001"})
		if err != nil || wait.State != store.MenungguBlangko || wait.Serial != "" {
			t.Fatalf("no stock: %+v %v", wait, err)
		}
		other := store.Petugas{Username: "budi", KantorKode: "DISDUKCAPIL-17.01", Peran: store.PeranOperator}
		_, err = s.Advance(ctx, other, pm.Nomor, permohonan.Langkah{Ke: store.DicetakP, Serial: "1771-2026-200001"})
		wantMsg(t, "another office", err, "tidak ditemukan")
		st.ApplyMutasi(ctx, &store.BlangkoMutasi{Jenis: store.Koreksi, Ke: kota, Jumlah: 1, Alasan: "kiriman", Petugas: "t"})
		printed, err := s.Advance(ctx, operator, pm.Nomor, permohonan.Langkah{Ke: store.DicetakP, Serial: "1771-2026-200001"})
		if err != nil || printed.State != store.DicetakP || saldo(t, st) != 0 {
			t.Errorf("printed: %+v %v, stock %d", printed, err, saldo(t, st))
		}
		_, err = s.Submit(ctx, operator, outside, store.Pemula)
		wantMsg(t, "outside the area", err, "wilayah")
		evs, _ := st.ListAudit(ctx, 0, 1000)
		refused := 0
		for _, e := range evs {
			if e.Action == "permohonan.ditolak" {
				refused++
			}
		}
		if refused != 1 {
			t.Errorf("%d audited refusals, want 1 (the resident outside the area)", refused)
		}
		_, err = s.Submit(ctx, operator, pemula, store.Pemula)
		wantMsg(t, "a second open first-card request", err, "sudah punya permohonan")

		// A lost phone with no issuer to revoke: the request stays open,
		// and cannot be closed by hand; it can be refused with a reason.
		lost, err := s.Submit(ctx, operator, adult, store.PonselHilang)
		if err == nil || lost.State != store.Diajukan {
			t.Errorf("lost phone without revocation: %+v %v", lost, err)
		}
		_, err = s.Advance(ctx, operator, lost.Nomor, permohonan.Langkah{Ke: store.SelesaiP})
		wantMsg(t, "closing a lost phone by hand", err, "pencabutan")
		_, err = s.Advance(ctx, operator, lost.Nomor, permohonan.Langkah{Ke: store.Ditolak})
		wantMsg(t, "refusing without a reason", err, "alasan")
		if r, err := s.Advance(ctx, operator, lost.Nomor, permohonan.Langkah{Ke: store.Ditolak, Catatan: "salah input"}); err != nil || r.State != store.Ditolak {
			t.Errorf("refused: %+v %v", r, err)
		}
	})
}

// TestNext: the console offers only the steps the service takes.
func TestNext(t *testing.T) {
	for _, c := range []struct {
		pm   store.Permohonan
		want string
	}{
		{store.Permohonan{Jenis: store.Pemula, State: store.Diproses, Pilihan: store.PilihKartu}, "[DICETAK MENUNGGU_BLANGKO DITOLAK]"},
		{store.Permohonan{Jenis: store.UbahData, State: store.Diproses, Pilihan: store.PilihKartu}, "[DICETAK MENUNGGU_BLANGKO DITOLAK]"},
		{store.Permohonan{Jenis: store.KartuHilang, State: store.Diperiksa}, "[DIPROSES SELESAI DITOLAK]"},
		{store.Permohonan{Jenis: store.PonselHilang, State: store.Diajukan, Pilihan: store.PilihIKD}, "[DITOLAK]"},
		{store.Permohonan{Jenis: store.Pemula, State: store.DiserahkanP, Pilihan: store.PilihKartu}, "[SELESAI]"},
		{store.Permohonan{Jenis: store.Pemula, State: store.SelesaiP}, "[]"},
	} {
		if got := fmt.Sprint(permohonan.Next(c.pm)); got != c.want {
			t.Errorf("Next(%s %s) = %s, want %s", c.pm.Jenis, c.pm.State, got, c.want)
		}
	}
}
