package wilayah_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/wilayah"
)

func TestDefaultLoadsOnce(t *testing.T) {
	d := wilayah.Default()
	if d == nil {
		t.Fatal("Default() = nil")
	}
	if wilayah.Default() != d {
		t.Error("Default() returned a different *Data on the second call")
	}
}

func TestProvinces(t *testing.T) {
	ps := wilayah.Default().All(wilayah.Provinsi)
	if len(ps) != 38 {
		t.Fatalf("got %d provinces, want 38", len(ps))
	}
	for _, p := range ps {
		if p.Pensiun {
			t.Errorf("province %s %s is marked retired", p.Kode, p.Nama)
		}
	}
}

func TestKabKotaOfEveryProvince(t *testing.T) {
	d := wilayah.Default()
	total := 0
	for _, p := range d.All(wilayah.Provinsi) {
		n := 0
		for _, c := range d.Children(p.Kode) {
			if c.Tingkat != wilayah.KabKota {
				t.Errorf("child %s of province %s has tingkat %s", c.Kode, p.Kode, c.Tingkat)
			}
			if !c.Pensiun {
				n++
			}
		}
		if n == 0 {
			t.Errorf("province %s %s has no kab/kota", p.Kode, p.Nama)
		}
		total += n
	}
	if total < 500 || total > 520 {
		t.Errorf("got %d kab/kota in all, want between 500 and 520 (514 in Kepmendagri 2025)", total)
	}
	if got := len(d.All(wilayah.KabKota)); got != total {
		t.Errorf("All(KabKota) has %d rows, but the provinces have %d children", got, total)
	}
	// A few provinces whose count is well known.
	for kode, want := range map[string]int{"17": 10, "31": 6, "34": 5, "65": 5, "93": 4, "96": 6} {
		if got := len(d.Children(kode)); got != want {
			t.Errorf("province %s has %d kab/kota, want %d", kode, got, want)
		}
	}
}

// bengkulu is the per-kab/kota table of domain.md §4.1 (Kepmendagri
// 300.2.2-2138/2025): active kecamatan, kelurahan and desa.
var bengkulu = map[string]struct{ kec, kel, desa int }{
	"17.01": {11, 16, 142},
	"17.02": {15, 34, 122},
	"17.03": {19, 5, 215},
	"17.04": {15, 3, 192},
	"17.05": {14, 20, 182},
	"17.06": {15, 3, 148},
	"17.07": {12, 11, 93},
	"17.08": {8, 12, 105},
	"17.09": {11, 1, 142},
	"17.71": {9, 67, 0},
}

func TestBengkuluTree(t *testing.T) {
	d := wilayah.Default()
	kabs := d.Children("17")
	if len(kabs) != 10 {
		t.Fatalf("Bengkulu has %d kab/kota, want 10", len(kabs))
	}
	var kec, retired, kel, desa int
	for _, kab := range kabs {
		want, ok := bengkulu[kab.Kode]
		if !ok {
			t.Errorf("unexpected kab/kota %s %s", kab.Kode, kab.Nama)
			continue
		}
		var k, l, ds int
		for _, c := range d.Children(kab.Kode) {
			if c.Pensiun {
				retired++
				if n := len(d.Children(c.Kode)); n != 0 {
					t.Errorf("retired kecamatan %s has %d desa/kelurahan", c.Kode, n)
				}
				continue
			}
			k++
			under := d.Children(c.Kode)
			if len(under) == 0 {
				t.Errorf("kecamatan %s %s has no desa/kelurahan", c.Kode, c.Nama)
			}
			for _, v := range under {
				switch v.Jenis {
				case "Kelurahan":
					l++
				case "Desa":
					ds++
				default:
					t.Errorf("%s has jenis %q", v.Kode, v.Jenis)
				}
			}
		}
		if k != want.kec || l != want.kel || ds != want.desa {
			t.Errorf("%s %s: %d kecamatan, %d kelurahan, %d desa; want %d, %d, %d",
				kab.Kode, kab.Nama, k, l, ds, want.kec, want.kel, want.desa)
		}
		kec, kel, desa = kec+k, kel+l, desa+ds
	}
	if kec != 129 || retired != 15 || kel != 172 || desa != 1341 {
		t.Errorf("Bengkulu: %d active and %d retired kecamatan, %d kelurahan, %d desa; want 129, 15, 172, 1341",
			kec, retired, kel, desa)
	}
	if got := len(d.All(wilayah.Desa)); got != 172+1341 {
		t.Errorf("All(Desa) has %d rows, want %d", got, 172+1341)
	}
}

