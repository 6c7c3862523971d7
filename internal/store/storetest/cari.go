package storetest

import (
	"testing"

	"github.com/ikd-project/ikd/internal/store"
)

// cariTests covers the search by name.
var cariTests = []struct {
	name string
	fn   func(t *testing.T, st store.Store)
}{
	{"CariPenduduk", testCariPenduduk},
}

// testCariPenduduk: a name prefix within an area, in name and NIK order,
// narrowed by birth date or desa, limited; a prefix ending in Z and one
// with a non-ASCII letter are ranges too.
func testCariPenduduk(t *testing.T, st store.Store) {
	k := kk(kkN(1), nikN(1))
	must(t, st.CreateKK(ctx, &k))
	add := func(i int, nama, desa string, born int) {
		p := resident(nikN(i), kkN(1), store.FamiliLain)
		if i == 1 {
			p.Hubungan = store.KepalaKeluarga
		}
		p.Nama, p.DesaKode, p.TanggalLahir = nama, desa, day(born, 8, 17)
		must(t, st.CreatePenduduk(ctx, &p))
	}
	add(1, "SITI AMINAH", "17.71.01.1001", 1990)
	add(2, "SITI AISYAH", "17.71.01.1001", 1985)
	add(3, "SITI AMINAH", "17.71.02.1001", 1990) // another kecamatan
	add(4, "SITIZ", "17.71.01.1001", 1990)
	add(5, "SITI AMINAH", "17.01.01.2001", 1990) // another kab/kota
	add(6, "SITJ", "17.71.01.1001", 1990)
	add(7, "ZAINAL ÁRIF", "17.71.01.1001", 1990)
	add(8, "ZAINAL ÂRIF", "17.71.01.1001", 1990)

	niks := func(f store.CariFilter) []string {
		t.Helper()
		got, err := st.CariPenduduk(ctx, f)
		must(t, err)
		var out []string
		for _, p := range got {
			out = append(out, p.NIK[len(p.NIK)-1:])
		}
		return out
	}
	for _, c := range []struct {
		name string
		f    store.CariFilter
		want string
	}{
		{"prefix in a kab/kota", store.CariFilter{NamaPrefix: "SITI", WilayahKode: "17.71"}, "2134"},
		{"whole name", store.CariFilter{NamaPrefix: "SITI AMINAH", WilayahKode: "17.71"}, "13"},
		{"kecamatan", store.CariFilter{NamaPrefix: "SITI A", WilayahKode: "17.71.02"}, "3"},
		{"desa", store.CariFilter{NamaPrefix: "SITI", WilayahKode: "17.71.01.1001"}, "214"},
		{"birth date", store.CariFilter{NamaPrefix: "SITI", WilayahKode: "17.71", TanggalLahir: day(1985, 8, 17)}, "2"},
		{"province", store.CariFilter{NamaPrefix: "SITI AMINAH", WilayahKode: "17"}, "135"},
		{"limit", store.CariFilter{NamaPrefix: "SITI", WilayahKode: "17.71", Limit: 2}, "21"},
		{"ends in Z", store.CariFilter{NamaPrefix: "SITIZ", WilayahKode: "17.71"}, "4"},
		{"non-ASCII", store.CariFilter{NamaPrefix: "ZAINAL Á", WilayahKode: "17.71"}, "7"},
		{"nothing", store.CariFilter{NamaPrefix: "BUDI", WilayahKode: "17.71"}, ""},
	} {
		if got := niks(c.f); joined(got) != c.want {
			t.Errorf("%s: got %v, want %s", c.name, got, c.want)
		}
	}
	if _, err := st.CariPenduduk(ctx, store.CariFilter{WilayahKode: "17.71"}); err == nil {
		t.Error("a search without a name prefix")
	}
}

func joined(s []string) string {
	out := ""
	for _, x := range s {
		out += x
	}
	return out
}
