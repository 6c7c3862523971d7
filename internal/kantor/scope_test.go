package kantor_test

import (
	"testing"

	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/store"
)

// TestCovers: each kind of office covers exactly its region.
func TestCovers(t *testing.T) {
	desa := "17.71.01.1001" // a kelurahan of Kota Bengkulu, kecamatan 17.71.01
	for _, tc := range []struct {
		wilayah string
		want    bool
	}{
		{"17", true}, {"17.71", true}, {"17.71.01", true},
		{"17.01", false}, {"17.71.02", false}, {"31", false}, {"17.7", false}, {"", false}, {"1", false},
	} {
		k := store.Kantor{Kode: "X", WilayahKode: tc.wilayah}
		if got := kantor.Covers(k, desa); got != tc.want {
			t.Errorf("office of %q covers %s: %v, want %v", tc.wilayah, desa, got, tc.want)
		}
	}
	if !kantor.CoversNIK(store.Kantor{WilayahKode: "17.71"}, "1771015708900001") ||
		kantor.CoversNIK(store.Kantor{WilayahKode: "17.01"}, "1771015708900001") || kantor.CoversNIK(store.Kantor{WilayahKode: "17"}, "17") {
		t.Error("CoversNIK")
	}
}
