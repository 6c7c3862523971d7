package jemput_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/jemput"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/store"
)

var ctx = context.Background()

const (
	siti    = "1771015708900001" // Kota Bengkulu
	budi    = "1771011708850002" // Kota Bengkulu, another name
	moved   = "1771014101950003" // issued in Kota Bengkulu, lives in Mukomuko
	outside = "1706011708850004" // Mukomuko
)

func setup(t *testing.T, st store.Store) (*jemput.Service, store.Petugas) {
	t.Helper()
	if _, err := kantor.Seed(ctx, st); err != nil {
		t.Fatal(err)
	}
	var b store.Batch
	for i, r := range []struct{ nik, nama, desa string }{
		{siti, "SITI AMINAH", "17.71.01.1001"}, {budi, "BUDI SANTOSO", "17.71.01.1001"},
		{moved, "RINA", "17.06.01.2001"}, {outside, "JOKO", "17.06.01.2001"}} {
		kk := "17710101011500" + string(rune('1'+i)) + "0"
		b.Keluarga = append(b.Keluarga, store.KartuKeluarga{NoKK: kk, KepalaNIK: r.nik, Alamat: "JL. A", RT: "001", RW: "001", DesaKode: r.desa,
			TanggalTerbit: time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)})
		b.Penduduk = append(b.Penduduk, store.Penduduk{NIK: r.nik, NoKK: kk, Hubungan: store.KepalaKeluarga, Nama: r.nama, TempatLahir: "BENGKULU",
			TanggalLahir: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), JenisKelamin: store.Perempuan, GolonganDarah: "O", Agama: "ISLAM",
			StatusKawin: store.Kawin, Pekerjaan: "WIRASWASTA", Kewarganegaraan: "WNI", Alamat: "JL. A", RT: "001", RW: "001", DesaKode: r.desa,
			StatusNIK: store.NIKAktif})
	}
	if err := st.InTx(ctx, func(tx store.Tx) error { _, err := tx.LoadBatch(ctx, &b); return err }); err != nil {
		t.Fatal(err)
	}
	p := store.Petugas{Username: "rina", Nama: "Rina", KantorKode: "DISDUKCAPIL-17.71", TokenHash: "t-rina", State: store.PetugasAktif, Peran: store.PeranOperator}
	for _, o := range []store.Petugas{p,
		{Username: "sari", Nama: "Sari", KantorKode: "DISDUKCAPIL-17.71", TokenHash: "t-sari", State: store.PetugasAktif, Peran: store.PeranOperator},
		{Username: "yuni", Nama: "Yuni", KantorKode: "DISDUKCAPIL-17", TokenHash: "t-yuni", State: store.PetugasAktif, Peran: store.PeranOperator}} {
		if err := st.CreatePetugas(ctx, &o); err != nil {
			t.Fatal(err)
		}
	}
	log, err := audit.New(bytes.Repeat([]byte("k"), 32), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &jemput.Service{Store: st, Audit: log}, p
}

var plan = jemput.Rencana{Nama: "Aktivasi IKD Wartawan", Tempat: "Kantor PWI", Sasaran: store.SasaranWartawan,
	Mulai: "2026-11-23", Selesai: "2026-11-24", JamMulai: "08:00", JamSelesai: "15:30", Petugas: []string{"rina", "sari"}}

