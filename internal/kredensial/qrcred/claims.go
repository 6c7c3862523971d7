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
	// and foto carry its FotoHash.
	Portrait []byte
	// Foto is the thumbnail of Portrait the foto profile carries
	// (foto.Thumbnail); required for that profile only.
	Foto []byte
}

// Claims is what Issue signs besides the profile's resident claims.
type Claims struct {
	Issuer    string           // iss, e.g. https://ikd.bengkuluprov.go.id
	CTI       []byte           // cti: the credential's ID
	IAT       time.Time        // iat: issued at
	NBF       time.Time        // nbf: not before; zero omits it
	Exp       time.Time        // exp: expires at
	DeviceKey *ecdsa.PublicKey // the holder's device key, carried in cnf; nil for a printed card
	Status    Status           // the Token Status List entry
	Resident  Resident
	// Printed makes a printed card (assisted mode, for a resident with no
	// smartphone): a foto CWT with no cnf (DeviceKey must be nil) and the
	// cetak claim, shown as the issuer CWT itself (PrintedText) with no
	// device signature.
	Printed bool
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
	DeviceKey *ecdsa.PublicKey // from cnf: the key that must sign presentations; nil when Printed
	Status    Status
	// Printed is true for a printed card: the signed cetak claim, no cnf,
	// profile foto. Its QR code is the issuer CWT itself: no device
	// signature, no 90-second rule, and the verifier must compare the face.
	Printed bool
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

// profileCodes are the profiles' values of the profile label in the
// private claim-key table.
var profileCodes = map[Profile]uint64{Dasar: 1, Usia: 2, Foto: 3}

// profileOfCode returns the profile a wire code names.
func profileOfCode(code uint64) (Profile, bool) {
	for p, c := range profileCodes {
		if c == code {
			return p, true
		}
	}
	return "", false
}

// Birth dates travel as days since 1970-01-01 (RFC 8943's full-date as an
// integer, without its tag): three bytes for any date from 1791 to 2149.
const (
	secondsPerDay = 24 * 60 * 60
	minDays       = -719162 // 0001-01-01
	maxDays       = 2932896 // 9999-12-31
)

// daysOf returns a YYYY-MM-DD date as days since 1970-01-01.
func daysOf(date string) (int64, error) {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return 0, fmt.Errorf("date %q: %w", date, err)
	}
	return t.Unix() / secondsPerDay, nil // t is midnight UTC: exact
}

// dateOfDays returns days since 1970-01-01 as YYYY-MM-DD.
func dateOfDays(days int64) (string, error) {
	if days < minDays || days > maxDays {
		return "", fmt.Errorf("birth date of %d days out of range", days)
	}
	return time.Unix(days*secondsPerDay, 0).UTC().Format(time.DateOnly), nil
}

// subjectClaims returns the private claim of profile p for resident r.
func subjectClaims(p Profile, r Resident, iat time.Time) (*ikdClaims, error) {
	c := &ikdClaims{Profile: profileCodes[p]}
	switch p {
	case Usia:
		if r.TanggalLahir == "" {
			return nil, errors.New("usia needs TanggalLahir to derive the age claims")
		}
		o17, err := AgeOver(r.TanggalLahir, 17, iat)
		if err != nil {
			return nil, err
		}
		o21, _ := AgeOver(r.TanggalLahir, 21, iat)
		c.AgeOver17, c.AgeOver21 = &o17, &o21
		return c, nil
	case Dasar, Foto:
		if err := checkResident(r); err != nil {
			return nil, err
		}
		days, err := daysOf(r.TanggalLahir)
		if err != nil {
			return nil, err
		}
		c.Nama, c.NIK, c.TanggalLahir, c.JenisKelamin = r.Nama, r.NIK, &days, r.JenisKelamin
		c.FotoHash = FotoHash(r.Portrait)
		if p == Foto {
			if len(r.Foto) == 0 {
				return nil, errors.New("no Foto thumbnail for the foto profile")
			}
			c.Foto = r.Foto
		}
		return c, nil
	}
	return nil, fmt.Errorf("unknown profile %q", p)
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
// profile, and returns them. c.Profile must be known (profileOfCode).
func disclosedOf(c *ikdClaims) (Profile, Disclosed, error) {
	p, _ := profileOfCode(c.Profile)
	d := Disclosed{
		Nama: c.Nama, NIK: c.NIK, JenisKelamin: c.JenisKelamin,
		FotoHash: c.FotoHash, Foto: c.Foto, AgeOver17: c.AgeOver17, AgeOver21: c.AgeOver21,
	}
	personal := c.Nama != "" || c.NIK != "" || c.TanggalLahir != nil || c.JenisKelamin != "" || c.FotoHash != nil
	switch p {
	case Usia:
		if c.AgeOver17 == nil || c.AgeOver21 == nil {
			return p, d, errors.New("usia without age_over_17 and age_over_21")
		}
		if personal || c.Foto != nil {
			return p, d, errors.New("usia carries personal claims")
		}
	case Dasar, Foto:
		if c.Nama == "" || c.NIK == "" || c.TanggalLahir == nil || c.JenisKelamin == "" || len(c.FotoHash) != FotoHashSize {
			return p, d, fmt.Errorf("%s lacks a claim (nama, nik, tanggal_lahir, jenis_kelamin or a %d-byte foto_hash)", p, FotoHashSize)
		}
		if c.AgeOver17 != nil || c.AgeOver21 != nil {
			return p, d, fmt.Errorf("%s carries age claims", p)
		}
		if (p == Foto) != (len(c.Foto) > 0) {
			return p, d, fmt.Errorf("foto claim and profile %s do not match", p)
		}
		if len(c.NIK) != 16 || !allDigits(c.NIK) || c.JenisKelamin != "L" && c.JenisKelamin != "P" {
			return p, d, fmt.Errorf("nik %q is not 16 digits or jenis_kelamin %q is not L or P", c.NIK, c.JenisKelamin)
		}
		date, err := dateOfDays(*c.TanggalLahir)
		if err != nil {
			return p, d, err
		}
		d.TanggalLahir = date
	}
	return p, d, nil
}

// Named returns the claims d carries by their names in the claim-key
// table (nama, nik, tanggal_lahir as YYYY-MM-DD, jenis_kelamin,
// foto_hash and foto as bytes, age_over_17, age_over_21), leaving out the
// claims its profile does not carry.
func (d Disclosed) Named() map[string]any {
	m := map[string]any{}
	for k, v := range map[string]string{"nama": d.Nama, "nik": d.NIK, "tanggal_lahir": d.TanggalLahir, "jenis_kelamin": d.JenisKelamin} {
		if v != "" {
			m[k] = v
		}
	}
	for k, v := range map[string][]byte{"foto_hash": d.FotoHash, "foto": d.Foto} {
		if v != nil {
			m[k] = v
		}
	}
	for k, v := range map[string]*bool{"age_over_17": d.AgeOver17, "age_over_21": d.AgeOver21} {
		if v != nil {
			m[k] = *v
		}
	}
	return m
}
