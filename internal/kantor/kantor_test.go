package kantor

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/wilayah"
)

func sortedKeys(m map[string]bool) []string { return slices.Sorted(maps.Keys(m)) }

func TestKantor(t *testing.T) {
	ks := Referensi()
	kinds := map[store.JenisKantor]int{}
	seen := map[string]bool{}
	for _, k := range ks {
		if seen[k.Kode] {
			t.Fatalf("office %s twice", k.Kode)
		}
		seen[k.Kode] = true
		kinds[k.Jenis]++
		if _, ok := wilayah.Default().Lookup(k.WilayahKode); !ok || k.Nama == "" {
			t.Fatalf("office %+v", k)
		}
	}
	want := map[store.JenisKantor]int{store.DinasProvinsi: 1, store.DinasKabKota: 10, store.KantorKec: 129, store.MPP: 1}
	if !maps.Equal(kinds, want) {
		t.Errorf("offices by kind %v, want %v", kinds, want)
	}
	for _, k := range ks {
		if k.Kode == "DISDUKCAPIL-17.71" && k.Nama != "Dinas Kependudukan dan Pencatatan Sipil Kota Bengkulu" {
			t.Errorf("Kota Bengkulu's Dinas is named %q", k.Nama)
		}
		if k.Kode == "KEC-17.71.01" && k.Nama != "Kantor Kecamatan Selebar" {
			t.Errorf("KEC-17.71.01 is named %q", k.Nama)
		}
	}
	if !seen["DISDUKCAPIL-17"] || !seen["MPP-17.71"] || !seen["DISDUKCAPIL-17.05"] {
		t.Errorf("missing offices in %v", sortedKeys(seen))
	}
}

func TestSeed(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		n, err := Seed(ctx, st)
		if err != nil || n != len(Referensi()) {
			t.Fatalf("first seed created %d (%v), want %d", n, err, len(Referensi()))
		}
		n, err = Seed(ctx, st)
		if err != nil || n != 0 {
			t.Fatalf("second seed created %d (%v), want 0", n, err)
		}
		k, err := st.GetKantor(ctx, "DISDUKCAPIL-17.05")
		if err != nil || k.Jenis != store.DinasKabKota || k.WilayahKode != "17.05" {
			t.Errorf("Seluma's Dinas: %+v, %v", k, err)
		}
	})
}
