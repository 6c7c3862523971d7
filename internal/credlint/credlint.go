// Package credlint checks every credential ikd is about to sign, before any
// key signs it (boulder's "lint before signing"). It is pure: the caller
// decodes the to-be-signed bytes into a Credential and passes the policy;
// Check runs every lint of the table and returns every failure, each with
// the lint's name.
package credlint

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Credential formats.
const (
	FormatSDJWT = "dc+sd-jwt"
	FormatCWT   = "cwt"
)

// QR disclosure profiles, as qrcred names them.
const (
	ProfileDasar = "dasar"
	ProfileUsia  = "usia"
	ProfileFoto  = "foto"
)

// Status is a credential's Token Status List reference.
type Status struct {
	Idx int
	URI string
}

// Credential is a to-be-signed credential, decoded from the exact bytes the
// key will sign.
type Credential struct {
	Format  string // FormatSDJWT or FormatCWT
	Profile string // the QR profile; "" for an SD-JWT VC
	Issuer  string // iss
	VCT     string // vct (SD-JWT VC only)
	// IssuedAt and Expiry are iat and exp; zero when absent.
	IssuedAt, Expiry time.Time
	HolderKey        bool    // cnf carries a device key
	Status           *Status // nil when the credential has none
	// Printed is a printed card (assisted mode): a foto CWT with the
	// cetak claim and, instead of cnf, no device key at all.
	Printed bool
	// Claims are the subject claims by name, disclosable or not, with the
	// members of an object claim (alamat) as a nested map. Registered
	// claims (iss, iat, exp, vct, cnf, status, cti, jti, p) are left out.
	Claims map[string]any
	// BirthDate is the registry's birth date (YYYY-MM-DD) of the subject,
	// against which age booleans are checked; a profile may not carry it.
	BirthDate string
	// Size is the length in bytes of the issued form: the issuer CWT, or
	// the SD-JWT issuance form with every Disclosure.
	Size int
}

// Policy holds the limits the lints enforce.
type Policy struct {
	// MaxSkew is how far iat may be ahead of the issuer's clock.
	MaxSkew time.Duration
	// MaxLifetime caps exp - iat.
	MaxLifetime time.Duration
	// MaxQRBytes caps the dasar and usia issuer CWTs. The presentation is
	// the CWT wrapped in a device COSE_Sign1 with a timestamp and a 16-byte
	// nonce (105 bytes more), then base45 and "IKD1:". Up to 397 bytes it
	// fits QR version 15 at level L (758 characters), the most ikd lets
	// the default profile need. With qrcred's integer claim labels, a dasar
	// CWT of a realistic resident is about 320
	// bytes plus the name, so names of up to 77 characters fit: more than
	// the 60 letters a name on a population document may have (Permendagri
	// 73/2022). qrcred's TestQRBudgetIsVersion15 ties the two numbers.
	MaxQRBytes int
	// MaxFotoBytes caps the foto issuer CWT, which carries a thumbnail.
	MaxFotoBytes int
	// MaxSDJWTBytes caps the SD-JWT VC issuance form.
	MaxSDJWTBytes int
}

// DefaultPolicy is the policy ikd issues under unless configured otherwise.
var DefaultPolicy = Policy{
	MaxSkew:       time.Minute,
	MaxLifetime:   366 * 24 * time.Hour,
	MaxQRBytes:    397,
	MaxFotoBytes:  2048,
	MaxSDJWTBytes: 4096,
}

// withDefaults fills zero fields of p from DefaultPolicy.
func (p Policy) withDefaults() Policy {
	d := DefaultPolicy
	if p.MaxSkew == 0 {
		p.MaxSkew = d.MaxSkew
	}
	if p.MaxLifetime == 0 {
		p.MaxLifetime = d.MaxLifetime
	}
	if p.MaxQRBytes == 0 {
		p.MaxQRBytes = d.MaxQRBytes
	}
	if p.MaxFotoBytes == 0 {
		p.MaxFotoBytes = d.MaxFotoBytes
	}
	if p.MaxSDJWTBytes == 0 {
		p.MaxSDJWTBytes = d.MaxSDJWTBytes
	}
	return p
}

// Failure is one lint that did not pass.
type Failure struct {
	Lint   string // the lint's name, e.g. "validity_window"
	Detail string
}

func (f Failure) String() string { return f.Lint + ": " + f.Detail }

