package qrcred

import (
	"github.com/ikd-project/ikd/internal/kredensial/qrcred/foto"

	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"image/jpeg"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/veraison/go-cose"

	"github.com/ikd-project/ikd/internal/kms"
	"github.com/ikd-project/ikd/internal/kredensial"
)

func TestRoundTripEachProfile(t *testing.T) {
	f := newFixture(t)
	yes := true
	for _, p := range Profiles {
		t.Run(string(p), func(t *testing.T) {
			text := f.present(t, p, testNow.Add(-10*time.Second), nil)
			if !strings.HasPrefix(text, Prefix) {
				t.Fatalf("text %q", text[:10])
			}
			v, err := Verify(text, f.opts())
			if err != nil {
				t.Fatal(err)
			}
			if v.Profile != p || v.Issuer != testIss || !bytes.Equal(v.Kid, f.kid) || !bytes.Equal(v.CTI, testCTI) ||
				!v.IAT.Equal(f.claims.IAT.Truncate(time.Second)) || !v.Exp.Equal(f.claims.Exp) || !v.NBF.IsZero() ||
				!v.SignedAt.Equal(testNow.Add(-10*time.Second)) || v.Nonce != nil ||
				!v.DeviceKey.Equal(&f.device.PublicKey) || v.Status != (Status{testIdx, testURI}) {
				t.Errorf("verified %+v", v)
			}
			var want Disclosed
			switch p {
			case Usia:
				want = Disclosed{AgeOver17: &yes, AgeOver21: &yes}
			case Dasar, Foto:
				want = Disclosed{Nama: testSiti.Nama, NIK: testSiti.NIK, TanggalLahir: testSiti.TanggalLahir,
					JenisKelamin: "P", FotoHash: FotoHash(f.claims.Resident.Portrait)}
			}
			got := v.Claims
			if p == Foto {
				if _, err := jpeg.Decode(bytes.NewReader(got.Foto)); err != nil {
					t.Errorf("foto is not a JPEG: %v", err)
				}
				got.Foto = nil
			}
			if !equalDisclosed(got, want) {
				t.Errorf("claims %+v, want %+v", got, want)
			}
		})
	}
}

func equalDisclosed(a, b Disclosed) bool {
	pb := func(p *bool) string {
		if p == nil {
			return "nil"
		}
		if *p {
			return "true"
		}
		return "false"
	}
	return a.Nama == b.Nama && a.NIK == b.NIK && a.TanggalLahir == b.TanggalLahir && a.JenisKelamin == b.JenisKelamin &&
		bytes.Equal(a.FotoHash, b.FotoHash) && bytes.Equal(a.Foto, b.Foto) &&
		pb(a.AgeOver17) == pb(b.AgeOver17) && pb(a.AgeOver21) == pb(b.AgeOver21)
}

