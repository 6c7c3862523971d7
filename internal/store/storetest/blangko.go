package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/store"
)

// blangkoTests covers the blank-card stock ledger.
var blangkoTests = []struct {
	name string
	fn   func(t *testing.T, st store.Store)
}{
	{"BlangkoLedger", testBlangkoLedger},
	{"BlangkoLastCards", testBlangkoLastCards},
	{"Permohonan", testPermohonan},
}

// offices creates the provincial Dinas and two kab/kota Dinas.
func offices(t *testing.T, st store.Store) (prov, kota, kab string) {
	t.Helper()
	for _, k := range []store.Kantor{
		{Kode: "DISDUKCAPIL-17", Nama: "Dinas Provinsi", Jenis: store.DinasProvinsi, WilayahKode: "17"},
		{Kode: "DISDUKCAPIL-17.71", Nama: "Dinas Kota", Jenis: store.DinasKabKota, WilayahKode: "17.71"},
		{Kode: "DISDUKCAPIL-17.06", Nama: "Dinas Mukomuko", Jenis: store.DinasKabKota, WilayahKode: "17.06"},
	} {
		must(t, st.CreateKantor(ctx, &k))
	}
	return "DISDUKCAPIL-17", "DISDUKCAPIL-17.71", "DISDUKCAPIL-17.06"
}

func isCheck(err error) bool { return errors.Is(err, store.ErrCheck) }

func saldo(t *testing.T, st store.Store) map[string]int {
	t.Helper()
	ss, err := st.ListSaldo(ctx)
	must(t, err)
	out := map[string]int{}
	for _, s := range ss {
		out[s.KantorKode] = s.Saldo
	}
	return out
}

// testBlangkoLedger: movements move the balances they name; an overdraft,
// a serial used twice or an unknown unit changes nothing.
func testBlangkoLedger(t *testing.T, st store.Store) {
	prov, kota, kab := offices(t, st)
	mv := func(j store.JenisMutasi, dari, ke string, n int, serial string) error {
		return st.ApplyMutasi(ctx, &store.BlangkoMutasi{Jenis: j, Dari: dari, Ke: ke, Jumlah: n, Serial: serial, Petugas: "stok"})
	}
	must(t, mv(store.Pengajuan, "", prov, 40000, ""))
	must(t, mv(store.Persetujuan, "", prov, 20000, ""))
	if got := saldo(t, st); len(got) != 0 {
		t.Errorf("a request and an approval moved stock: %v", got)
	}
	must(t, mv(store.Penerimaan, "", prov, 20000, ""))
	must(t, mv(store.Distribusi, prov, kota, 10500, ""))
	must(t, mv(store.Distribusi, prov, kab, 5000, ""))
	must(t, mv(store.Pinjaman, kab, kota, 500, ""))
	must(t, mv(store.Pemakaian, kota, "", 1, "1771-2026-000001"))
	wantErr(t, "a serial used twice", mv(store.Pemakaian, kota, "", 1, "1771-2026-000001"), store.ErrConflict)
	wantErr(t, "more than the stock", mv(store.Distribusi, prov, kab, 4501, ""), store.ErrCheck)
	must(t, mv(store.MutasiRusak, kota, "", 1, ""))
	wantErr(t, "an unknown unit", mv(store.Distribusi, prov, "DISDUKCAPIL-99", 1, ""), store.ErrMissingReference)
	want := map[string]int{prov: 4500, kota: 10998, kab: 4500}
	if got := saldo(t, st); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("balances %v, want %v", got, want)
	}
	all, err := st.ListMutasi(ctx, "", false, T0.Add(-time.Hour), 100)
	must(t, err)
	if len(all) != 7 || all[0].Jenis != store.MutasiRusak {
		t.Errorf("%d movements besides uses, newest %v; want 7, the spoiled card last recorded", len(all), all)
	}
	uses, err := st.ListMutasi(ctx, kota, true, T0.Add(-time.Hour), 100)
	must(t, err)
	if len(uses) != 1 || uses[0].Serial != "1771-2026-000001" {
		t.Errorf("uses %v", uses)
	}
	mine, err := st.ListMutasi(ctx, kab, false, T0.Add(-time.Hour), 100)
	must(t, err)
	if len(mine) != 2 {
		t.Errorf("Mukomuko's movements: %d, want 2 (distribution and loan)", len(mine))
	}
	used, err := st.SumMutasi(ctx, store.Pemakaian, T0.Add(-time.Hour))
	must(t, err)
	got, err := st.SumMutasi(ctx, store.Distribusi, T0.Add(-time.Hour))
	must(t, err)
	if used[kota] != 1 || got[kota] != 10500 || got[kab] != 5000 {
		t.Errorf("sums: used %v, distributed %v", used, got)
	}
}

// testBlangkoLastCards: parallel uses of a unit's last cards use exactly
// the stock; every other one is refused and leaves no trace.
func testBlangkoLastCards(t *testing.T, st store.Store) {
	prov, kota, _ := offices(t, st)
	must(t, st.ApplyMutasi(ctx, &store.BlangkoMutasi{Jenis: store.Penerimaan, Ke: prov, Jumlah: 10, Petugas: "stok"}))
	must(t, st.ApplyMutasi(ctx, &store.BlangkoMutasi{Jenis: store.Distribusi, Dari: prov, Ke: kota, Jumlah: 10, Petugas: "stok"}))
	const n = 30
	errc := make(chan error, n)
	for i := range n {
		go func() {
			errc <- st.ApplyMutasi(ctx, &store.BlangkoMutasi{Jenis: store.Pemakaian, Dari: kota, Jumlah: 1,
				Serial: fmt.Sprintf("1771-2026-%06d", i), Petugas: "loket"})
		}()
	}
	ok, refused := 0, 0
	for range n {
		switch err := <-errc; {
		case err == nil:
			ok++
		case isCheck(err):
			refused++
		default:
			t.Errorf("a use: %v", err)
		}
	}
	used, err := st.SumMutasi(ctx, store.Pemakaian, T0.Add(-time.Hour))
	must(t, err)
	if ok != 10 || refused != n-10 || used[kota] != 10 || saldo(t, st)[kota] != 0 {
		t.Errorf("%d uses of the last 10 cards: %d done, %d refused, %d recorded, balance %d; want 10, 20, 10, 0",
			n, ok, refused, used[kota], saldo(t, st)[kota])
	}
}
