// Package wilayah holds Indonesia's administrative region reference data
// (wilayah administrasi pemerintahan): the 38 provinces, the kabupaten/kota
// codes needed to check NIKs, and the full tree of the pilot province,
// Bengkulu, down to kecamatan and desa/kelurahan.
//
// The data is embedded in the binary and tagged with the Kepmendagri edition
// it comes from. Codes that were retired are kept and marked, never deleted,
// because old NIK and KK numbers still carry them.
//
// Codes are written the Kemendagri way, with dots: "17" (provinsi), "17.71"
// (kab/kota), "17.71.01" (kecamatan), "17.71.01.1001" (kelurahan/desa).
package wilayah

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Edition names the official source of the embedded codes.
const Edition = "Kepmendagri 300.2.2-2138/2025"

// Tingkat is the administrative level of a region.
type Tingkat int

// The administrative levels, from the top.
const (
	Provinsi Tingkat = iota + 1
	KabKota
	Kecamatan
	Desa // kelurahan or desa
)

var tingkatNames = map[string]Tingkat{"provinsi": Provinsi, "kabkota": KabKota, "kecamatan": Kecamatan, "desa": Desa}

// String returns the level's lower-case name as used in the data file.
func (t Tingkat) String() string {
	for k, v := range tingkatNames {
		if v == t {
			return k
		}
	}
	return "tingkat(" + strconv.Itoa(int(t)) + ")"
}

// Wilayah is one administrative region.
type Wilayah struct {
	Kode    string  // dotted code, e.g. "17.71.01"
	Tingkat Tingkat // level
	Jenis   string  // "Provinsi", "Kabupaten", "Kota", "Kecamatan", "Kelurahan", "Desa"
	Nama    string  // official name
	Induk   string  // parent code, "" for a province
	// Penduduk2025 is the population (Dukcapil DKB semester II 2024, published 2025), where known.
	Penduduk2025 int
	// WajibKTP2024 and Terekam2024 are the residents who must hold a KTP and those
	// with a recorded e-KTP, August 2024, where known.
	WajibKTP2024 int
	Terekam2024  int
	// Pensiun is true for a retired code that is no longer in the current edition.
	Pensiun bool
}

// NamaLengkap is the name as pages write it, with its kind: "Kota
// Bengkulu", "Kecamatan Ratu Agung", "Provinsi Bengkulu".
func (w Wilayah) NamaLengkap() string {
	if w.Jenis == "" || strings.HasPrefix(w.Nama, w.Jenis+" ") {
		return w.Nama
	}
	return w.Jenis + " " + w.Nama
}

// Within reports whether the area with code kode is the area with code
// area or lies inside it.
func Within(kode, area string) bool {
	l := Level(area)
	return l != 0 && Ancestor(kode, l) == area
}

// Data is an immutable set of regions. Use [Default] for the embedded data.
type Data struct {
	byKode   map[string]*Wilayah
	children map[string][]*Wilayah
	list     []*Wilayah
}

//go:embed data/wilayah.csv
var embedded []byte

var defaultData = sync.OnceValue(func() *Data {
	d, err := Parse(bytes.NewReader(embedded))
	if err != nil {
		panic("wilayah: embedded data is broken: " + err.Error())
	}
	return d
})

// Default returns the embedded reference data. It is parsed once and shared.
func Default() *Data { return defaultData() }

// Parse reads region data in the CSV format of data/wilayah.csv: a header,
// then kode, tingkat, jenis, nama, induk, penduduk_2025, wajib_ktp_2024,
// terekam_2024, status (aktif or pensiun).
func Parse(r io.Reader) (*Data, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 9
	if _, err := cr.Read(); err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	d := &Data{byKode: map[string]*Wilayah{}, children: map[string][]*Wilayah{}}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read wilayah: %w", err)
		}
		w, err := parseRecord(rec)
		if err != nil {
			line, _ := cr.FieldPos(0)
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if _, dup := d.byKode[w.Kode]; dup {
			return nil, fmt.Errorf("duplicate code %s", w.Kode)
		}
		d.byKode[w.Kode] = w
		d.list = append(d.list, w)
	}
	sort.Slice(d.list, func(i, j int) bool { return d.list[i].Kode < d.list[j].Kode })
	for _, w := range d.list {
		if w.Induk == "" {
			continue
		}
		if _, ok := d.byKode[w.Induk]; !ok {
			return nil, fmt.Errorf("%s: parent %s is missing", w.Kode, w.Induk)
		}
		d.children[w.Induk] = append(d.children[w.Induk], w)
	}
	return d, nil
}

