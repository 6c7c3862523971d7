package demo

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/ikd-project/ikd/internal/kantor"
	"hash"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/nik"
	"github.com/ikd-project/ikd/internal/penduduk"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// province is a generated province kept in memory for the tests.
type province struct {
	opts    Options
	batches []*store.Batch
	stats   *stats
}

// provinceOnce generates the province at scale 0.02 (about 42,500
// residents) once for all tests.
var provinceOnce = sync.OnceValues(func() (*province, error) {
	opts := Options{Seed: 42, Scale: 0.02, AsOf: testAsOf, BatchSize: 3000}
	p := &province{opts: opts, stats: newStats()}
	err := Generate(opts, func(b *store.Batch) error {
		p.batches = append(p.batches, b)
		p.stats.add(b, opts.AsOf)
		return nil
	})
	return p, err
})

func testProvince(t *testing.T) *province {
	t.Helper()
	p, err := provinceOnce()
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return p
}

func (p *province) residents() []*store.Penduduk {
	var out []*store.Penduduk
	for _, b := range p.batches {
		for i := range b.Penduduk {
			out = append(out, &b.Penduduk[i])
		}
	}
	return out
}

func (p *province) families() map[string]*store.KartuKeluarga {
	out := map[string]*store.KartuKeluarga{}
	for _, b := range p.batches {
		for i := range b.Keluarga {
			out[b.Keluarga[i].NoKK] = &b.Keluarga[i]
		}
	}
	return out
}

// digest hashes every row of every batch, batch boundaries included.
func digest(opts Options) (string, error) {
	h := sha256.New()
	err := Generate(opts, func(b *store.Batch) error {
		writeBatch(h, b)
		return nil
	})
	return fmt.Sprintf("%x", h.Sum(nil)), err
}

func writeBatch(h hash.Hash, b *store.Batch) {
	fmt.Fprintf(h, "batch %d %d %d %s\n", len(b.Keluarga), len(b.Penduduk), len(b.KTPel), b.At.Format(time.RFC3339))
	for _, k := range b.Keluarga {
		fmt.Fprintf(h, "%+v\n", k)
	}
	for _, p := range b.Penduduk {
		fmt.Fprintf(h, "%+v\n", p)
	}
	for _, c := range b.KTPel {
		fmt.Fprintf(h, "%+v\n", c)
	}
	binary.Write(h, binary.BigEndian, int64(len(b.Penduduk)))
}

func TestGenerateIsDeterministic(t *testing.T) {
	opts := Options{Seed: 7, Scale: 0.01, AsOf: testAsOf}
	a, err := digest(opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := digest(opts)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Fatalf("two runs with the same options differ: %s vs %s", a, b)
	}
	opts.Seed = 8
	c, err := digest(opts)
	if err != nil {
		t.Fatal(err)
	}
	if c == a {
		t.Fatal("a different seed gave the same province")
	}
}

func TestTotalsPerKabKota(t *testing.T) {
	p := testProvince(t)
	total := 0
	for _, kab := range wilayah.Default().Children(Province) {
		if kab.Tingkat != wilayah.KabKota || kab.Pensiun {
			continue
		}
		want := int(math.Round(float64(kab.Penduduk2025) * p.opts.Scale))
		if got := p.stats.kab[kab.Kode]; got != want {
			t.Errorf("%s %s: %d residents, want %d", kab.Kode, kab.Nama, got, want)
		}
		total += want
	}
	if p.stats.n != total || Total(p.opts) != p.stats.n {
		t.Errorf("emitted %d residents, Total says %d, sum of kab/kota %d", p.stats.n, Total(p.opts), total)
	}
	if n := Total(Options{Scale: 1}); n != 2127957 {
		t.Errorf("Total at scale 1 = %d, want Bengkulu's 2,127,957", n)
	}
}

