package blangko_test

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
	"github.com/ikd-project/ikd/internal/store"
)

var ctx = context.Background()

const (
	prov = "DISDUKCAPIL-17"
	kota = "DISDUKCAPIL-17.71" // Kota Bengkulu
	muko = "DISDUKCAPIL-17.06" // Mukomuko
	kaur = "DISDUKCAPIL-17.04" // Kaur
)

func officer(kode string, peran store.Peran) store.Petugas {
	return store.Petugas{Username: "stok-" + kode, KantorKode: kode, Peran: peran}
}

func service(t *testing.T, st store.Store) *blangko.Service {
	t.Helper()
	if _, err := kantor.Seed(ctx, st); err != nil {
		t.Fatal(err)
	}
	log, err := audit.New([]byte(strings.Repeat("k", 32)), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &blangko.Service{Store: st, Audit: log}
}

// TestRecordRules: who records what, and every refusal says why and
// records nothing.
func TestRecordRules(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		s := service(t, st)
		rec := func(p store.Petugas, m blangko.Mutasi) error { _, err := s.Record(ctx, p, m); return err }
		p := officer(prov, store.PeranStok)
		for _, m := range []blangko.Mutasi{
			{Jenis: store.Pengajuan, Jumlah: 40000, Ref: "surat 470/123"},
			{Jenis: store.Persetujuan, Jumlah: 20000},
			{Jenis: store.Penerimaan, Jumlah: 20000},
			{Jenis: store.Distribusi, Ke: kota, Jumlah: 10000},
			{Jenis: store.Distribusi, Ke: muko, Jumlah: 5000},
		} {
			if err := rec(p, m); err != nil {
				t.Fatalf("%s: %v", m.Jenis, err)
			}
		}
		k := officer(kota, store.PeranOperator)
		if err := rec(k, blangko.Mutasi{Jenis: store.Pemakaian, Jumlah: 1, Serial: "1771-2026-000001", Ref: "PMH-1"}); err != nil {
			t.Fatal(err)
		}
		for name, c := range map[string]struct {
			p    store.Petugas
			m    blangko.Mutasi
			want string
		}{
			"an operator's distribution":  {k, blangko.Mutasi{Jenis: store.Distribusi, Ke: muko, Jumlah: 1}, "peran Anda"},
			"a viewer's use":              {officer(kota, store.PeranViewer), blangko.Mutasi{Jenis: store.Pemakaian, Jumlah: 1, Serial: "x"}, "peran Anda"},
			"a kab/kota receipt":          {officer(kota, store.PeranStok), blangko.Mutasi{Jenis: store.Penerimaan, Jumlah: 1}, "hanya Dinas provinsi"},
			"a use without serial":        {k, blangko.Mutasi{Jenis: store.Pemakaian, Jumlah: 1}, "nomor blangko"},
			"a serial used twice":         {k, blangko.Mutasi{Jenis: store.Pemakaian, Jumlah: 1, Serial: "1771-2026-000001"}, "sudah tercatat"},
			"spoiled without reason":      {officer(kota, store.PeranStok), blangko.Mutasi{Jenis: store.MutasiRusak, Jumlah: 2}, "alasan"},
			"zero cards":                  {p, blangko.Mutasi{Jenis: store.Distribusi, Ke: kota, Jumlah: 0}, "jumlah"},
			"more than the stock":         {p, blangko.Mutasi{Jenis: store.Distribusi, Ke: kaur, Jumlah: 5001}, "tidak cukup"},
			"province to a kecamatan":     {p, blangko.Mutasi{Jenis: store.Distribusi, Ke: "KEC-17.71.01", Jumlah: 1}, "Dinas kabupaten/kota"},
			"a loan to the province":      {officer(muko, store.PeranStok), blangko.Mutasi{Jenis: store.Pinjaman, Ke: prov, Jumlah: 1}, "antar-Dinas"},
			"a correction of another":     {officer(kota, store.PeranStok), blangko.Mutasi{Jenis: store.Koreksi, Dari: muko, Jumlah: 1, Alasan: "opname"}, "sendiri"},
			"an unknown receiving office": {p, blangko.Mutasi{Jenis: store.Distribusi, Ke: "DISDUKCAPIL-99", Jumlah: 1}, "tidak dikenal"},
		} {
			err := rec(c.p, c.m)
			if err == nil || !strings.Contains(errs.Message(err, "id", ""), c.want) {
				t.Errorf("%s: %v, want a refusal saying %q", name, err, c.want)
			}
		}
		// Mukomuko lends to Kaur; Kota counts a correction after stock-taking.
		if err := rec(officer(muko, store.PeranStok), blangko.Mutasi{Jenis: store.Pinjaman, Ke: kaur, Jumlah: 600}); err != nil {
			t.Fatal(err)
		}
		if err := rec(officer(kota, store.PeranStok), blangko.Mutasi{Jenis: store.Koreksi, Dari: kota, Jumlah: 3, Alasan: "stock opname"}); err != nil {
			t.Fatal(err)
		}
		l, err := s.Report(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, u := range l.Units {
			got[u.Kode] = u.Saldo
		}
		if got[prov] != 5000 || got[kota] != 9996 || got[muko] != 4400 || got[kaur] != 600 || l.Total != 20000-1-3 ||
			l.Diajukan != 40000 || l.Disetujui != 20000 || l.Diterima != 20000 || l.Units[0].Kode != prov {
			t.Errorf("report: %v total %d asked %d approved %d received %d", got, l.Total, l.Diajukan, l.Disetujui, l.Diterima)
		}
		evs, err := st.ListAudit(ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range evs {
			actions = append(actions, e.Action)
		}
		if n := strings.Count(strings.Join(actions, ","), "blangko."); n != 8 {
			t.Errorf("%d audited movements, want 8: %v", n, actions)
		}
	})
}

// TestRebalance: the days of cover and a loan from the unit with months
// of stock to the one about to run out.
func TestRebalance(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		s := service(t, st)
		now := time.Now().UTC()
		apply := func(m store.BlangkoMutasi) {
			t.Helper()
			m.Petugas = "seed"
			if err := st.ApplyMutasi(ctx, &m); err != nil {
				t.Fatal(err)
			}
		}
		apply(store.BlangkoMutasi{Jenis: store.Penerimaan, Ke: prov, Jumlah: 10000, At: now.AddDate(0, 0, -40)})
		apply(store.BlangkoMutasi{Jenis: store.Distribusi, Dari: prov, Ke: muko, Jumlah: 9000, At: now.AddDate(0, 0, -40)})
		apply(store.BlangkoMutasi{Jenis: store.Distribusi, Dari: prov, Ke: kota, Jumlah: 400, At: now.AddDate(0, 0, -40)})
		for i := range 300 { // Kota: 10 a day; Mukomuko: 1 a day
			apply(store.BlangkoMutasi{Jenis: store.Pemakaian, Dari: kota, Jumlah: 1, Serial: fmt.Sprintf("K-%d", i), At: now.AddDate(0, 0, -i/10)})
			if i%10 == 0 {
				apply(store.BlangkoMutasi{Jenis: store.Pemakaian, Dari: muko, Jumlah: 1, Serial: fmt.Sprintf("M-%d", i), At: now.AddDate(0, 0, -i/10)})
			}
		}
		l, err := s.Report(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range l.Units {
			if u.Kode == kota && (u.Saldo != 100 || u.Pakai30 != 300 || u.Cover != 10 || !u.Alert) {
				t.Errorf("Kota: %+v, want 100 left, 300 used, 10 days, alerted", u)
			}
		}
		if len(l.Saran) != 1 || l.Saran[0] != (blangko.Saran{Dari: muko, Ke: kota, Jumlah: 200}) {
			t.Errorf("suggestions %+v, want 200 from Mukomuko to Kota (30 days at 10 a day, less 100)", l.Saran)
		}
	})
}
