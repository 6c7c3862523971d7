// Package verifytest builds real credentials, presentations, status list
// tokens and trust lists, with real ECDSA keys, for tests of package verify
// and its callers (ikd verify, the WebAssembly verifier). Nothing is faked:
// everything is made with qrcred, sdjwt, statuslist and trustlist.
package verifytest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"image"
	"image/color"
	"image/png"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred/foto"
	"github.com/ikd-project/ikd/internal/kredensial/sdjwt"
	"github.com/ikd-project/ikd/internal/statuslist"
	"github.com/ikd-project/ikd/internal/trustlist"
)

// Status list entries the fixture sets.
const (
	IdxValid     = 1
	IdxRevoked   = 2
	IdxSuspended = 3
)

// Issuer is the fixture's issuer URL; StatusURI its status list's URI.
const (
	Issuer    = "https://ikd.bengkuluprov.go.id"
	StatusURI = "https://ikd.bengkuluprov.go.id/status/1"
	Aud       = "https://verifier.example"
	// DefaultNonce is the KB-JWT nonce when SD.Nonce is empty.
	DefaultNonce = "nonce-1"
)

// Fixture is an issuer with a key, a holder device and a status list.
type Fixture struct {
	TB       testing.TB
	Now      time.Time
	Key      *ecdsa.PrivateKey
	KID      string // kms key ID (thumbprint)
	Device   *ecdsa.PrivateKey
	Status   *statuslist.List
	Portrait []byte
}

// NewKey returns a fresh P-256 key and its kms key ID.
func NewKey(tb testing.TB) (*ecdsa.PrivateKey, string) {
	tb.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	id, err := trustlist.Thumbprint(&k.PublicKey)
	if err != nil {
		tb.Fatal(err)
	}
	return k, id
}