// TestClaimsLayout pins the CBOR layout: labels, types and deterministic
// encoding, as independent implementations will read it.
func TestClaimsLayout(t *testing.T) {
	f := newFixture(t)
	f.claims.NBF = testNow.Add(-time.Hour)
	for _, p := range Profiles {
		var msg cose.Sign1Message
		cwt := f.issue(t, p)
		if cwt[0] != 0xd2 {
			t.Fatalf("%s: not tag 18: %x", p, cwt[:2])
		}
		if err := msg.UnmarshalCBOR(cwt); err != nil {
			t.Fatal(err)
		}
		if len(msg.Headers.RawProtected) == 0 || len(msg.Headers.Unprotected) != 0 {
			t.Errorf("%s: headers %v / %v", p, msg.Headers.Protected, msg.Headers.Unprotected)
		}
		if alg, _ := msg.Headers.Protected.Algorithm(); alg != cose.AlgorithmES256 || !bytes.Equal(msg.Headers.Protected[cose.HeaderLabelKeyID].([]byte), f.kid) {
			t.Errorf("%s: protected %v", p, msg.Headers.Protected)
		}
		var m map[any]any
		if err := cbor.Unmarshal(msg.Payload, &m); err != nil {
			t.Fatal(err)
		}
		// Deterministic: re-encoding the generic map gives the same bytes.
		if again, _ := encMode.Marshal(m); !bytes.Equal(again, msg.Payload) {
			t.Errorf("%s: payload is not in deterministic encoding", p)
		}
		var keys []int64
		for k := range m {
			switch k := k.(type) {
			case uint64:
				keys = append(keys, int64(k))
			case int64:
				keys = append(keys, k)
			default:
				t.Errorf("%s: key %v of type %T, want an integer label", p, k, k)
			}
		}
		slices.Sort(keys)
		if want := []int64{claimIKD, 1, 4, 5, 6, 7, 8, 65535}; !slices.Equal(keys, want) {
			t.Errorf("%s: claim labels %v, want %v", p, keys, want)
		}
		ikd := m[int64(claimIKD)].(map[any]any)
		var labels []uint64
		for k := range ikd {
			labels = append(labels, k.(uint64))
		}
		slices.Sort(labels)
		want := map[Profile][]uint64{
			Dasar: {labelProfile, labelNama, labelNIK, labelTanggalLahir, labelJenisKelamin, labelFotoHash},
			Usia:  {labelProfile, labelAgeOver17, labelAgeOver21},
			Foto:  {labelProfile, labelNama, labelNIK, labelTanggalLahir, labelJenisKelamin, labelFotoHash, labelFoto},
		}[p]
		if !slices.Equal(labels, want) {
			t.Errorf("%s: ikd labels %v, want %v", p, labels, want)
		}
		if p != Usia && ikd[uint64(labelTanggalLahir)] != uint64(7533) { // 1990-08-17
			t.Errorf("%s: tanggal_lahir %v, want 7533 days", p, ikd[uint64(labelTanggalLahir)])
		}
		cnf := m[uint64(8)].(map[any]any)[uint64(1)].(map[any]any)
		if cnf[uint64(1)] != uint64(2) || cnf[int64(-1)] != uint64(1) || len(cnf[int64(-2)].([]byte)) != 32 {
			t.Errorf("%s: cnf COSE_Key %v", p, cnf)
		}
		if _, ok := cnf[int64(-3)].(bool); !ok {
			t.Errorf("%s: cnf y is %T, want the compressed sign bit", p, cnf[int64(-3)])
		}
		sl := m[uint64(65535)].(map[any]any)["status_list"].(map[any]any)
		if sl["idx"] != testIdx || sl["uri"] != testURI {
			t.Errorf("%s: status %v", p, sl)
		}
		if ikd[uint64(labelProfile)] != profileCodes[p] || m[uint64(1)] != testIss || m[uint64(6)] != uint64(f.claims.IAT.Unix()) {
			t.Errorf("%s: profile/iss/iat %v %v %v", p, ikd[uint64(labelProfile)], m[uint64(1)], m[uint64(6)])
		}
	}
}

func TestIssueIsDeterministicButSignaturesAreNot(t *testing.T) {
	f := newFixture(t)
	a, b := f.issue(t, Dasar), f.issue(t, Dasar)
	var ma, mb cose.Sign1Message
	if err := ma.UnmarshalCBOR(a); err != nil {
		t.Fatal(err)
	}
	if err := mb.UnmarshalCBOR(b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ma.Payload, mb.Payload) || len(a) != len(b) {
		t.Error("the same claims encode differently")
	}
}