// Failures is the error Check returns: every failed lint.
type Failures []Failure

// Error lists the failures.
func (fs Failures) Error() string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.String()
	}
	return "credlint: " + strings.Join(parts, "; ")
}

// Has reports whether the lint named name failed.
func (fs Failures) Has(name string) bool {
	return slices.ContainsFunc(fs, func(f Failure) bool { return f.Lint == name })
}

// Lint is one check: it returns nil when c passes.
type Lint struct {
	Name  string
	Check func(c *Credential, p *Policy, now time.Time) error
}

// Lints is the table Check runs, in order.
var Lints = []Lint{
	{"required_claims", lintRequired},
	{"forbidden_claims", lintForbidden},
	{"validity_window", lintValidity},
	{"age_consistency", lintAge},
	{"size_budget", lintSize},
	{"printed_card", lintPrinted},
}

// lintPrinted holds a printed card to its shape: a foto CWT bound to no
// device. (A device-bound credential that lacks cnf fails required_claims.)
func lintPrinted(c *Credential, _ *Policy, _ time.Time) error {
	switch {
	case !c.Printed:
		return nil
	case c.Format != FormatCWT || c.Profile != ProfileFoto:
		return fmt.Errorf("a printed card is a %s %s, not %s %s", FormatCWT, ProfileFoto, c.Format, c.Profile)
	case c.HolderKey:
		return errors.New("a printed card carries a device key")
	}
	return nil
}

// Check runs every lint on c under p at the issuer's time now and returns
// nil or a Failures holding every lint that failed.
func Check(c *Credential, p Policy, now time.Time) error {
	if c == nil {
		return Failures{{Lint: "input", Detail: "no credential"}}
	}
	p = p.withDefaults()
	var fs Failures
	for _, l := range Lints {
		if err := l.Check(c, &p, now); err != nil {
			fs = append(fs, Failure{Lint: l.Name, Detail: err.Error()})
		}
	}
	if len(fs) == 0 {
		return nil
	}
	return fs
}

// AsFailures returns the failures in err, if it holds any.
func AsFailures(err error) (Failures, bool) {
	var fs Failures
	ok := errors.As(err, &fs)
	return fs, ok
}

// profileClaims are the subject claims each QR profile carries: no more.
var profileClaims = map[string][]string{
	ProfileDasar: {"nama", "nik", "tanggal_lahir", "jenis_kelamin", "foto_hash"},
	ProfileUsia:  {"age_over_17", "age_over_21"},
	ProfileFoto:  {"nama", "nik", "tanggal_lahir", "jenis_kelamin", "foto_hash", "foto"},
}

