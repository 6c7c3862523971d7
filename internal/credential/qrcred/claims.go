package qrcred

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"
)

// Profile names which claims an issuer CWT discloses. The wallet holds one
// CWT per profile and shows the one the resident picks.
type Profile string

// The disclosure profiles.
const (
	// Dasar ("basic") discloses nama, nik, tanggal_lahir, jenis_kelamin
	// and foto_hash, the truncated SHA-256 of the registry portrait.
	Dasar Profile = "dasar"
	// Usia ("age") discloses only age_over_17 and age_over_21.
	Usia Profile = "usia"
	// Foto ("photo") discloses what Dasar does plus foto, a small
	// grayscale JPEG thumbnail of the portrait for a face check with no
	// network.
	Foto Profile = "foto"
)

// Profiles lists every profile, in a fixed order.
var Profiles = []Profile{Dasar, Usia, Foto}

// Known reports whether p is a profile this package issues and accepts.
func (p Profile) Known() bool {
	switch p {
	case Dasar, Usia, Foto:
		return true
	}
	return false
}

// FotoHashSize is the length of foto_hash: SHA-256 truncated to 16 bytes.
const FotoHashSize = 16

// FotoHash returns the foto_hash claim of a portrait: the first 16 bytes
// of the SHA-256 of its bytes, exactly as stored in the registry.
func FotoHash(portrait []byte) []byte {
	sum := sha256.Sum256(portrait)
	return sum[:FotoHashSize]
}

// Status points into an IETF Token Status List: the credential's index in
// the list published at URI.
type Status struct {
	Idx uint64
	URI string
}

// Resident is the registry data an issuer CWT is made from. Which of it
// goes into the CWT depends on the profile.
type Resident struct {
	Nama         string // full name, as on the KTP
	NIK          string // 16-digit national identity number
	TanggalLahir string // birth date, YYYY-MM-DD
	JenisKelamin string // "L" (laki-laki) or "P" (perempuan)
	// Portrait is the registry portrait (JPEG or PNG) as stored: dasar
	// and foto carry its FotoHash, foto also a Thumbnail of it.
	Portrait []byte
}

// Claims is what Issue signs besides the profile's resident claims.
type Claims struct {
	Issuer    string           // iss, e.g. https://ikd.bengkuluprov.go.id
	CTI       []byte           // cti: the credential's ID
	IAT       time.Time        // iat: issued at
	NBF       time.Time        // nbf: not before; zero omits it
	Exp       time.Time        // exp: expires at
	DeviceKey *ecdsa.PublicKey // the holder's device key, carried in cnf
	Status    Status           // the Token Status List entry
	Resident  Resident
}

// Disclosed holds the resident claims a verified credential carries. Only
// the profile's fields are set: Usia sets AgeOver17 and AgeOver21 and
// nothing else; Dasar sets the strings and FotoHash; Foto adds Foto.
type Disclosed struct {
	Nama         string
	NIK          string
	TanggalLahir string
	JenisKelamin string
	FotoHash     []byte // 16 bytes; compare with FotoHash of the registry portrait
	Foto         []byte // JPEG thumbnail (Foto profile only)
	AgeOver17    *bool
	AgeOver21    *bool
}

// Credential is a parsed issuer CWT whose issuer signature has been
// checked (see ParseIssued).
type Credential struct {
	Profile   Profile
	Claims    Disclosed
	Issuer    string
	Kid       []byte // the issuer key ID from the protected header
	CTI       []byte
	IAT       time.Time
	NBF       time.Time // zero when the CWT has no nbf
	Exp       time.Time
	DeviceKey *ecdsa.PublicKey // from cnf: the key that must sign presentations
	Status    Status
}

// Verified is a presentation that passed every check of Verify: the
// credential, plus when the device signed it and with which nonce.
type Verified struct {
	Credential
	SignedAt time.Time
	Nonce    []byte // nil when the presentation carries none
}

