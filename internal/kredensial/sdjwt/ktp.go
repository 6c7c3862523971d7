package sdjwt

import (
	"errors"
	"fmt"
	"time"
)

// VCTKTPDigital is the vct of the digital KTP. It is versioned: a change to
// the claim set that old verifiers would misread gets a new number.
const VCTKTPDigital = "urn:ikd:ktp-digital:1"

// Claim names of the digital KTP. Every one is selectively disclosable;
// the members of ClaimAlamat are disclosable one by one
// ("alamat.kab_kota").
const (
	ClaimNIK              = "nik"               // 16 digits
	ClaimNama             = "nama"              // full name as on the KTP
	ClaimTempatLahir      = "tempat_lahir"      // place of birth
	ClaimTanggalLahir     = "tanggal_lahir"     // date of birth, YYYY-MM-DD
	ClaimJenisKelamin     = "jenis_kelamin"     // "L" (laki-laki) or "P" (perempuan)
	ClaimAgama            = "agama"             // religion
	ClaimStatusPerkawinan = "status_perkawinan" // marital status
	ClaimPekerjaan        = "pekerjaan"         // occupation
	ClaimKewarganegaraan  = "kewarganegaraan"   // citizenship, e.g. "WNI"
	ClaimGolonganDarah    = "golongan_darah"    // blood type; omitted when unknown
	ClaimAlamat           = "alamat"            // address object, members below
	ClaimAgeOver17        = "age_over_17"       // bool: 17 or older on the asOf date
	ClaimAgeOver21        = "age_over_21"       // bool: 21 or older on the asOf date

	AlamatJalan     = "jalan"     // street and number
	AlamatRTRW      = "rt_rw"     // "001/002"
	AlamatKelDesa   = "kel_desa"  // kelurahan or desa
	AlamatKecamatan = "kecamatan" // district
	AlamatKabKota   = "kab_kota"  // regency or city
	AlamatProvinsi  = "provinsi"  // province
)

// KTP is a resident's record as the digital KTP carries it. Each field
// becomes the claim named in its comment; empty optional fields are left
// out.
type KTP struct {
	NIK              string // nik; required, 16 digits
	Nama             string // nama; required
	TempatLahir      string // tempat_lahir
	TanggalLahir     string // tanggal_lahir; required, YYYY-MM-DD
	JenisKelamin     string // jenis_kelamin; required, "L" or "P"
	Agama            string // agama
	StatusPerkawinan string // status_perkawinan
	Pekerjaan        string // pekerjaan
	Kewarganegaraan  string // kewarganegaraan
	GolonganDarah    string // golongan_darah
	Alamat           Alamat // alamat; left out when every member is empty
}

// Alamat is the address on a KTP, the members of the alamat claim.
type Alamat struct {
	Jalan     string // jalan
	RTRW      string // rt_rw
	KelDesa   string // kel_desa
	Kecamatan string // kecamatan
	KabKota   string // kab_kota
	Provinsi  string // provinsi
}

// wib is Western Indonesia Time (UTC+7), Bengkulu's time zone; a fixed
// zone so that the package needs no time zone database.
var wib = time.FixedZone("WIB", 7*60*60)

// KTPClaims returns the disclosable claims of a digital KTP, ready for
// Issue's sd argument. nik, nama, tanggal_lahir and jenis_kelamin are
// required; other empty fields are left out. age_over_17 and age_over_21
// are computed for the calendar day of asOf in WIB (UTC+7); the issuer should
// let the credential expire no later than [AgeClaimsChangeAt], so that it
// never carries a stale false.
func KTPClaims(k KTP, asOf time.Time) (map[string]any, error) {
	birth, err := parseDate(k.TanggalLahir)
	if err != nil {
		return nil, err
	}
	if len(k.NIK) != 16 || !digits(k.NIK) {
		return nil, errors.New("sdjwt: nik must be 16 digits")
	}
	if k.Nama == "" {
		return nil, errors.New("sdjwt: nama is required")
	}
	if k.JenisKelamin != "L" && k.JenisKelamin != "P" {
		return nil, fmt.Errorf("sdjwt: jenis_kelamin %q, want L or P", k.JenisKelamin)
	}
	c := map[string]any{
		ClaimNIK:          k.NIK,
		ClaimNama:         k.Nama,
		ClaimTanggalLahir: birth.Format(time.DateOnly),
		ClaimJenisKelamin: k.JenisKelamin,
		ClaimAgeOver17:    ageAtLeast(birth, asOf, 17),
		ClaimAgeOver21:    ageAtLeast(birth, asOf, 21),
	}
	put := func(m map[string]any, name, v string) {
		if v != "" {
			m[name] = v
		}
	}
	put(c, ClaimTempatLahir, k.TempatLahir)
	put(c, ClaimAgama, k.Agama)
	put(c, ClaimStatusPerkawinan, k.StatusPerkawinan)
	put(c, ClaimPekerjaan, k.Pekerjaan)
	put(c, ClaimKewarganegaraan, k.Kewarganegaraan)
	put(c, ClaimGolonganDarah, k.GolonganDarah)
	a := map[string]any{}
	put(a, AlamatJalan, k.Alamat.Jalan)
	put(a, AlamatRTRW, k.Alamat.RTRW)
	put(a, AlamatKelDesa, k.Alamat.KelDesa)
	put(a, AlamatKecamatan, k.Alamat.Kecamatan)
	put(a, AlamatKabKota, k.Alamat.KabKota)
	put(a, AlamatProvinsi, k.Alamat.Provinsi)
	if len(a) > 0 {
		c[ClaimAlamat] = a
	}
	return c, nil
}

// AgeClaimsChangeAt returns when age_over_17 or age_over_21, computed at
// asOf, next turns true: the start (00:00 WIB) of the 17th or 21st
// birthday, whichever comes first after asOf. It returns the zero time
// when both are already true. A person born on 29 February comes of age
// on 1 March in years that have no 29 February.
func AgeClaimsChangeAt(tanggalLahir string, asOf time.Time) (time.Time, error) {
	birth, err := parseDate(tanggalLahir)
	if err != nil {
		return time.Time{}, err
	}
	for _, years := range []int{17, 21} {
		if !ageAtLeast(birth, asOf, years) {
			return birth.AddDate(years, 0, 0), nil
		}
	}
	return time.Time{}, nil
}

// ageAtLeast reports whether someone born on birth (midnight WIB) is at
// least years old on asOf's calendar day in WIB.
func ageAtLeast(birth, asOf time.Time, years int) bool {
	return !asOf.In(wib).Before(birth.AddDate(years, 0, 0))
}

func parseDate(s string) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, wib)
	if err != nil {
		return time.Time{}, fmt.Errorf("sdjwt: tanggal_lahir %q is not YYYY-MM-DD", s)
	}
	return t, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
