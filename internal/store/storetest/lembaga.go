package storetest

import (
	"slices"
	"testing"

	"github.com/ikd-project/ikd/internal/store"
)

// lembagaTests covers registered institutions.
var lembagaTests = []struct {
	name string
	fn   func(t *testing.T, st store.Store)
}{
	{"Lembaga", testLembaga},
}

func testLembaga(t *testing.T, st store.Store) {
	a := store.Lembaga{ID: "lbg-1", Nama: "Bank Bengkulu", Purpose: "pembukaan rekening",
		AllowedFields: []string{"nama", "nik", "age_over_17"}, APIKeyHash: "hash-a", RatePerMinute: 60}
	must(t, st.CreateLembaga(ctx, &a))
	if a.State != store.LembagaAktif || !a.CreatedAt.Equal(T0) || !isUTC(a.CreatedAt) {
		t.Errorf("created = %+v", a)
	}
	b := store.Lembaga{ID: "lbg-2", Nama: "Apotek", Purpose: "penjualan obat keras",
		AllowedFields: []string{"age_over_21"}, APIKeyHash: "hash-b", RatePerMinute: 6000}
	must(t, st.CreateLembaga(ctx, &b))

	dupKey := b
	dupKey.ID = "lbg-3"
	dupKey.APIKeyHash = "hash-a"
	wantErr(t, "same key hash", st.CreateLembaga(ctx, &dupKey), store.ErrConflict)
	dupID := b
	dupID.APIKeyHash = "hash-c"
	wantErr(t, "same id", st.CreateLembaga(ctx, &dupID), store.ErrConflict)
	// A conflict inside a transaction is reported as a conflict too.
	err := st.InTx(ctx, func(tx store.Tx) error { return tx.CreateLembaga(ctx, &dupKey) })
	wantErr(t, "same key hash in a transaction", err, store.ErrConflict)

	got, err := st.GetLembagaByKeyHash(ctx, "hash-a")
	must(t, err)
	if got.ID != a.ID || got.Nama != a.Nama || got.Purpose != a.Purpose || !slices.Equal(got.AllowedFields, a.AllowedFields) ||
		got.RatePerMinute != 60 || got.State != store.LembagaAktif || !got.CreatedAt.Equal(a.CreatedAt) || !isUTC(got.CreatedAt) {
		t.Errorf("by key hash = %+v, want %+v", got, a)
	}
	_, err = st.GetLembagaByKeyHash(ctx, "hash-x")
	wantErr(t, "unknown key hash", err, store.ErrNotFound)

	must(t, st.SetLembagaState(ctx, "lbg-1", store.LembagaDicabut))
	wantErr(t, "state of an unknown lembaga", st.SetLembagaState(ctx, "lbg-9", store.LembagaDicabut), store.ErrNotFound)
	got, err = st.GetLembagaByKeyHash(ctx, "hash-a")
	must(t, err)
	if got.State != store.LembagaDicabut {
		t.Errorf("state = %s, want DICABUT", got.State)
	}

	list, err := st.ListLembaga(ctx)
	must(t, err)
	if len(list) != 2 || list[0].ID != "lbg-1" || list[1].ID != "lbg-2" || !slices.Equal(list[1].AllowedFields, []string{"age_over_21"}) {
		t.Errorf("list = %+v", list)
	}
}