// TestEveryRow checks the shape of every embedded row: the code's level and
// parent, that the parent exists one level up, and that jenis fits the code.
func TestEveryRow(t *testing.T) {
	d := wilayah.Default()
	seen := 0
	for _, lvl := range []wilayah.Tingkat{wilayah.Provinsi, wilayah.KabKota, wilayah.Kecamatan, wilayah.Desa} {
		prev := ""
		for _, w := range d.All(lvl) {
			seen++
			if w.Kode <= prev {
				t.Errorf("All(%s) is not ordered: %s after %s", lvl, w.Kode, prev)
			}
			prev = w.Kode
			if w.Nama == "" || strings.TrimSpace(w.Nama) != w.Nama || strings.Contains(w.Nama, "  ") {
				t.Errorf("%s: bad name %q", w.Kode, w.Nama)
			}
			if got := wilayah.Level(w.Kode); got != w.Tingkat {
				t.Errorf("Level(%q) = %v, row says %v", w.Kode, got, w.Tingkat)
			}
			if got := wilayah.Parent(w.Kode); got != w.Induk {
				t.Errorf("Parent(%q) = %q, row says %q", w.Kode, got, w.Induk)
			}
			if got, ok := d.Lookup(w.Kode); !ok || got != w {
				t.Errorf("Lookup(%q) = %+v, %v; want %+v", w.Kode, got, ok, w)
			}
			if w.Tingkat == wilayah.Provinsi {
				if w.Induk != "" || w.Jenis != "Provinsi" {
					t.Errorf("province %s: induk %q, jenis %q", w.Kode, w.Induk, w.Jenis)
				}
				continue
			}
			parent, ok := d.Lookup(w.Induk)
			switch {
			case !ok:
				t.Errorf("%s: parent %s is missing", w.Kode, w.Induk)
			case parent.Tingkat != w.Tingkat-1:
				t.Errorf("%s: parent %s is a %s", w.Kode, w.Induk, parent.Tingkat)
			case parent.Pensiun && !w.Pensiun:
				t.Errorf("%s is active under retired %s", w.Kode, w.Induk)
			}
			if want := wantJenis(w); w.Jenis != want {
				t.Errorf("%s %s: jenis %q, want %q", w.Kode, w.Nama, w.Jenis, want)
			}
			if !strings.HasPrefix(w.Kode, "17") && (w.Penduduk2025 != 0 || w.WajibKTP2024 != 0 || w.Terekam2024 != 0) {
				t.Errorf("%s outside Bengkulu has population figures", w.Kode)
			}
		}
	}
	if seen < 38+500+129+1513 {
		t.Errorf("only %d rows in the embedded data", seen)
	}
}

func wantJenis(w wilayah.Wilayah) string {
	switch w.Tingkat {
	case wilayah.KabKota:
		if wilayah.IsKota(w.Kode) {
			return "Kota"
		}
		return "Kabupaten"
	case wilayah.Kecamatan:
		return "Kecamatan"
	case wilayah.Desa:
		switch w.Kode[len(w.Kode)-4] {
		case '1':
			return "Kelurahan"
		case '2':
			return "Desa"
		}
		return "(first digit of the last four must be 1 or 2)"
	}
	return "Provinsi"
}

func TestLookupKnownRows(t *testing.T) {
	d := wilayah.Default()
	tests := []struct {
		kode, jenis, nama, induk string
		pensiun                  bool
	}{
		{"17", "Provinsi", "Bengkulu", "", false},
		{"17.71", "Kota", "Bengkulu", "17", false},
		{"17.03.01", "Kecamatan", "Enggano", "17.03", false},
		{"17.02.01", "Kecamatan", "(kode lama 17.02.01)", "17.02", true},
		{"17.71.01.1001", "Kelurahan", "Pagar Dewa", "17.71.01", false},
		{"17.71.03.1004", "Kelurahan", "Pasar Melintang", "17.71.03", false},
		{"17.03.01.2001", "Desa", "Banjar Sari", "17.03.01", false},
		{"17.01.04.2024", "Desa", "Mela'o", "17.01.04", false},
		{"11.01", "Kabupaten", "Aceh Selatan", "11", false},
		{"31.71", "Kota", "Administrasi Jakarta Pusat", "31", false},
		{"64.11", "Kabupaten", "Mahakam Ulu", "64", false},
		{"96.71", "Kota", "Sorong", "96", false},
	}
	for _, tt := range tests {
		w, ok := d.Lookup(tt.kode)
		if !ok {
			t.Errorf("Lookup(%q) found nothing", tt.kode)
			continue
		}
		if w.Jenis != tt.jenis || w.Nama != tt.nama || w.Induk != tt.induk || w.Pensiun != tt.pensiun {
			t.Errorf("Lookup(%q) = %s %q under %q (pensiun %v); want %s %q under %q (pensiun %v)",
				tt.kode, w.Jenis, w.Nama, w.Induk, w.Pensiun, tt.jenis, tt.nama, tt.induk, tt.pensiun)
		}
	}
	for _, kode := range []string{"", "00", "17.10", "17.71.10", "17.71.01.1099", "64.04", "17.71.01.x"} {
		if w, ok := d.Lookup(kode); ok {
			t.Errorf("Lookup(%q) = %+v, want nothing", kode, w)
		}
	}
	if w, _ := d.Lookup("17.71"); w.Penduduk2025 != 400533 || w.WajibKTP2024 != 280158 || w.Terekam2024 != 278361 {
		t.Errorf("Kota Bengkulu figures = %d, %d, %d; want 400533, 280158, 278361",
			w.Penduduk2025, w.WajibKTP2024, w.Terekam2024)
	}
}

