package storetest

import (
	"testing"

	"github.com/ikd-project/ikd/internal/store"
)

// petugasTests covers officers (API tokens for now).
var petugasTests = []struct {
	name string
	fn   func(t *testing.T, st store.Store)
}{
	{"Petugas", testPetugas},
}

func testPetugas(t *testing.T, st store.Store) {
	office := store.Kantor{Kode: "DISDUKCAPIL-17.71", Nama: "Dinas", Jenis: store.DinasKabKota, WilayahKode: "17.71"}
	must(t, st.CreateKantor(ctx, &office))

	a := store.Petugas{Username: "budi", Nama: "Budi Santoso", KantorKode: office.Kode, TokenHash: "hash-a"}
	must(t, st.CreatePetugas(ctx, &a))
	if a.State != store.PetugasAktif || !a.CreatedAt.Equal(T0) || !isUTC(a.CreatedAt) {
		t.Errorf("created = %+v", a)
	}
	b := store.Petugas{Username: "ani", Nama: "Ani", KantorKode: office.Kode, TokenHash: "hash-b"}
	must(t, st.CreatePetugas(ctx, &b))

	dupToken := b
	dupToken.Username, dupToken.TokenHash = "citra", "hash-a"
	wantErr(t, "same token hash", st.CreatePetugas(ctx, &dupToken), store.ErrConflict)
	dupName := b
	dupName.TokenHash = "hash-c"
	wantErr(t, "same username", st.CreatePetugas(ctx, &dupName), store.ErrConflict)
	err := st.InTx(ctx, func(tx store.Tx) error { return tx.CreatePetugas(ctx, &dupToken) })
	wantErr(t, "same token hash in a transaction", err, store.ErrConflict)
	noOffice := store.Petugas{Username: "dedi", Nama: "Dedi", KantorKode: "KANTOR-X", TokenHash: "hash-d"}
	wantErr(t, "unknown office", st.CreatePetugas(ctx, &noOffice), store.ErrMissingReference)

	got, err := st.GetPetugasByTokenHash(ctx, "hash-a")
	must(t, err)
	if got.Username != "budi" || got.Nama != a.Nama || got.KantorKode != office.Kode || got.TokenHash != "hash-a" ||
		got.State != store.PetugasAktif || !got.CreatedAt.Equal(a.CreatedAt) || !isUTC(got.CreatedAt) {
		t.Errorf("by token hash = %+v, want %+v", got, a)
	}
	_, err = st.GetPetugasByTokenHash(ctx, "hash-x")
	wantErr(t, "unknown token hash", err, store.ErrNotFound)

	must(t, st.SetPetugasState(ctx, "budi", store.PetugasNonaktif))
	wantErr(t, "state of an unknown officer", st.SetPetugasState(ctx, "nobody", store.PetugasNonaktif), store.ErrNotFound)
	got, err = st.GetPetugasByTokenHash(ctx, "hash-a")
	must(t, err)
	if got.State != store.PetugasNonaktif {
		t.Errorf("state = %s, want NONAKTIF", got.State)
	}

	// Same created_at: username order.
	list, err := st.ListPetugas(ctx)
	must(t, err)
	if len(list) != 2 || list[0].Username != "ani" || list[1].Username != "budi" || list[1].State != store.PetugasNonaktif {
		t.Errorf("list = %+v", list)
	}
}