// AgeOver reports whether someone born on birth (YYYY-MM-DD) is at least
// years old at t, counting in t's calendar date in UTC+7 (WIB): a birthday
// is reached at the start of the day. People born on 29 February turn a
// year older on 1 March in common years.
func AgeOver(birth string, years int, t time.Time) (bool, error) {
	b, err := time.Parse(time.DateOnly, birth)
	if err != nil {
		return false, fmt.Errorf("tanggal_lahir %q: %w", birth, err)
	}
	now := t.In(wib)
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	// AddDate normalizes 29 Feb + N years to 1 Mar in common years.
	return !today.Before(b.AddDate(years, 0, 0)), nil
}

// wib is Western Indonesia Time (UTC+7), Bengkulu's time zone. A fixed
// zone keeps the package free of the tz database.
var wib = time.FixedZone("WIB", 7*60*60)

// subjectClaims fills the profile's resident claims into c.
func subjectClaims(c *cwtClaims, p Profile, r Resident, iat time.Time) error {
	switch p {
	case Usia:
		if r.TanggalLahir == "" {
			return errors.New("usia needs TanggalLahir to derive the age claims")
		}
		o17, err := AgeOver(r.TanggalLahir, 17, iat)
		if err != nil {
			return err
		}
		o21, _ := AgeOver(r.TanggalLahir, 21, iat)
		c.AgeOver17, c.AgeOver21 = &o17, &o21
		return nil
	case Dasar, Foto:
		if err := checkResident(r); err != nil {
			return err
		}
		c.Nama, c.NIK, c.TanggalLahir, c.JenisKelamin = r.Nama, r.NIK, r.TanggalLahir, r.JenisKelamin
		c.FotoHash = FotoHash(r.Portrait)
		if p == Foto {
			t, err := Thumbnail(r.Portrait)
			if err != nil {
				return err
			}
			c.Foto = t
		}
		return nil
	}
	return fmt.Errorf("unknown profile %q", p)
}

func checkResident(r Resident) error {
	if r.Nama == "" {
		return errors.New("empty Nama")
	}
	if len(r.NIK) != 16 || !allDigits(r.NIK) {
		return fmt.Errorf("NIK %q is not 16 digits", r.NIK)
	}
	if _, err := time.Parse(time.DateOnly, r.TanggalLahir); err != nil {
		return fmt.Errorf("TanggalLahir %q is not YYYY-MM-DD", r.TanggalLahir)
	}
	if r.JenisKelamin != "L" && r.JenisKelamin != "P" {
		return fmt.Errorf("JenisKelamin %q is not L or P", r.JenisKelamin)
	}
	if len(r.Portrait) == 0 {
		return errors.New("no Portrait to hash")
	}
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// disclosedOf checks that c carries exactly the resident claims of its
// profile, and returns them.
func disclosedOf(c *cwtClaims) (Profile, Disclosed, error) {
	p := Profile(c.Profile)
	d := Disclosed{
		Nama: c.Nama, NIK: c.NIK, TanggalLahir: c.TanggalLahir, JenisKelamin: c.JenisKelamin,
		FotoHash: c.FotoHash, Foto: c.Foto, AgeOver17: c.AgeOver17, AgeOver21: c.AgeOver21,
	}
	personal := c.Nama != "" || c.NIK != "" || c.TanggalLahir != "" || c.JenisKelamin != "" || c.FotoHash != nil
	switch p {
	case Usia:
		if c.AgeOver17 == nil || c.AgeOver21 == nil {
			return p, d, errors.New("usia without age_over_17 and age_over_21")
		}
		if personal || c.Foto != nil {
			return p, d, errors.New("usia carries personal claims")
		}
	case Dasar, Foto:
		if c.Nama == "" || c.NIK == "" || c.TanggalLahir == "" || c.JenisKelamin == "" || len(c.FotoHash) != FotoHashSize {
			return p, d, fmt.Errorf("%s lacks a claim (nama, nik, tanggal_lahir, jenis_kelamin or a %d-byte foto_hash)", p, FotoHashSize)
		}
		if c.AgeOver17 != nil || c.AgeOver21 != nil {
			return p, d, fmt.Errorf("%s carries age claims", p)
		}
		if (p == Foto) != (len(c.Foto) > 0) {
			return p, d, fmt.Errorf("foto claim and profile %s do not match", p)
		}
	}
	return p, d, nil
}