func TestNIKs(t *testing.T) {
	p := testProvince(t)
	seen := map[string]bool{}
	home, retired, foreign := 0, 0, 0
	d := wilayah.Default()
	for _, r := range p.residents() {
		if seen[r.NIK] {
			t.Fatalf("NIK %s appears twice", r.NIK)
		}
		seen[r.NIK] = true
		info, err := nik.Parse(r.NIK)
		if err != nil {
			t.Fatalf("NIK %s: %v", r.NIK, err)
		}
		sex := nik.Male
		if r.JenisKelamin == store.Perempuan {
			sex = nik.Female
		}
		if ws := nik.CrossCheck(info, sex, r.TanggalLahir); len(ws) > 0 {
			t.Fatalf("NIK %s disagrees with sex %s, birth %s: %v", r.NIK, r.JenisKelamin, r.TanggalLahir.Format(time.DateOnly), ws)
		}
		if info.Serial > 9999 || info.Serial < 1 {
			t.Fatalf("NIK %s: serial %d", r.NIK, info.Serial)
		}
		kec, known := d.Lookup(info.Kecamatan)
		switch {
		case info.Kecamatan == wilayah.Ancestor(r.DesaKode, wilayah.Kecamatan):
			home++
		case known && kec.Pensiun:
			retired++
		case info.Provinsi != Province:
			foreign++
		}
	}
	n := len(seen)
	t.Logf("NIK prefixes: home %.1f%%, retired codes %d, other provinces %.1f%%", pct(home, n), retired, pct(foreign, n))
	if pct(home, n) < 85 || pct(home, n) > 97 {
		t.Errorf("home-kecamatan NIKs %.1f%%, want mostly (85-97%%)", pct(home, n))
	}
	if retired == 0 || foreign == 0 || pct(foreign, n) > 8 {
		t.Errorf("want some NIKs under retired codes (%d) and a few from other provinces (%.1f%%)", retired, pct(foreign, n))
	}
}

