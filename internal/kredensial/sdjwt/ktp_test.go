package sdjwt

import (
	"maps"
	"slices"
	"testing"
	"time"
)

func TestKTPClaims(t *testing.T) {
	c, err := KTPClaims(sampleKTP(), issuedAt)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"agama", "age_over_17", "age_over_21", "alamat", "golongan_darah", "jenis_kelamin", "kewarganegaraan",
		"nama", "nik", "pekerjaan", "status_perkawinan", "tanggal_lahir", "tempat_lahir"}
	if got := slices.Sorted(maps.Keys(c)); !slices.Equal(got, want) {
		t.Errorf("claims %v\nwant %v", got, want)
	}
	a := c["alamat"].(map[string]any)
	if got := slices.Sorted(maps.Keys(a)); !slices.Equal(got, []string{"jalan", "kab_kota", "kecamatan", "kel_desa", "provinsi", "rt_rw"}) {
		t.Errorf("alamat %v", got)
	}
	if c["age_over_17"] != true || c["age_over_21"] != true || c["tanggal_lahir"] != "1990-08-17" {
		t.Errorf("claims %v", c)
	}

	k := KTP{NIK: "1771015708900002", Nama: "A", TanggalLahir: "2010-01-01", JenisKelamin: "L"}
	c, err = KTPClaims(k, issuedAt)
	if err != nil {
		t.Fatal(err)
	}
	if len(c) != 6 || c["age_over_17"] != false || c["age_over_21"] != false {
		t.Errorf("minimal claims %v", c)
	}
	if _, ok := c["alamat"]; ok {
		t.Error("empty alamat issued")
	}
}

func TestKTPClaimsRefuses(t *testing.T) {
	good := sampleKTP()
	for name, mut := range map[string]func(*KTP){
		"short nik":        func(k *KTP) { k.NIK = "123" },
		"letters in nik":   func(k *KTP) { k.NIK = "17710157089000AB" },
		"no nama":          func(k *KTP) { k.Nama = "" },
		"jenis_kelamin X":  func(k *KTP) { k.JenisKelamin = "X" },
		"date as DD-MM-YY": func(k *KTP) { k.TanggalLahir = "17-08-90" },
		"31 February":      func(k *KTP) { k.TanggalLahir = "1990-02-31" },
	} {
		k := good
		mut(&k)
		if c, err := KTPClaims(k, issuedAt); err == nil {
			t.Errorf("%s: accepted %v", name, c)
		}
	}
}

func TestAgeBoundaries(t *testing.T) {
	wibDay := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, wib) }
	cases := []struct {
		birth string
		at    time.Time
		over  bool
	}{
		{"2009-03-02", wibDay(2026, 3, 1, 23, 59), false},
		{"2009-03-02", wibDay(2026, 3, 2, 0, 0), true},
		// 00:00 WIB is 17:00 UTC the day before.
		{"2009-03-02", time.Date(2026, 3, 1, 17, 0, 0, 0, time.UTC), true},
		{"2009-03-02", time.Date(2026, 3, 1, 16, 59, 0, 0, time.UTC), false},
		// Born on 29 February: of age on 1 March in a common year.
		{"2008-02-29", wibDay(2025, 2, 28, 12, 0), false},
		{"2008-02-29", wibDay(2025, 3, 1, 0, 0), true},
	}
	for _, c := range cases {
		k := KTP{NIK: "1771015708900002", Nama: "A", TanggalLahir: c.birth, JenisKelamin: "P"}
		claims, err := KTPClaims(k, c.at)
		if err != nil {
			t.Fatal(err)
		}
		if claims[ClaimAgeOver17] != c.over {
			t.Errorf("born %s, at %s: age_over_17 = %v, want %v", c.birth, c.at, claims[ClaimAgeOver17], c.over)
		}
	}
}

func TestAgeClaimsChangeAt(t *testing.T) {
	for _, c := range []struct {
		birth string
		want  time.Time
	}{
		{"2012-05-10", time.Date(2029, 5, 10, 0, 0, 0, 0, wib)}, // 13: at 17
		{"2007-05-10", time.Date(2028, 5, 10, 0, 0, 0, 0, wib)}, // 18: at 21
		{"1990-08-17", time.Time{}},                             // both true already
	} {
		got, err := AgeClaimsChangeAt(c.birth, issuedAt)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("%s: %v, %v; want %v", c.birth, got, err, c.want)
		}
	}
	if _, err := AgeClaimsChangeAt("nope", issuedAt); err == nil {
		t.Error("accepted a bad date")
	}
}