func lintRequired(c *Credential, _ *Policy, _ time.Time) error {
	var missing []string
	if c.Issuer == "" {
		missing = append(missing, "iss")
	}
	if c.IssuedAt.IsZero() {
		missing = append(missing, "iat")
	}
	if c.Expiry.IsZero() {
		missing = append(missing, "exp")
	}
	if !c.HolderKey && !c.Printed {
		missing = append(missing, "cnf")
	}
	if c.Status == nil || c.Status.URI == "" || c.Status.Idx < 0 {
		missing = append(missing, "status")
	}
	switch c.Format {
	case FormatSDJWT:
		if c.VCT == "" {
			missing = append(missing, "vct")
		}
		for _, n := range []string{"nik", "nama", "tanggal_lahir", "jenis_kelamin"} {
			if _, ok := c.Claims[n]; !ok {
				missing = append(missing, n)
			}
		}
	case FormatCWT:
		want, ok := profileClaims[c.Profile]
		if !ok {
			return fmt.Errorf("unknown QR profile %q", c.Profile)
		}
		for _, n := range want {
			if _, ok := c.Claims[n]; !ok {
				missing = append(missing, n)
			}
		}
	default:
		return fmt.Errorf("unknown format %q", c.Format)
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	return nil
}

// neverClaims may appear in no credential ikd signs: contact data, the
// family card number, and "data spesifik" (UU PDP: biometrics, disability)
// other than the portrait, which only the foto QR profile carries.
var neverClaims = []string{
	"no_kk", "nomor_kk", "kk", "telepon", "phone", "phone_number", "email",
	"sidik_jari", "fingerprint", "iris", "tanda_tangan", "signature_image",
	"kondisi_khusus", "disabilitas", "penyandang_disabilitas",
}

// notInQR are KTP data the SD-JWT VC may carry (each selectively
// disclosable) but no QR profile may: they are shown offline to anyone
// who scans the code.
var notInQR = []string{
	"agama", "status_perkawinan", "pekerjaan", "golongan_darah", "alamat", "tempat_lahir", "kewarganegaraan",
}

func lintForbidden(c *Credential, _ *Policy, _ time.Time) error {
	var bad []string
	for name := range c.Claims {
		switch {
		case slices.Contains(neverClaims, name):
			bad = append(bad, name)
		case name == "foto" && !(c.Format == FormatCWT && c.Profile == ProfileFoto):
			bad = append(bad, name+" (portrait outside the foto profile)")
		case c.Format == FormatCWT && slices.Contains(notInQR, name):
			bad = append(bad, name+" (not in a QR profile)")
		case c.Format == FormatCWT && !slices.Contains(profileClaims[c.Profile], name):
			bad = append(bad, name+" (not in profile "+c.Profile+")")
		}
	}
	if len(bad) > 0 {
		slices.Sort(bad)
		return fmt.Errorf("forbidden claims %s", strings.Join(bad, ", "))
	}
	return nil
}

func lintValidity(c *Credential, p *Policy, now time.Time) error {
	if c.IssuedAt.IsZero() || c.Expiry.IsZero() {
		return errors.New("iat or exp missing")
	}
	if c.IssuedAt.After(now.Add(p.MaxSkew)) {
		return fmt.Errorf("iat %s is more than %s after now %s", c.IssuedAt.UTC().Format(time.RFC3339), p.MaxSkew, now.UTC().Format(time.RFC3339))
	}
	if !c.Expiry.After(c.IssuedAt) {
		return errors.New("exp is not after iat")
	}
	if life := c.Expiry.Sub(c.IssuedAt); life > p.MaxLifetime {
		return fmt.Errorf("lifetime %s exceeds %s", life, p.MaxLifetime)
	}
	return nil
}

// wib is Western Indonesia Time, in which ikd counts birthdays.
var wib = time.FixedZone("WIB", 7*60*60)

// ageOver reports whether someone born on birth is years old on at's
// calendar day in WIB (29 February birthdays fall on 1 March).
func ageOver(birth time.Time, years int, at time.Time) bool {
	y, m, d := at.In(wib).Date()
	return !time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Before(birth.AddDate(years, 0, 0))
}

func lintAge(c *Credential, _ *Policy, _ time.Time) error {
	ages := map[string]int{"age_over_17": 17, "age_over_21": 21}
	var present []string
	for name := range ages {
		if _, ok := c.Claims[name]; ok {
			present = append(present, name)
		}
	}
	if len(present) == 0 {
		return nil
	}
	slices.Sort(present)
	bd := c.BirthDate
	if s, ok := c.Claims["tanggal_lahir"].(string); ok {
		if bd != "" && s != bd {
			return fmt.Errorf("tanggal_lahir %s differs from the registry's %s", s, bd)
		}
		bd = s
	}
	birth, err := time.Parse(time.DateOnly, bd)
	if err != nil {
		return fmt.Errorf("age claims without a valid birth date (%q)", bd)
	}
	for _, name := range present {
		got, ok := c.Claims[name].(bool)
		if !ok {
			return fmt.Errorf("%s is %T, not a boolean", name, c.Claims[name])
		}
		if want := ageOver(birth, ages[name], c.IssuedAt); got != want {
			return fmt.Errorf("%s is %t at iat, want %t", name, got, want)
		}
		// A false that turns true before exp would go stale.
		if !got && !c.Expiry.IsZero() && ageOver(birth, ages[name], c.Expiry.Add(-time.Second)) {
			return fmt.Errorf("%s turns true before exp %s", name, c.Expiry.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

func lintSize(c *Credential, p *Policy, _ time.Time) error {
	limit := p.MaxSDJWTBytes
	if c.Format == FormatCWT {
		limit = p.MaxQRBytes
		if c.Profile == ProfileFoto {
			limit = p.MaxFotoBytes
		}
	}
	if c.Size <= 0 {
		return errors.New("size unknown")
	}
	if c.Size > limit {
		return fmt.Errorf("%d bytes exceeds the budget of %d", c.Size, limit)
	}
	return nil
}