func parseRecord(rec []string) (*Wilayah, error) {
	t, ok := tingkatNames[rec[1]]
	if !ok {
		return nil, fmt.Errorf("unknown tingkat %q", rec[1])
	}
	w := &Wilayah{Kode: rec[0], Tingkat: t, Jenis: rec[2], Nama: rec[3], Induk: rec[4], Pensiun: rec[8] == "pensiun"}
	if Level(w.Kode) != t {
		return nil, fmt.Errorf("code %q does not fit tingkat %s", w.Kode, t)
	}
	if Parent(w.Kode) != w.Induk {
		return nil, fmt.Errorf("code %q has parent %q, want %q", w.Kode, w.Induk, Parent(w.Kode))
	}
	for i, dst := range []*int{&w.Penduduk2025, &w.WajibKTP2024, &w.Terekam2024} {
		if rec[5+i] == "" {
			continue
		}
		n, err := strconv.Atoi(rec[5+i])
		if err != nil {
			return nil, fmt.Errorf("%s: bad number %q", w.Kode, rec[5+i])
		}
		*dst = n
	}
	return w, nil
}

// Lookup returns the region with the given dotted code.
func (d *Data) Lookup(kode string) (Wilayah, bool) {
	w, ok := d.byKode[kode]
	if !ok {
		return Wilayah{}, false
	}
	return *w, true
}

// Children returns the regions directly under kode, ordered by code,
// retired ones included.
func (d *Data) Children(kode string) []Wilayah {
	return values(d.children[kode])
}

// All returns every region at the given level, ordered by code.
func (d *Data) All(t Tingkat) []Wilayah {
	var out []*Wilayah
	for _, w := range d.list {
		if w.Tingkat == t {
			out = append(out, w)
		}
	}
	return values(out)
}

func values(ws []*Wilayah) []Wilayah {
	out := make([]Wilayah, len(ws))
	for i, w := range ws {
		out[i] = *w
	}
	return out
}

// Level returns the administrative level a dotted code's shape implies, or 0
// when it is not a well-formed code.
func Level(kode string) Tingkat {
	parts := strings.Split(kode, ".")
	want := []int{2, 2, 2, 4}
	if len(parts) > len(want) {
		return 0
	}
	for i, p := range parts {
		if len(p) != want[i] || !allDigits(p) {
			return 0
		}
	}
	return Tingkat(len(parts))
}

// Parent returns the code of the region directly above kode, or "" for a
// province or a malformed code.
func Parent(kode string) string {
	i := strings.LastIndexByte(kode, '.')
	if i < 0 {
		return ""
	}
	return kode[:i]
}

// Ancestor returns the code of kode's region at level t (kode itself when it
// is at that level), or "" when kode is above t or malformed.
func Ancestor(kode string, t Tingkat) string {
	l := Level(kode)
	if l == 0 || l < t {
		return ""
	}
	for ; l > t; l-- {
		kode = Parent(kode)
	}
	return kode
}

// FromDigits turns the first six digits of an NIK or KK number ("177101")
// into a dotted kecamatan code ("17.71.01").
func FromDigits(six string) string {
	if len(six) != 6 || !allDigits(six) {
		return ""
	}
	return six[0:2] + "." + six[2:4] + "." + six[4:6]
}

// IsKota reports whether a kab/kota code denotes a kota (71-99) rather than a
// kabupaten (01-69).
func IsKota(kabkota string) bool {
	if Level(kabkota) != KabKota {
		return false
	}
	return kabkota[3] >= '7'
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