func TestLevelAndParent(t *testing.T) {
	tests := []struct {
		kode   string
		level  wilayah.Tingkat
		parent string
	}{
		{"17", wilayah.Provinsi, ""},
		{"17.71", wilayah.KabKota, "17"},
		{"17.71.01", wilayah.Kecamatan, "17.71"},
		{"17.71.01.1001", wilayah.Desa, "17.71.01"},
		{"", 0, ""},
		{"1", 0, ""},
		{"177", 0, ""},
		{"17.7", 0, "17"},
		{"17.71.1", 0, "17.71"},
		{"17.71.01.101", 0, "17.71.01"},
		{"17.71.01.1001.1", 0, "17.71.01.1001"},
		{"1a.71", 0, "1a"},
		{"17-71", 0, ""},
	}
	for _, tt := range tests {
		if got := wilayah.Level(tt.kode); got != tt.level {
			t.Errorf("Level(%q) = %v, want %v", tt.kode, got, tt.level)
		}
		if got := wilayah.Parent(tt.kode); got != tt.parent {
			t.Errorf("Parent(%q) = %q, want %q", tt.kode, got, tt.parent)
		}
	}
}

func TestAncestor(t *testing.T) {
	tests := []struct {
		kode string
		t    wilayah.Tingkat
		want string
	}{
		{"17.71.01.1001", wilayah.Provinsi, "17"},
		{"17.71.01.1001", wilayah.KabKota, "17.71"},
		{"17.71.01.1001", wilayah.Kecamatan, "17.71.01"},
		{"17.71.01.1001", wilayah.Desa, "17.71.01.1001"},
		{"17.71.01", wilayah.Provinsi, "17"},
		{"17.71.01", wilayah.Kecamatan, "17.71.01"},
		{"17.71", wilayah.KabKota, "17.71"},
		{"17", wilayah.Provinsi, "17"},
		{"17.71", wilayah.Kecamatan, ""}, // below the code's own level
		{"17", wilayah.Desa, ""},
		{"17.7", wilayah.Provinsi, ""}, // malformed
		{"", wilayah.Provinsi, ""},
	}
	for _, tt := range tests {
		if got := wilayah.Ancestor(tt.kode, tt.t); got != tt.want {
			t.Errorf("Ancestor(%q, %v) = %q, want %q", tt.kode, tt.t, got, tt.want)
		}
	}
}

func TestFromDigits(t *testing.T) {
	tests := map[string]string{
		"177101":  "17.71.01",
		"170201":  "17.02.01",
		"110101":  "11.01.01",
		"17710":   "",
		"1771011": "",
		"17710a":  "",
		"":        "",
		"17.710":  "",
	}
	for in, want := range tests {
		if got := wilayah.FromDigits(in); got != want {
			t.Errorf("FromDigits(%q) = %q, want %q", in, got, want)
		}
	}
	// Every active Bengkulu kecamatan is reachable from the six digits of an NIK.
	d := wilayah.Default()
	for _, k := range d.All(wilayah.Kecamatan) {
		six := strings.ReplaceAll(k.Kode, ".", "")
		if got := wilayah.FromDigits(six); got != k.Kode {
			t.Errorf("FromDigits(%q) = %q, want %q", six, got, k.Kode)
		}
	}
}