// TestNIKsUniqueAtLargerScale checks uniqueness on a bigger province,
// where serials per birth date run higher (see the comment in nik.go for
// the argument up to MaxScale).
func TestNIKsUniqueAtLargerScale(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	seen := make(map[string]struct{}, 650_000)
	kks := make(map[string]struct{}, 200_000)
	cards := make(map[string]struct{}, 460_000)
	err := Generate(Options{Seed: 3, Scale: 0.3, AsOf: testAsOf}, func(b *store.Batch) error {
		for i := range b.Penduduk {
			if _, dup := seen[b.Penduduk[i].NIK]; dup {
				return fmt.Errorf("NIK %s twice", b.Penduduk[i].NIK)
			}
			seen[b.Penduduk[i].NIK] = struct{}{}
		}
		for i := range b.Keluarga {
			if _, dup := kks[b.Keluarga[i].NoKK]; dup {
				return fmt.Errorf("KK %s twice", b.Keluarga[i].NoKK)
			}
			kks[b.Keluarga[i].NoKK] = struct{}{}
		}
		for i := range b.KTPel {
			if _, dup := cards[b.KTPel[i].BlangkoSerial]; dup {
				return fmt.Errorf("card %s twice", b.KTPel[i].BlangkoSerial)
			}
			cards[b.KTPel[i].BlangkoSerial] = struct{}{}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestFamilies(t *testing.T) {
	p := testProvince(t)
	kks := p.families()
	heads := map[string][]string{}
	for _, r := range p.residents() {
		kk, ok := kks[r.NoKK]
		if !ok {
			t.Fatalf("%s: NoKK %s has no family card", r.NIK, r.NoKK)
		}
		if r.Alamat != kk.Alamat || r.RT != kk.RT || r.RW != kk.RW || r.DesaKode != kk.DesaKode {
			t.Fatalf("%s lives at %s RT %s RW %s %s, the KK says %s RT %s RW %s %s",
				r.NIK, r.Alamat, r.RT, r.RW, r.DesaKode, kk.Alamat, kk.RT, kk.RW, kk.DesaKode)
		}
		if r.Hubungan == store.KepalaKeluarga {
			heads[r.NoKK] = append(heads[r.NoKK], r.NIK)
		}
	}
	for no, kk := range kks {
		if h := heads[no]; len(h) != 1 || h[0] != kk.KepalaNIK {
			t.Fatalf("KK %s: heads %v, KepalaNIK %s", no, h, kk.KepalaNIK)
		}
		info, err := nik.ParseKK(no)
		if err != nil {
			t.Fatalf("KK %s: %v", no, err)
		}
		if info.Kecamatan != wilayah.Ancestor(kk.DesaKode, wilayah.Kecamatan) {
			t.Fatalf("KK %s issued in %s, family lives in %s", no, info.Kecamatan, kk.DesaKode)
		}
		if got, want := no[6:12], kk.TanggalTerbit.Format("020106"); got != want {
			t.Fatalf("KK %s: date part %s, issued %s", no, got, want)
		}
		if kk.TanggalTerbit.After(p.opts.AsOf) {
			t.Fatalf("KK %s issued after AsOf", no)
		}
	}
	if got := p.stats.kk; got != len(kks) {
		t.Fatalf("%d family cards emitted, %d distinct numbers", got, len(kks))
	}
	mean := float64(p.stats.n) / float64(len(kks))
	if mean < 3.0 || mean > 3.9 {
		t.Errorf("mean family size %.2f, want 3.0-3.9 (Bengkulu: 3.26-3.4)", mean)
	}
	if p.stats.famSize[1] == 0 || p.stats.famSize[6] == 0 {
		t.Errorf("family sizes %v: want single-person and large households too", p.stats.famSize)
	}
	for _, rel := range []store.Hubungan{store.Istri, store.Suami, store.Anak, store.Cucu, store.OrangTua, store.Mertua, store.Menantu, store.FamiliLain} {
		if p.stats.rel[rel] == 0 {
			t.Errorf("no %s in the province", rel)
		}
	}
}

// TestMaritalStatus checks that marital status fits the relationships.
func TestMaritalStatus(t *testing.T) {
	p := testProvince(t)
	members := map[string][]*store.Penduduk{}
	for _, r := range p.residents() {
		members[r.NoKK] = append(members[r.NoKK], r)
	}
	for no, ms := range members {
		head := ms[0]
		if head.Hubungan != store.KepalaKeluarga {
			t.Fatalf("KK %s: first member is %s, want the head first", no, head.Hubungan)
		}
		for _, r := range ms {
			age := penduduk.Age(r.TanggalLahir, p.opts.AsOf)
			switch {
			case r.Hubungan == store.Istri || r.Hubungan == store.Suami || r.Hubungan == store.Menantu:
				if r.StatusKawin != store.Kawin {
					t.Fatalf("%s %s is %s", r.Hubungan, r.NIK, r.StatusKawin)
				}
				if r.Hubungan != store.Menantu && head.StatusKawin != store.Kawin {
					t.Fatalf("KK %s: a spouse, and the head is %s", no, head.StatusKawin)
				}
			case age < 17 && r.StatusKawin != store.BelumKawin:
				t.Fatalf("%s aged %d is %s", r.NIK, age, r.StatusKawin)
			case r.Hubungan == store.Anak && penduduk.Age(head.TanggalLahir, r.TanggalLahir) < 12:
				t.Fatalf("KK %s: child %s born when the head was %d", no, r.NIK, penduduk.Age(head.TanggalLahir, r.TanggalLahir))
			}
			if r.Hubungan == store.Istri && (r.JenisKelamin != store.Perempuan || head.JenisKelamin != store.LakiLaki) {
				t.Fatalf("KK %s: ISTRI %s %s with head %s", no, r.NIK, r.JenisKelamin, head.JenisKelamin)
			}
		}
	}
}

func TestShares(t *testing.T) {
	s := testProvince(t).stats
	t.Log("\n" + s.String())
	check := func(what string, got, lo, hi float64) {
		t.Helper()
		if got < lo || got > hi {
			t.Errorf("%s = %.2f, want %.0f-%.0f", what, got, lo, hi)
		}
	}
	check("wajib KTP %", pct(s.wajib, s.n), 68, 76)
	check("recorded % of wajib KTP", pct(s.rekam, s.wajib), 95, 98)
	check("sex ratio", 100*float64(s.male)/float64(s.n-s.male), 100, 108)
	check("Islam %", pct(s.agama["ISLAM"], s.n), 95, 99)
	check("Kristen+Katolik %", pct(s.agama["KRISTEN"]+s.agama["KATOLIK"], s.n), 1, 3.5)
	check("aged 65+ %", pct(s.band[13]+s.band[14]+s.band[15]+s.band[16]+s.band[17]+s.band[18]+s.band[19], s.n), 4.5, 8)
	for i := 0; i < 7; i++ { // 0-4 .. 30-34: about 8% each
		check(fmt.Sprintf("aged %d-%d %%", i*5, i*5+4), pct(s.band[i], s.n), 6.5, 10)
	}
	check("adults with a phone %", pct(s.phone, s.adults), 75, 95)
	check("adults with an e-mail %", pct(s.email, s.adults), 50, 85)
	known := s.n - s.blood["-"]
	check("blood O % of known", pct(s.blood["O"], known), 35, 45)
	check("NONAKTIF %", pct(s.status["NONAKTIF"], s.n), 0.3, 3)
	check("MATI %", pct(s.status["MATI"], s.n), 0.02, 1)
	// per kab/kota recording shares follow the August 2024 figures
	for _, kab := range []struct {
		kode string
		want float64
	}{{"17.05", 92.04}, {"17.71", 99.36}, {"17.04", 94.13}, {"17.08", 96.52}} {
		check("recorded % in "+kab.kode, pct(s.kabRekam[kab.kode], s.kabWajib[kab.kode]), kab.want-3, kab.want+3)
	}
}

func TestResidents(t *testing.T) {
	p := testProvince(t)
	d := wilayah.Default()
	asOf := p.opts.AsOf
	ektp := time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC)
	recorded16 := 0
	for _, r := range p.residents() {
		if w, ok := d.Lookup(r.DesaKode); !ok || w.Tingkat != wilayah.Desa || w.Pensiun {
			t.Fatalf("%s: DesaKode %s is not an active desa/kelurahan", r.NIK, r.DesaKode)
		}
		if words := strings.Fields(r.Nama); len(words) < 1 || len(words) > 3 || r.Nama != strings.ToUpper(r.Nama) {
			t.Fatalf("%s: name %q, want 1-3 upper-case words", r.NIK, r.Nama)
		}
		if r.TempatLahir == "" || r.Agama == "" || r.Pekerjaan == "" || r.GolonganDarah == "" || r.Kewarganegaraan != "WNI" {
			t.Fatalf("%s: missing fields: %+v", r.NIK, r)
		}
		if len(r.RT) != 3 || len(r.RW) != 3 || r.RT == "000" || r.RW == "000" {
			t.Fatalf("%s: RT %q RW %q", r.NIK, r.RT, r.RW)
		}
		age := penduduk.Age(r.TanggalLahir, asOf)
		if age < 0 || age > 99 || r.TanggalLahir.After(asOf) {
			t.Fatalf("%s: born %s", r.NIK, r.TanggalLahir)
		}
		if age < 17 && (r.Email != "" || r.Telepon != "") {
			t.Fatalf("%s aged %d has e-mail %q, phone %q", r.NIK, age, r.Email, r.Telepon)
		}
		if age < 15 && r.Pekerjaan != jPelajar && r.Pekerjaan != jBelumBekerja {
			t.Fatalf("%s aged %d works as %s", r.NIK, age, r.Pekerjaan)
		}
		checkContact(t, r)
		if rk := r.TanggalPerekaman; !rk.IsZero() {
			if rk.Before(r.TanggalLahir.AddDate(16, 0, 0)) || rk.Before(ektp) || rk.After(asOf) {
				t.Fatalf("%s born %s recorded %s", r.NIK, r.TanggalLahir.Format(time.DateOnly), rk.Format(time.DateOnly))
			}
			if age == 16 {
				recorded16++
			}
		}
		if r.StatusNIK == store.NIKNonaktif && (!r.TanggalPerekaman.IsZero() || age < 22) {
			t.Fatalf("%s is NONAKTIF at %d, recorded %v", r.NIK, age, r.TanggalPerekaman)
		}
	}
	if recorded16 == 0 {
		t.Error("no 16-year-old has recorded; recording is allowed from 16")
	}
}

// operatorPrefixes are the mobile prefixes the demo may use.
var operatorPrefixes = strings.Fields("0811 0812 0813 0821 0822 0823 0851 0852 0853 0814 0815 0816 0817 0818 0819 " +
	"0859 0877 0878 0831 0832 0833 0834 0835 0836 0837 0838 0895 0896 0897 0898 0899 " +
	"0881 0882 0883 0884 0885 0886 0887 0888 0889")

func checkContact(t *testing.T, r *store.Penduduk) {
	t.Helper()
	if ph := r.Telepon; ph != "" {
		if len(ph) < 11 || len(ph) > 13 || !slices.Contains(operatorPrefixes, ph[:4]) || strings.Trim(ph, "0123456789") != "" {
			t.Fatalf("%s: phone %q", r.NIK, ph)
		}
	}
	if e := r.Email; e != "" {
		at := strings.IndexByte(e, '@')
		if at < 2 || strings.ToLower(e) != e || strings.ContainsAny(e, " ,;") || !strings.Contains(e[at:], ".") {
			t.Fatalf("%s: e-mail %q", r.NIK, e)
		}
	}
}

func TestCards(t *testing.T) {
	p := testProvince(t)
	byNIK := map[string]*store.Penduduk{}
	for _, r := range p.residents() {
		byNIK[r.NIK] = r
	}
	offices := map[string]bool{}
	for _, k := range kantor.Referensi() {
		offices[k.Kode] = true
	}
	serials := map[string]bool{}
	perNIK := map[string][]store.KTPel{}
	status := map[store.StatusKTPel]int{}
	for _, b := range p.batches {
		for _, c := range b.KTPel {
			if serials[c.BlangkoSerial] {
				t.Fatalf("blangko serial %s twice", c.BlangkoSerial)
			}
			serials[c.BlangkoSerial] = true
			r, ok := byNIK[c.NIK]
			if !ok {
				t.Fatalf("card %s for unknown NIK", c.BlangkoSerial)
			}
			if len(c.BlangkoSerial) != 20 || !strings.HasPrefix(c.BlangkoSerial, "BLK"+c.DicetakAt.Format("2006")) {
				t.Fatalf("card serial %q printed %s", c.BlangkoSerial, c.DicetakAt)
			}
			if want := "DISDUKCAPIL-" + r.DesaKode[:5]; c.KantorKode != want || !offices[c.KantorKode] {
				t.Fatalf("card %s printed at %s, want %s", c.BlangkoSerial, c.KantorKode, want)
			}
			if r.TanggalPerekaman.IsZero() || c.DicetakAt.Before(r.TanggalPerekaman) || !c.DicetakAt.Before(p.opts.AsOf) ||
				c.DicetakAt.Before(r.TanggalLahir.AddDate(17, 0, 0)) {
				t.Fatalf("card %s printed %s for %s born %s recorded %s", c.BlangkoSerial, c.DicetakAt, c.NIK, r.TanggalLahir, r.TanggalPerekaman)
			}
			perNIK[c.NIK] = append(perNIK[c.NIK], c)
			status[c.Status]++
		}
	}
	for n, cs := range perNIK {
		for i, c := range cs {
			if c.Status == store.Diganti && (i == len(cs)-1 || !cs[i+1].DicetakAt.After(c.DicetakAt)) {
				t.Fatalf("%s: card %s DIGANTI without a newer card", n, c.BlangkoSerial)
			}
		}
	}
	recordedAdults := 0
	for _, r := range byNIK {
		if !r.TanggalPerekaman.IsZero() && penduduk.Age(r.TanggalLahir, p.opts.AsOf) >= 17 {
			recordedAdults++
		}
	}
	t.Logf("cards by status: %v; %d recorded adults, %d with a card", status, recordedAdults, len(perNIK))
	if pct(status[store.Diserahkan], recordedAdults) < 90 {
		t.Errorf("%d cards handed over for %d recorded adults, want most", status[store.Diserahkan], recordedAdults)
	}
	for _, s := range []store.StatusKTPel{store.Diganti, store.Hilang, store.Rusak} {
		if status[s] == 0 || pct(status[s], len(perNIK)) > 6 {
			t.Errorf("%d cards %s, want a small share", status[s], s)
		}
	}
}

func TestBatches(t *testing.T) {
	p := testProvince(t)
	last := ""
	for i, b := range p.batches {
		if len(b.Penduduk) == 0 || len(b.Penduduk) > p.opts.BatchSize {
			t.Fatalf("batch %d has %d residents, BatchSize %d", i, len(b.Penduduk), p.opts.BatchSize)
		}
		if !b.At.Equal(p.opts.AsOf) {
			t.Fatalf("batch %d At %s", i, b.At)
		}
		kks := map[string]bool{}
		for _, k := range b.Keluarga {
			kks[k.NoKK] = true
		}
		for _, r := range b.Penduduk {
			if !kks[r.NoKK] {
				t.Fatalf("batch %d: %s's family card is in another batch", i, r.NIK)
			}
			if kec := r.DesaKode[:8]; kec < last {
				t.Fatalf("batch %d: kecamatan %s after %s", i, kec, last)
			} else {
				last = kec
			}
		}
	}
	if len(p.batches) < 2 {
		t.Fatalf("%d batches of %d at most for %d residents", len(p.batches), p.opts.BatchSize, p.stats.n)
	}
}

func TestNameLists(t *testing.T) {
	distinct := func(lists ...[]string) int {
		m := map[string]bool{}
		for _, l := range lists {
			for _, s := range l {
				m[s] = true
			}
		}
		return len(m)
	}
	if n := distinct(maleClassic, maleModern, maleJawa, batakMale, baliMale, tionghoaMale); n < 150 {
		t.Errorf("%d male given names, want at least 150", n)
	}
	if n := distinct(femaleClassic, femaleModern, femaleJawa, batakFemale, baliFemale, tionghoaFemale); n < 150 {
		t.Errorf("%d female given names, want at least 150", n)
	}
	if n := distinct(maleSecond, femaleSecond, marga, tionghoaFamily); n < 60 {
		t.Errorf("%d second and family names, want at least 60", n)
	}
	p := testProvince(t)
	names := map[string]int{}
	for _, r := range p.residents() {
		names[r.Nama]++
	}
	if share := pct(len(names), p.stats.n); share < 50 {
		t.Errorf("only %d distinct names for %d residents", len(names), p.stats.n)
	}
}

func TestOptions(t *testing.T) {
	noop := func(*store.Batch) error { return nil }
	for _, o := range []Options{
		{Scale: 11, AsOf: testAsOf},
		{Scale: -1, AsOf: testAsOf},
		{Scale: math.NaN(), AsOf: testAsOf},
		{Scale: 0.01},
		{Scale: 0.01, AsOf: time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		if err := Generate(o, noop); err == nil {
			t.Errorf("Generate(%+v) accepted bad options", o)
		}
	}
	if Total(Options{Scale: 11}) != 0 {
		t.Error("Total accepts scale 11")
	}
	stop := errors.New("stop")
	if err := Generate(Options{Scale: 0.01, AsOf: testAsOf}, func(*store.Batch) error { return stop }); err != stop {
		t.Errorf("Generate returned %v, want emit's error", err)
	}
	// AsOf is used as a UTC date: a time of day changes nothing.
	a, _ := digest(Options{Scale: 0.002, AsOf: testAsOf})
	b, _ := digest(Options{Scale: 0.002, AsOf: testAsOf.Add(15 * time.Hour)})
	if a != b {
		t.Error("the time of day of AsOf changes the output")
	}
}

// TestMissingDesa: a kecamatan without desa in the region data is an
// error, not a reason to invent codes.
func TestMissingDesa(t *testing.T) {
	csv := "kode,tingkat,jenis,nama,induk,penduduk_2025,wajib_ktp_2024,terekam_2024,status\n" +
		"17,provinsi,Provinsi,Bengkulu,,1000,,,aktif\n" +
		"17.01,kabkota,Kabupaten,Bengkulu Selatan,17,1000,,,aktif\n" +
		"17.01.01,kecamatan,Kecamatan,Kedurang,17.01,,,,aktif\n" +
		"17.01.01.2001,desa,Desa,Tanjung Besar,17.01.01,,,,aktif\n" +
		"17.01.02,kecamatan,Kecamatan,Seginim,17.01,,,,aktif\n"
	d, err := wilayah.Parse(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newPlan(d, 1); err == nil || !strings.Contains(err.Error(), "17.01.02") {
		t.Fatalf("newPlan = %v, want an error naming kecamatan 17.01.02", err)
	}
}

func TestApportion(t *testing.T) {
	for _, c := range []struct {
		n    int
		w    []int
		want []int
	}{
		{10, []int{1, 1, 1}, []int{4, 3, 3}},
		{0, []int{5, 1}, []int{0, 0}},
		{7, []int{1, 2, 4}, []int{1, 2, 4}},
		{5, []int{1000, 1}, []int{5, 0}},
	} {
		if got := apportion(c.n, c.w); !slices.Equal(got, c.want) {
			t.Errorf("apportion(%d, %v) = %v, want %v", c.n, c.w, got, c.want)
		}
	}
}

func TestDates(t *testing.T) {
	for day := dayNum(1900, 1, 1); day <= dayNum(2100, 12, 31); day += 17 {
		tm := time.Unix(int64(day)*86400, 0).UTC()
		y, m, d := civil(day)
		if y != tm.Year() || m != int(tm.Month()) || d != tm.Day() || dayNum(y, m, d) != day {
			t.Fatalf("day %d: civil %d-%d-%d, time says %s", day, y, m, d, tm)
		}
		b := mkDate(day)
		if got, want := dayTime(b.plus(17)), tm.AddDate(17, 0, 0); !got.Equal(want) && !(m == 2 && d == 29) {
			t.Fatalf("%s plus 17 years = %s, want %s", tm, got, want)
		}
		at := mkDate(day + 6000)
		if got, want := b.ageOn(at), penduduk.Age(tm, dayTime(at.n)); got != want {
			t.Fatalf("age of %s on %s = %d, want %d", tm, dayTime(at.n), got, want)
		}
	}
}

// TestLoadStock: the demo ledger writes once, never overdraws, and leaves
// a province with a unit to alert (Seluma) and one with months of stock.
func TestLoadStock(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		if _, err := kantor.Seed(ctx, st); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
		for range 2 {
			if err := LoadStock(ctx, st, now, 1); err != nil {
				t.Fatal(err)
			}
		}
		saldo, err := st.ListSaldo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, s := range saldo {
			got[s.KantorKode] = s.Saldo
		}
		used, err := st.SumMutasi(ctx, store.Pemakaian, now.AddDate(0, 0, -61))
		if err != nil {
			t.Fatal(err)
		}
		if got["DISDUKCAPIL-17.05"] >= 300 || got["DISDUKCAPIL-17.06"] < 9000 || used["DISDUKCAPIL-17.71"] < 1000 {
			t.Errorf("balances %v, used %v", got, used)
		}
	})
}

// TestLoadRequests: the demo's requests are written once, in their states.
func TestLoadRequests(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		if err := Load(ctx, st, Options{Seed: 1, Scale: 0.002, AsOf: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}, nil, nil); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := LoadRequests(ctx, st, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		all, err := st.ListPermohonan(ctx, "DISDUKCAPIL-17.71", false, 100)
		if err != nil {
			t.Fatal(err)
		}
		open, _ := st.ListPermohonan(ctx, "DISDUKCAPIL-17.71", true, 100)
		saved, _ := st.CountIKD(ctx, time.Now().AddDate(0, 0, -30))
		if len(all) != len(demoRequests) || len(open) != len(demoRequests)-1 || saved["DISDUKCAPIL-17.71"] != 1 {
			t.Errorf("%d requests, %d open, %v saved by IKD", len(all), len(open), saved)
		}
	})
}