// New returns a fixture at now: entry IdxRevoked revoked, IdxSuspended
// suspended, every other entry valid.
func New(tb testing.TB, now time.Time) *Fixture {
	tb.Helper()
	f := &Fixture{TB: tb, Now: now}
	f.Key, f.KID = NewKey(tb)
	f.Device, _ = NewKey(tb)
	l, err := statuslist.New(64, 2)
	if err != nil {
		tb.Fatal(err)
	}
	if err := errorsJoin(l.Set(IdxRevoked, statuslist.Revoked), l.Set(IdxSuspended, statuslist.Suspended)); err != nil {
		tb.Fatal(err)
	}
	f.Status = l
	img := image.NewGray(image.Rect(0, 0, 120, 160))
	for y := range 160 {
		for x := range 120 {
			img.SetGray(x, y, color.Gray{Y: uint8((x*2 + y) % 256)})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		tb.Fatal(err)
	}
	f.Portrait = b.Bytes()
	return f
}

// foto is the thumbnail of the fixture's portrait, for the foto profile.
func (f *Fixture) foto() []byte {
	th, err := foto.Thumbnail(f.Portrait)
	if err != nil {
		f.TB.Fatal(err)
	}
	return th
}

func errorsJoin(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// QR describes a QR presentation to make; zero fields take defaults.
type QR struct {
	Profile   qrcred.Profile    // Dasar when empty
	Idx       int               // status entry
	URI       string            // StatusURI when empty
	At        time.Time         // device signature time; Now-10s when zero
	Nonce     []byte            // verifier nonce
	Key       *ecdsa.PrivateKey // issuer key; f.Key when nil
	KeyFor    *ecdsa.PublicKey  // the key the kid names; Key's when nil (another one makes a bad signature)
	IAT, Exp  time.Time         // Now-24h and Now+1y when zero
	DeviceKey *ecdsa.PrivateKey // f.Device when nil
	// Printed makes a printed card (the foto profile, no device binding,
	// shown as the issuer CWT itself): Profile, At, Nonce and DeviceKey
	// are then ignored.
	Printed bool
}

// QR returns an IKD1: presentation.
func (f *Fixture) QR(q QR) string {
	f.TB.Helper()
	if q.Profile == "" {
		q.Profile = qrcred.Dasar
	}
	if q.URI == "" {
		q.URI = StatusURI
	}
	if q.At.IsZero() {
		q.At = f.Now.Add(-10 * time.Second)
	}
	if q.Key == nil {
		q.Key = f.Key
	}
	if q.KeyFor == nil {
		q.KeyFor = &q.Key.PublicKey
	}
	if q.IAT.IsZero() {
		q.IAT = f.Now.Add(-24 * time.Hour)
	}
	if q.Exp.IsZero() {
		q.Exp = f.Now.AddDate(1, 0, 0)
	}
	if q.DeviceKey == nil {
		q.DeviceKey = f.Device
	}
	kid, err := qrcred.KeyID(q.KeyFor)
	if err != nil {
		f.TB.Fatal(err)
	}
	c := qrcred.Claims{
		Issuer: Issuer, CTI: []byte("cred-0001"), IAT: q.IAT, Exp: q.Exp,
		DeviceKey: &q.DeviceKey.PublicKey,
		Status:    qrcred.Status{Idx: uint64(q.Idx), URI: q.URI},
		Resident: qrcred.Resident{Nama: "SITI AMINAH", NIK: "1771014501900003", TanggalLahir: "1990-01-05",
			JenisKelamin: "P", Portrait: f.Portrait, Foto: f.foto()},
	}
	if q.Printed {
		c.DeviceKey, c.Printed, q.Profile = nil, true, qrcred.Foto
	}
	cwt, err := qrcred.Issue(q.Key, kid, c, q.Profile)
	if err != nil {
		f.TB.Fatal(err)
	}
	if q.Printed {
		text, err := qrcred.PrintedText(cwt)
		if err != nil {
			f.TB.Fatal(err)
		}
		return text
	}
	text, err := qrcred.Present(cwt, q.DeviceKey, q.At, q.Nonce)
	if err != nil {
		f.TB.Fatal(err)
	}
	return text
}

// SD describes an SD-JWT presentation to make; zero fields take defaults.
type SD struct {
	Idx      int
	URI      string            // StatusURI when empty
	At       time.Time         // KB-JWT iat; Now-10s when zero
	Aud      string            // Aud when empty
	Nonce    string            // DefaultNonce when empty
	NoKB     bool              // leave the key-binding JWT out
	Key      *ecdsa.PrivateKey // issuer key; f.Key when nil
	KID      string            // kid in the header; Key's thumbprint when empty
	Disclose []string          // nama, nik, age_over_17 when nil
}

// SDJWT returns an SD-JWT VC presentation.
func (f *Fixture) SDJWT(s SD) string {
	f.TB.Helper()
	if s.URI == "" {
		s.URI = StatusURI
	}
	if s.At.IsZero() {
		s.At = f.Now.Add(-10 * time.Second)
	}
	if s.Aud == "" {
		s.Aud = Aud
	}
	if s.Nonce == "" {
		s.Nonce = DefaultNonce
	}
	if s.Key == nil {
		s.Key = f.Key
	}
	if s.KID == "" {
		id, err := trustlist.Thumbprint(&s.Key.PublicKey)
		if err != nil {
			f.TB.Fatal(err)
		}
		s.KID = id
	}
	if s.Disclose == nil {
		s.Disclose = []string{sdjwt.ClaimNama, sdjwt.ClaimNIK, sdjwt.ClaimAgeOver17}
	}
	iat := f.Now.Add(-24 * time.Hour)
	sd, err := sdjwt.KTPClaims(sdjwt.KTP{NIK: "1771014501900003", Nama: "SITI AMINAH", TanggalLahir: "1990-01-05", JenisKelamin: "P"}, iat)
	if err != nil {
		f.TB.Fatal(err)
	}
	issued, err := sdjwt.Issue(s.Key, s.KID, sdjwt.Claims{Issuer: Issuer, IssuedAt: iat, Expiry: f.Now.AddDate(1, 0, 0),
		VCT: sdjwt.VCTKTPDigital, Holder: &f.Device.PublicKey, Status: &sdjwt.StatusRef{Idx: s.Idx, URI: s.URI}}, sd, nil)
	if err != nil {
		f.TB.Fatal(err)
	}
	var kb *sdjwt.KeyBinding
	if !s.NoKB {
		kb = &sdjwt.KeyBinding{Signer: f.Device, Aud: s.Aud, Nonce: s.Nonce, IAT: s.At}
	}
	p, err := sdjwt.Present(issued, sdjwt.DiscloseNames(s.Disclose...), kb)
	if err != nil {
		f.TB.Fatal(err)
	}
	return p
}

// StatusToken returns f's status list as a token signed by f.Key, issued
// at iat, expiring at exp.
func (f *Fixture) StatusToken(iat, exp time.Time) string {
	f.TB.Helper()
	t, err := statuslist.SignToken(f.Key, f.KID, statuslist.Token{Subject: StatusURI, Issuer: Issuer, IssuedAt: iat,
		Expiry: exp, TTL: time.Hour, List: f.Status})
	if err != nil {
		f.TB.Fatal(err)
	}
	return t
}

// TrustList returns a trust list signed by f.Key, issued an hour before
// Now and valid for a day after, holding f.Key, the extra keys, and f's
// status list token (expiring with the list).
func (f *Fixture) TrustList(extra ...trustlist.Key) string {
	f.TB.Helper()
	iat, until := f.Now.Add(-time.Hour), f.Now.Add(24*time.Hour)
	l := trustlist.List{Issuer: Issuer, IssuedAt: iat, ValidUntil: until,
		IssuerKeys:  append([]trustlist.Key{{ID: f.KID, Public: &f.Key.PublicKey}}, extra...),
		StatusLists: []trustlist.StatusList{{URI: StatusURI, Token: f.StatusToken(iat, until)}}}
	jws, err := trustlist.Sign(f.Key, f.KID, l)
	if err != nil {
		f.TB.Fatal(err)
	}
	return jws
}

// Trust is TrustList parsed.
func (f *Fixture) Trust(extra ...trustlist.Key) *trustlist.List {
	f.TB.Helper()
	l, err := trustlist.Parse(f.TrustList(extra...), f.Now, nil)
	if err != nil {
		f.TB.Fatal(err)
	}
	return l
}
