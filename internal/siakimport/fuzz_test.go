package siakimport

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ikd-project/ikd/internal/nik"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// fuzzColumns are the columns FuzzParseRow varies; the others come from a
// good row.
var fuzzColumns = []string{"NIK", "NO_KK", "NAMA_LGKP", "TGL_LHR", "JENIS_KLMIN", "GOL_DRH", "STAT_HBKEL",
	"NO_RT", "NO_KEC", "NO_KEL", "EMAIL", "NO_HP", "TGL_REKAM", "TGL_KK"}

// FuzzParseRow checks that no row makes the parser or Run panic, and that a
// row that passes validation holds only valid values: above all an NIK that
// nik.Parse accepts.
func FuzzParseRow(f *testing.F) {
	seed := func(v map[string]string) {
		f.Add(v["NIK"], v["NO_KK"], v["NAMA_LGKP"], v["TGL_LHR"], v["JENIS_KLMIN"], v["GOL_DRH"], v["STAT_HBKEL"],
			v["NO_RT"], v["NO_KEC"], v["NO_KEL"], v["EMAIL"], v["NO_HP"], v["TGL_REKAM"], v["TGL_KK"])
	}
	for i := 0; i < 4; i++ {
		seed(person(i))
	}
	for _, b := range badRows {
		seed(with(person(0), b.kv...))
	}
	seed(with(person(1), "NIK", " 1771014201400001\t", "TGL_LHR", "1940/1/2", "NO_HP", "+62 812-3456-7890", "EMAIL", "A@B.CO", "GOL_DRH", "ab rh -"))
	f.Fuzz(func(t *testing.T, nikS, kk, nama, tgl, jk, gol, hub, rt, kec, kel, email, hp, rekam, tglKK string) {
		fields := person(0)
		for i, v := range []string{nikS, kk, nama, tgl, jk, gol, hub, rt, kec, kel, email, hp, rekam, tglKK} {
			fields[fuzzColumns[i]] = v
		}
		p := newTestParser(t)
		row, _, rerr := p.parse(record(allColumns, fields))
		if rerr != nil {
			if rerr.Code == "" || rerr.ID == "" || rerr.EN == "" || rerr.Column == "" {
				t.Fatalf("incomplete row error %+v", rerr)
			}
		} else {
			checkValidRow(t, row)
		}

		// The same row through the whole pipeline, as a CSV file.
		file := csvFile(';', allColumns, fields)
		rep, err := Run(context.Background(), strings.NewReader(file), Options{Loader: discard{}, Now: testNow})
		if err != nil {
			return // e.g. a field holding a huge line; never a panic
		}
		if rep.Imported+rep.Rejected != rep.Rows || rep.Rows > 1 {
			t.Fatalf("rows %d imported %d rejected %d", rep.Rows, rep.Imported, rep.Rejected)
		}
	})
}

func checkValidRow(t *testing.T, row Row) {
	t.Helper()
	pd := row.Penduduk
	if _, err := nik.Parse(pd.NIK); err != nil || len(pd.NIK) != 16 {
		t.Fatalf("accepted NIK %q that nik.Parse rejects: %v", pd.NIK, err)
	}
	if _, err := nik.ParseKK(pd.NoKK); err != nil || len(pd.NoKK) != 16 {
		t.Fatalf("accepted NO_KK %q: %v", pd.NoKK, err)
	}
	if pd.Nama == "" || pd.Nama != strings.TrimSpace(pd.Nama) || strings.Contains(pd.Nama, "  ") ||
		utf8.RuneCountInString(pd.Nama) > maxName || !utf8.ValidString(pd.Nama) || strings.ToUpper(pd.Nama) != pd.Nama {
		t.Fatalf("accepted name %q", pd.Nama)
	}
	if pd.TanggalLahir.IsZero() || pd.TanggalLahir.After(testNow) || pd.TanggalLahir.Year() < minYear {
		t.Fatalf("accepted birth date %v", pd.TanggalLahir)
	}
	if pd.JenisKelamin != store.LakiLaki && pd.JenisKelamin != store.Perempuan {
		t.Fatalf("accepted sex %q", pd.JenisKelamin)
	}
	if len(pd.RT) != 3 || len(pd.RW) != 3 || !digits(pd.RT, 3) || !digits(pd.RW, 3) {
		t.Fatalf("accepted RT/RW %q/%q", pd.RT, pd.RW)
	}
	if w, ok := wilayah.Default().Lookup(pd.DesaKode); !ok || w.Tingkat != wilayah.Desa {
		t.Fatalf("accepted desa %q", pd.DesaKode)
	}
	if pd.Email != "" && (!emailOK(pd.Email) || strings.ToLower(pd.Email) != pd.Email) {
		t.Fatalf("accepted e-mail %q", pd.Email)
	}
	if pd.Telepon != "" && (!strings.HasPrefix(pd.Telepon, "08") || !digits(pd.Telepon, 13) || len(pd.Telepon) < 10) {
		t.Fatalf("accepted phone %q", pd.Telepon)
	}
	if !pd.TanggalPerekaman.IsZero() && pd.TanggalPerekaman.Before(pd.TanggalLahir.AddDate(16, 0, 0)) {
		t.Fatalf("accepted recording at %v for a birth at %v", pd.TanggalPerekaman, pd.TanggalLahir)
	}
	if !row.TanggalKK.IsZero() && row.TanggalKK.After(testNow) {
		t.Fatalf("accepted TGL_KK %v", row.TanggalKK)
	}
	switch pd.GolonganDarah {
	case "-", "A", "B", "AB", "O", "A+", "B+", "AB+", "O+", "A-", "B-", "AB-", "O-":
	default:
		t.Fatalf("accepted blood type %q", pd.GolonganDarah)
	}
	if _, ok := map[store.Hubungan]bool{store.KepalaKeluarga: true, store.Suami: true, store.Istri: true, store.Anak: true,
		store.Menantu: true, store.Cucu: true, store.OrangTua: true, store.Mertua: true, store.FamiliLain: true,
		store.Lainnya: true}[pd.Hubungan]; !ok {
		t.Fatalf("accepted relationship %q", pd.Hubungan)
	}
}