func TestCreate(t *testing.T) {
	st := ikdtest.NewStore(t)
	s, p := setup(t, st)
	j, err := s.Create(ctx, p, plan)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC) // 08:00 WIB
	if !j.MulaiAt.Equal(want) || !j.SelesaiAt.Equal(time.Date(2026, 11, 24, 8, 30, 0, 0, time.UTC)) || j.Jam != 15 ||
		!j.HitungSampai.Equal(time.Date(2026, 11, 24, 17, 0, 0, 0, time.UTC)) || j.KantorKode != p.KantorKode {
		t.Errorf("drive %+v", j)
	}
	if a := jemput.Figures(j, store.RekapJemput{}); a.PetugasJam != 30 || a.Hari() != 2 || a.State(want.Add(-time.Minute)) != "rencana" || a.State(want) != "berjalan" {
		t.Errorf("figures %+v, %d days", a, a.Hari())
	}
	for name, change := range map[string]func(r *jemput.Rencana){
		"no name":            func(r *jemput.Rencana) { r.Nama = " " },
		"no place":           func(r *jemput.Rencana) { r.Tempat = "" },
		"unknown group":      func(r *jemput.Rencana) { r.Sasaran = "PRAMUKA" },
		"end before start":   func(r *jemput.Rencana) { r.Selesai = "2026-11-22" },
		"too long":           func(r *jemput.Rencana) { r.Selesai = "2027-01-22" },
		"no date":            func(r *jemput.Rencana) { r.Mulai = "" },
		"hours reversed":     func(r *jemput.Rencana) { r.JamSelesai = "07:00" },
		"no officer":         func(r *jemput.Rencana) { r.Petugas = nil },
		"another office's":   func(r *jemput.Rencana) { r.Petugas = []string{"yuni"} },
		"an unknown officer": func(r *jemput.Rencana) { r.Petugas = []string{"nobody"} },
	} {
		r := plan
		change(&r)
		if _, err := s.Create(ctx, p, r); !errors.Is(err, errs.Invalid) {
			t.Errorf("%s: %v, want Invalid", name, err)
		}
	}
	viewer := p
	viewer.Peran = store.PeranViewer
	if _, err := s.Create(ctx, viewer, plan); !errors.Is(err, jemput.ErrRole) {
		t.Errorf("a viewer plans a drive: %v", err)
	}
}