func TestIsKota(t *testing.T) {
	tests := map[string]bool{
		"17.71":    true,
		"17.01":    false,
		"17.09":    false,
		"31.75":    true,
		"11.75":    true,
		"17.69":    false,
		"17":       false,
		"17.71.01": false,
		"17.7":     false,
		"":         false,
	}
	for in, want := range tests {
		if got := wilayah.IsKota(in); got != want {
			t.Errorf("IsKota(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestTingkatString(t *testing.T) {
	for tk, want := range map[wilayah.Tingkat]string{
		wilayah.Provinsi: "provinsi", wilayah.KabKota: "kabkota",
		wilayah.Kecamatan: "kecamatan", wilayah.Desa: "desa", 9: "tingkat(9)",
	} {
		if got := tk.String(); got != want {
			t.Errorf("Tingkat(%d).String() = %q, want %q", int(tk), got, want)
		}
	}
}

const header = "kode,tingkat,jenis,nama,induk,penduduk_2025,wajib_ktp_2024,terekam_2024,status\n"

func TestParseAccepts(t *testing.T) {
	d, err := wilayah.Parse(strings.NewReader(header +
		"17.71.01.1001,desa,Kelurahan,Pagar Dewa,17.71.01,,,,aktif\n" + // children may come first
		"17,provinsi,Provinsi,Bengkulu,,2127957,1536724,1483278,aktif\n" +
		"17.71,kabkota,Kota,Bengkulu,17,400533,280158,278361,aktif\n" +
		"17.71.01,kecamatan,Kecamatan,Selebar,17.71,,,,aktif\n" +
		"17.71.02,kecamatan,Kecamatan,(kode lama),17.71,,,,pensiun\n"))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if n := len(d.Children("17.71")); n != 2 {
		t.Errorf("Children(17.71) has %d rows, want 2", n)
	}
	if w, _ := d.Lookup("17.71.02"); !w.Pensiun {
		t.Error("17.71.02 is not marked retired")
	}
	if w, _ := d.Lookup("17"); w.Penduduk2025 != 2127957 || w.WajibKTP2024 != 1536724 || w.Terekam2024 != 1483278 {
		t.Errorf("17 figures = %d, %d, %d", w.Penduduk2025, w.WajibKTP2024, w.Terekam2024)
	}
}

func TestParseRejects(t *testing.T) {
	base := "17,provinsi,Provinsi,Bengkulu,,,,,aktif\n" +
		"17.71,kabkota,Kota,Bengkulu,17,,,,aktif\n" +
		"17.71.01,kecamatan,Kecamatan,Selebar,17.71,,,,aktif\n"
	tests := []struct {
		name, rows, want string
	}{
		{"duplicate code", base + "17.71,kabkota,Kota,Bengkulu,17,,,,aktif\n", "duplicate code 17.71"},
		{"duplicate desa", base +
			"17.71.01.1001,desa,Kelurahan,Pagar Dewa,17.71.01,,,,aktif\n" +
			"17.71.01.1001,desa,Kelurahan,Pagar Dewa,17.71.01,,,,aktif\n", "duplicate code 17.71.01.1001"},
		{"missing parent", base + "17.71.02.1001,desa,Kelurahan,Padang Harapan,17.71.02,,,,aktif\n", "parent 17.71.02 is missing"},
		{"missing province", "17.71,kabkota,Kota,Bengkulu,17,,,,aktif\n", "parent 17 is missing"},
		{"kecamatan shape, desa tingkat", base + "17.71.03,desa,Desa,X,17.71,,,,aktif\n", "does not fit tingkat desa"},
		{"desa shape, kecamatan tingkat", base + "17.71.01.2001,kecamatan,Kecamatan,X,17.71.01,,,,aktif\n", "does not fit tingkat kecamatan"},
		{"province shape, kabkota tingkat", "17,kabkota,Kabupaten,X,,,,,aktif\n", "does not fit tingkat kabkota"},
		{"malformed code", base + "17.71.01.101,desa,Desa,X,17.71.01,,,,aktif\n", "does not fit tingkat desa"},
		{"wrong induk", base + "17.71.01.1001,desa,Kelurahan,X,17.71,,,,aktif\n", "has parent \"17.71\", want \"17.71.01\""},
		{"unknown tingkat", base + "17.72,kota,Kota,X,17,,,,aktif\n", "unknown tingkat \"kota\""},
		{"bad number", base + "17.72,kabkota,Kota,X,17,12a,,,aktif\n", "bad number \"12a\""},
		{"too few fields", base + "17.72,kabkota,Kota,X,17\n", "wrong number of fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := wilayah.Parse(strings.NewReader(header + tt.rows))
			if err == nil {
				t.Fatal("Parse accepted the data")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse error = %q, want it to mention %q", err, tt.want)
			}
		})
	}
	if _, err := wilayah.Parse(strings.NewReader("")); err == nil {
		t.Error("Parse accepted an empty input")
	}
}

func ExampleData_Lookup() {
	d := wilayah.Default()
	w, ok := d.Lookup("17.71.03.1004")
	fmt.Println(ok, w.Jenis, w.Nama)
	kec, _ := d.Lookup(w.Induk)
	kota, _ := d.Lookup(kec.Induk)
	fmt.Println(kec.Nama+",", kota.Jenis, kota.Nama)
	_, ok = d.Lookup("17.71.99")
	fmt.Println(ok)
	// Output:
	// true Kelurahan Pasar Melintang
	// Teluk Segara, Kota Bengkulu
	// false
}