func TestIssueRejectsBadInput(t *testing.T) {
	f := newFixture(t)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	cases := map[string]func(c *Claims, p *Profile, kid *[]byte){
		"unknown profile":        func(c *Claims, p *Profile, kid *[]byte) { *p = "lengkap" },
		"no issuer":              func(c *Claims, p *Profile, kid *[]byte) { c.Issuer = "" },
		"no cti":                 func(c *Claims, p *Profile, kid *[]byte) { c.CTI = nil },
		"exp before iat":         func(c *Claims, p *Profile, kid *[]byte) { c.Exp = c.IAT.Add(-time.Second) },
		"exp before nbf":         func(c *Claims, p *Profile, kid *[]byte) { c.NBF = c.Exp.Add(time.Second) },
		"no status uri":          func(c *Claims, p *Profile, kid *[]byte) { c.Status.URI = "" },
		"no device key":          func(c *Claims, p *Profile, kid *[]byte) { c.DeviceKey = nil },
		"P-384 device":           func(c *Claims, p *Profile, kid *[]byte) { c.DeviceKey = &p384.PublicKey },
		"no kid":                 func(c *Claims, p *Profile, kid *[]byte) { *kid = nil },
		"short NIK":              func(c *Claims, p *Profile, kid *[]byte) { c.Resident.NIK = "177101570890" },
		"bad date":               func(c *Claims, p *Profile, kid *[]byte) { c.Resident.TanggalLahir = "17-08-1990" },
		"bad sex":                func(c *Claims, p *Profile, kid *[]byte) { c.Resident.JenisKelamin = "W" },
		"no name":                func(c *Claims, p *Profile, kid *[]byte) { c.Resident.Nama = "" },
		"no portrait":            func(c *Claims, p *Profile, kid *[]byte) { c.Resident.Portrait = nil },
		"foto without thumbnail": func(c *Claims, p *Profile, kid *[]byte) { *p = Foto; c.Resident.Foto = nil },
		"usia no birth":          func(c *Claims, p *Profile, kid *[]byte) { *p = Usia; c.Resident.TanggalLahir = "" },
	}
	for name, mut := range cases {
		c, p, kid := f.claims, Dasar, f.kid
		mut(&c, &p, &kid)
		if _, err := Issue(f.issuer, kid, c, p); err == nil {
			t.Errorf("%s: issued", name)
		}
	}
	if _, err := Issue(p384, f.kid, f.claims, Dasar); err == nil {
		t.Error("issued with a P-384 signer")
	}
}

func TestPresentChecksTheDeviceKey(t *testing.T) {
	f := newFixture(t)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if _, err := Present(f.issue(t, Dasar), other, testNow, nil); err == nil {
		t.Error("presented with a key that is not the cnf key")
	}
	if _, err := Present(f.issue(t, Dasar), f.device, testNow, make([]byte, MaxNonceSize+1)); err == nil {
		t.Error("presented an oversized nonce")
	}
	if _, err := Present([]byte("junk"), f.device, testNow, nil); err == nil {
		t.Error("presented junk")
	}
}

func TestParseIssued(t *testing.T) {
	f := newFixture(t)
	c, err := ParseIssued(f.issue(t, Usia), f.keys)
	if err != nil {
		t.Fatal(err)
	}
	if c.Profile != Usia || c.Claims.Nama != "" || c.Claims.AgeOver17 == nil || !*c.Claims.AgeOver17 {
		t.Errorf("%+v", c)
	}
	none := func([]byte) (crypto.PublicKey, bool) { return nil, false }
	_, err = ParseIssued(f.issue(t, Usia), none)
	if reasonOf(err) != kredensial.UnknownIssuer {
		t.Errorf("unknown key: %v", err)
	}
}

func TestAgeOver(t *testing.T) {
	at := func(s string) time.Time { // a WIB wall-clock time
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, wib)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	cases := []struct {
		birth string
		years int
		t     time.Time
		want  bool
	}{
		{"2009-11-24", 17, at("2026-11-24 00:00"), true},                         // birthday: the day starts it
		{"2009-11-24", 17, at("2026-11-23 23:59"), false},                        // the evening before
		{"2009-11-24", 17, time.Date(2026, 11, 23, 17, 0, 0, 0, time.UTC), true}, // 00:00 WIB on the 24th
		{"2008-02-29", 17, at("2025-02-28 12:00"), false},
		{"2008-02-29", 17, at("2025-03-01 00:00"), true}, // leap-day birthdays count from 1 March
		{"2004-02-29", 21, at("2025-03-01 00:00"), true},
		{"1990-08-17", 21, at("2026-11-24 09:00"), true},
	}
	for _, c := range cases {
		got, err := AgeOver(c.birth, c.years, c.t)
		if err != nil || got != c.want {
			t.Errorf("AgeOver(%s, %d, %v) = %v, %v; want %v", c.birth, c.years, c.t, got, err, c.want)
		}
	}
	if _, err := AgeOver("1990-13-01", 17, testNow); err == nil {
		t.Error("accepted month 13")
	}
}