// TestImport: good rows are added, each bad one is reported with its line
// and reason, a second import reports those already on the roster, an
// unreadable file changes nothing; check-in once; the figures.
func TestImport(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		s, p := setup(t, st)
		j, err := s.Create(ctx, p, plan)
		if err != nil {
			t.Fatal(err)
		}
		file := "NIK;Nama\n" + siti + ";Siti Aminah\n" + budi + ";Budi Santosa\n" + moved + ";Rina\n" + outside + ";Joko\n" +
			"1771019999990009;X\n12;Y\n" + siti + ";Siti\n1771011708850099;Z\n"
		h, err := s.Import(ctx, p, j.ID, []byte(file))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range h.Ditolak {
			got = append(got, e.Message("en"))
		}
		want := []string{
			"line 3: the name does not match the register",
			"line 4: NIK not found in the office's area",
			"line 5: resident outside the organising office's area",
			"line 6: invalid NIK: The birth day in the NIK (digits 7–8) must be 01–31, or 41–71 for a woman, not 99.",
			"line 7: invalid NIK: The NIK must be 16 digits, not 2 characters.",
			"line 8: the same NIK as line 2",
			"line 9: NIK not found in the office's area",
		}
		if h.Ditambah != 1 || h.Baris != 8 || strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("import: %d added of %d, rejected:\n%s", h.Ditambah, h.Baris, strings.Join(got, "\n"))
		}
		if h, err = s.Import(ctx, p, j.ID, []byte(siti+"\n"+budi+"\n")); err != nil || h.Ditambah != 1 || len(h.Ditolak) != 1 || h.Ditolak[0].Code != jemput.CodeTerdaftar {
			t.Errorf("second import: %+v %v", h, err)
		}
		if _, err := s.Import(ctx, p, j.ID, []byte("nama\nSiti\n")); !errors.Is(err, jemput.ErrNoNIK) {
			t.Errorf("a file with no NIK column: %v", err)
		}
		other := p
		other.Username, other.KantorKode = "yuni", "DISDUKCAPIL-17"
		if _, err := s.Import(ctx, other, j.ID, []byte(siti+"\n")); !errors.Is(err, jemput.ErrNotOwner) {
			t.Errorf("the province imports into Kota Bengkulu's drive: %v", err)
		}
		far := p
		far.KantorKode = "DISDUKCAPIL-17.06"
		if _, err := s.Get(ctx, far, j.ID); !errors.Is(err, jemput.ErrNotFound) {
			t.Errorf("Mukomuko reads Kota Bengkulu's drive: %v", err)
		}

		if _, err := s.CheckIn(ctx, p, j.ID, "1771 0157 0890 0001"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CheckIn(ctx, p, j.ID, siti); !errors.Is(err, jemput.ErrHadir) {
			t.Errorf("a second check-in: %v", err)
		}
		if _, err := s.CheckIn(ctx, p, j.ID, outside); !errors.Is(err, jemput.ErrNotOnIt) {
			t.Errorf("a check-in off the roster: %v", err)
		}
		list, err := s.List(ctx, other) // the province sees Kota Bengkulu's drives
		if err != nil || len(list) != 1 || list[0].Peserta != 2 || list[0].Hadir != 1 || list[0].Aktif != 0 {
			t.Errorf("the province's list: %+v %v", list, err)
		}
		if list, err := s.List(ctx, far); err != nil || len(list) != 0 {
			t.Errorf("Mukomuko's list: %+v %v", list, err)
		}
		a, roster, err := s.Roster(ctx, p, j.ID, "konsol: jemput bola")
		if err != nil || len(roster) != 2 || roster[0].Nama != "SITI AMINAH" || a.RekapJemput != (store.RekapJemput{Peserta: 2, Hadir: 1}) {
			t.Fatalf("roster %+v %+v %v", a, roster, err)
		}
		viewer := other
		viewer.Peran = store.PeranViewer
		if a, roster, err := s.Roster(ctx, viewer, j.ID, "konsol: jemput bola"); err != nil || roster != nil || a.RekapJemput != (store.RekapJemput{Peserta: 2, Hadir: 1}) {
			t.Errorf("a viewer's roster: %+v %+v %v", a, roster, err)
		}
		if _, err := s.CheckInEntry(ctx, other, j.ID, roster[1].ID); !errors.Is(err, jemput.ErrNotOwner) {
			t.Errorf("the province checks in at Kota Bengkulu's drive: %v", err)
		}
		if e, err := s.CheckInEntry(ctx, p, j.ID, roster[1].ID); err != nil || e.NIK != budi || e.HadirOleh != p.Username {
			t.Errorf("check-in by the roster's entry: %+v %v", e, err)
		}
		if _, err := s.CheckInEntry(ctx, p, j.ID, roster[1].ID+1000); !errors.Is(err, jemput.ErrNotOnIt) {
			t.Errorf("check-in of an entry of no roster: %v", err)
		}
		events, err := st.ListAudit(ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		for _, e := range events {
			n[e.Action]++
			if strings.Contains(e.Detail, siti) || strings.Contains(e.Detail, budi) {
				t.Errorf("an audit detail holds a NIK: %s", e.Detail)
			}
		}
		if n[jemput.ActionBuat] != 1 || n[jemput.ActionImpor] != 2 || n[jemput.ActionPeserta] != 2 || n[jemput.ActionHadir] != 2 ||
			n[jemput.ActionLihat] != 1 || n[jemput.ActionTampil] != 2 {
			t.Errorf("audit events %v", n)
		}
	})
}

func TestFigures(t *testing.T) {
	j := store.Jemput{Petugas: []string{"a", "b", "c"}, Jam: 7}
	a := jemput.Figures(j, store.RekapJemput{Peserta: 120, Hadir: 80, Aktif: 42})
	if a.PetugasJam != 21 || a.PerJam() != 2 {
		t.Errorf("figures %+v, %v an officer-hour", a, a.PerJam())
	}
	if jemput.Figures(store.Jemput{}, store.RekapJemput{}).PerJam() != -1 {
		t.Error("no officer-hours gives a rate")
	}
}