func TestKeyIDMatchesKMSThumbprint(t *testing.T) {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	thumb, err := kms.Thumbprint(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	a, err := KeyID(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	b, err := KeyIDFromThumbprint(thumb)
	if err != nil || !bytes.Equal(a, b) || len(a) != 8 {
		t.Errorf("KeyID %x, from thumbprint %x (%v)", a, b, err)
	}
	if _, err := KeyIDFromThumbprint("not base64!"); err == nil {
		t.Error("accepted a bad thumbprint")
	}
}

func TestThumbnail(t *testing.T) {
	th, err := foto.Thumbnail(testPortrait(t))
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(th))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != foto.ThumbWidth || b.Dy() != foto.ThumbHeight {
		t.Errorf("thumbnail %v", b)
	}
	t.Logf("thumbnail: %d×%d gray JPEG q%d, %d bytes", foto.ThumbWidth, foto.ThumbHeight, foto.ThumbQuality, len(th))
	if len(th) > 1200 {
		t.Errorf("thumbnail of %d bytes", len(th))
	}
}

func reasonOf(err error) kredensial.Reason {
	var ce *kredensial.Error
	if errors.As(err, &ce) {
		return ce.Reason
	}
	if err == nil {
		return "VALID"
	}
	return kredensial.Reason("not a kredensial.Error: " + err.Error())
}

// TestGoCoseVerifiesBothLayers: go-cose's own Sign1Message reads and
// verifies what this package makes, as the verifier here reads
// COSE_Sign1 without it.
func TestGoCoseVerifiesBothLayers(t *testing.T) {
	f := newFixture(t)
	raw, err := decodeText(f.present(t, Dasar, testNow, nil))
	if err != nil {
		t.Fatal(err)
	}
	var outer, inner cose.Sign1Message
	if err := outer.UnmarshalCBOR(raw); err != nil {
		t.Fatal(err)
	}
	var p presentation
	if err := decMode.Unmarshal(outer.Payload, &p); err != nil {
		t.Fatal(err)
	}
	if err := inner.UnmarshalCBOR(p.Credential); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		m   *cose.Sign1Message
		pub *ecdsa.PublicKey
	}{{&outer, &f.device.PublicKey}, {&inner, &f.issuer.PublicKey}} {
		v, err := cose.NewVerifier(cose.AlgorithmES256, c.pub)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.m.Verify(nil, v); err != nil {
			t.Error(err)
		}
	}
}

// TestNamed: Disclosed.Named gives each profile's claims by name, with the
// birth date back as YYYY-MM-DD, and nothing else.
func TestNamed(t *testing.T) {
	f := newFixture(t)
	want := map[Profile][]string{
		Dasar: {"foto_hash", "jenis_kelamin", "nama", "nik", "tanggal_lahir"},
		Usia:  {"age_over_17", "age_over_21"},
		Foto:  {"foto", "foto_hash", "jenis_kelamin", "nama", "nik", "tanggal_lahir"},
	}
	for _, p := range Profiles {
		c, err := ParseIssued(f.issue(t, p), f.keys)
		if err != nil {
			t.Fatal(err)
		}
		m := c.Claims.Named()
		if got := slices.Sorted(maps.Keys(m)); !slices.Equal(got, want[p]) {
			t.Errorf("%s: claims %v, want %v", p, got, want[p])
		}
		if p != Usia && (m["tanggal_lahir"] != testSiti.TanggalLahir || m["nik"] != testSiti.NIK) {
			t.Errorf("%s: tanggal_lahir %v, nik %v", p, m["tanggal_lahir"], m["nik"])
		}
		if p == Usia && m["age_over_17"] != true {
			t.Errorf("usia: age_over_17 %v", m["age_over_17"])
		}
	}
}
