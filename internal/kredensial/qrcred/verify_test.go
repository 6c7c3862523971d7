package qrcred

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	base45 "github.com/adrianrudnik/base45-go"
	"github.com/fxamacker/cbor/v2"
	"github.com/veraison/go-cose"

	"github.com/ikd-project/ikd/internal/kredensial"
)

// claimsOf returns the claims Issue would sign for p, for a test to change.
func (f *fixture) claimsOf(t testing.TB, p Profile) *cwtClaims {
	t.Helper()
	b, err := issuerPayload(f.claims, p)
	if err != nil {
		t.Fatal(err)
	}
	var c cwtClaims
	if err := decMode.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return &c
}

// craft signs c as an issuer CWT with the fixture's issuer key.
func (f *fixture) craft(t testing.TB, c any) []byte {
	t.Helper()
	b, err := encMode.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return mustSign(t, f.issuer, f.kid, b)
}

// wrap presents cwt with the fixture's device key and no cnf check.
func (f *fixture) wrap(t testing.TB, cwt []byte, at time.Time, nonce []byte) string {
	t.Helper()
	s, err := present(cwt, f.device, at, nonce)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// signWith makes a tagged COSE_Sign1 with any go-cose algorithm.
func signWith(t testing.TB, alg cose.Algorithm, key crypto.Signer, kid, payload []byte) []byte {
	t.Helper()
	s, err := cose.NewSigner(alg, key)
	if err != nil {
		t.Fatal(err)
	}
	m := cose.NewSign1Message()
	m.Headers.Protected.SetAlgorithm(alg)
	if kid != nil {
		m.Headers.Protected[cose.HeaderLabelKeyID] = kid
	}
	m.Payload = payload
	if err := m.Sign(rand.Reader, nil, s); err != nil {
		t.Fatal(err)
	}
	b, err := m.MarshalCBOR()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func text(b []byte) string { return Prefix + string(base45.Encode(b)) }

func presPayload(t testing.TB, cwt []byte, at time.Time, nonce []byte) []byte {
	t.Helper()
	p := presentation{Credential: cwt, SignedAt: dateOf(at), Nonce: nonce}
	b, err := encMode.Marshal(&p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestVerifyFailures runs every failure Verify knows, each for its reason.
func TestVerifyFailures(t *testing.T) {
	f := newFixture(t)
	fresh := testNow.Add(-5 * time.Second)
	good := f.issue(t, Dasar)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)

	// A CWT whose payload was changed after signing: the signature stays.
	tampered := func() []byte {
		var m cose.Sign1Message
		if err := m.UnmarshalCBOR(good); err != nil {
			t.Fatal(err)
		}
		m.Payload = []byte(strings.Replace(string(m.Payload), "SITI", "SITA", 1))
		b, err := m.MarshalCBOR()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}()
	// The signed presentation with one bit of its signing time flipped.
	flippedTime := func() string {
		var m cose.Sign1Message
		raw, _ := base45.Decode([]byte(strings.TrimPrefix(f.wrap(t, good, fresh, nil), Prefix)))
		if err := m.UnmarshalCBOR(raw); err != nil {
			t.Fatal(err)
		}
		m.Payload[len(m.Payload)-1] ^= 1 // last byte of the signing time
		b, _ := m.MarshalCBOR()
		return text(b)
	}()
	withClaims := func(p Profile, mut func(c *cwtClaims)) string {
		c := f.claimsOf(t, p)
		mut(c)
		return f.wrap(t, f.craft(t, c), fresh, nil)
	}
	rsaKeys := func([]byte) (crypto.PublicKey, bool) { return &p384.PublicKey, true }

	cases := []struct {
		name string
		text string
		opts func(*VerifyOptions)
		want kredensial.Reason
	}{
		{"empty", "", nil, kredensial.Unreadable},
		{"a URL", "https://ikd.bengkuluprov.go.id/", nil, kredensial.Unreadable},
		{"an EU DCC", "HC1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEXWK G2EP4J0BGJLFX3R3VHXK.PJ:2DPF6R:5SVBHABVCNN95SWMPHQUHQN%A0SOE+QQAB-HQ/HQ7IR.SQEEOK9SAI4- 7Y15KBPD34  QWSP0WRGTQFNPLIR.KQNA7N95U/3FJCTG90OARH9P1J4HGZJKBEG%123ZC$0BCI757TLXKIBTV5TN%2LXK-$CH4TSXKZ4S/$K%0KPQ1HEP9.PZE9Q$95:UENEUW6646936HRTO$9KZ56DE/.QC$Q3J62:6LZ6O59++9-G9+E93ZM$96TV6NRN3T59YLQM1VRMP$I/XK$M8PK66YBTJ1ZO8B-S-*O5W41FD$ 81JP%KNEV45G1H*KESHMN2/TU3UQQKE*QHXSMNV25$1PK50C9B/9OK5NE1 9V2:U6A1ELUCT16DEETUM/UIN9P8Q:KPFY1W+UN MUNU8T1PEEG%5TW5A 6YO67N6BBEWED/3LS3N6YU.:KJWKPZ9+CQP2IOMH.PR97QC:ACZAH.SYEDK3EL-FIK9J8JRBC7ADHWQYSK48UNZGG NAVEHWEOSUI2L.9OR8FHB0T5HM7I", nil, kredensial.Unreadable},
		{"version 9", "IKD9:6BFOXN*TS0BI$ZD", nil, kredensial.Unsupported},
		{"version 3", "IKD3:6BFOXN*TS0BI$ZD", nil, kredensial.Unsupported},
		{"version 10", "IKD10:X", nil, kredensial.Unsupported},
		{"lower case prefix", strings.ToLower(Prefix) + "ABC", nil, kredensial.Unreadable},
		{"nothing after the prefix", Prefix, nil, kredensial.BadEncoding},
		{"not base45", Prefix + "abc", nil, kredensial.BadEncoding},
		{"base45 overflow", Prefix + "GGW", nil, kredensial.BadEncoding},
		{"base45 length", Prefix + "ABCD", nil, kredensial.BadEncoding},
		{"too long for a QR code", Prefix + strings.Repeat("000", 1500), nil, kredensial.BadEncoding},
		{"not CBOR", text([]byte("hello, world")), nil, kredensial.BadEncoding},
		{"CBOR but not COSE", text([]byte{0xa1, 0x01, 0x02}), nil, kredensial.BadEncoding},
		{"truncated", func() string { s := f.wrap(t, good, fresh, nil); return s[:len(s)-30] }(), nil, kredensial.BadEncoding},
		{"presentation not a map", text(mustSign(t, f.device, nil, []byte{0x83, 1, 2, 3})), nil, kredensial.BadEncoding},
		{"presentation without time", text(mustSign(t, f.device, nil, func() []byte {
			b, _ := encMode.Marshal(map[int]any{1: good})
			return b
		}())), nil, kredensial.BadEncoding},
		{"inner not COSE", text(mustSign(t, f.device, nil, presPayload(t, []byte{1, 2, 3}, fresh, nil))), nil, kredensial.BadEncoding},
		{"device alg ES384", text(signWith(t, cose.AlgorithmES384, p384, nil, presPayload(t, good, fresh, nil))), nil, kredensial.Unsupported},
		{"device alg EdDSA", text(signWith(t, cose.AlgorithmEdDSA, edKey, nil, presPayload(t, good, fresh, nil))), nil, kredensial.Unsupported},
		{"issuer alg ES384", f.wrap(t, signWith(t, cose.AlgorithmES384, p384, f.kid, f.mustPayload(t, Dasar)), fresh, nil), nil, kredensial.Unsupported},
		{"issuer alg EdDSA", f.wrap(t, signWith(t, cose.AlgorithmEdDSA, edKey, f.kid, f.mustPayload(t, Dasar)), fresh, nil), nil, kredensial.Unsupported},
		{"issuer key not P-256", f.wrap(t, good, fresh, nil), func(o *VerifyOptions) { o.Keys = rsaKeys }, kredensial.Unsupported},
		{"unknown kid", f.wrap(t, good, fresh, nil), func(o *VerifyOptions) {
			o.Keys = func([]byte) (crypto.PublicKey, bool) { return nil, false }
		}, kredensial.UnknownIssuer},
		{"no kid", f.wrap(t, mustSign(t, f.issuer, nil, f.mustPayload(t, Dasar)), fresh, nil), nil, kredensial.UnknownIssuer},
		{"signed by an untrusted key under a trusted kid", f.wrap(t, mustSign(t, other, f.kid, f.mustPayload(t, Dasar)), fresh, nil), nil, kredensial.BadSignature},
		{"tampered issuer payload", f.wrap(t, tampered, fresh, nil), nil, kredensial.BadSignature},
		{"swapped device key", func() string { s, _ := present(good, other, fresh, nil); return s }(), nil, kredensial.WrongHolder},
		{"tampered signing time", flippedTime, nil, kredensial.WrongHolder},
		{"unknown profile", withClaims(Dasar, func(c *cwtClaims) { c.IKD.Profile = 4 }), nil, kredensial.Unsupported},
		{"no profile", withClaims(Dasar, func(c *cwtClaims) { c.IKD.Profile = 0 }), nil, kredensial.BadEncoding},
		{"no ikd claim", withClaims(Dasar, func(c *cwtClaims) { c.IKD = nil }), nil, kredensial.BadEncoding},
		{"usia with a name", withClaims(Usia, func(c *cwtClaims) { c.IKD.Nama = "SITI" }), nil, kredensial.BadEncoding},
		{"usia with a birth date", withClaims(Usia, func(c *cwtClaims) { d := int64(7533); c.IKD.TanggalLahir = &d }), nil, kredensial.BadEncoding},
		{"dasar without nik", withClaims(Dasar, func(c *cwtClaims) { c.IKD.NIK = "" }), nil, kredensial.BadEncoding},
		{"nik of 15 digits", withClaims(Dasar, func(c *cwtClaims) { c.IKD.NIK = "177101570890000" }), nil, kredensial.BadEncoding},
		{"jenis_kelamin X", withClaims(Dasar, func(c *cwtClaims) { c.IKD.JenisKelamin = "X" }), nil, kredensial.BadEncoding},
		{"dasar without tanggal_lahir", withClaims(Dasar, func(c *cwtClaims) { c.IKD.TanggalLahir = nil }), nil, kredensial.BadEncoding},
		{"tanggal_lahir after 9999", withClaims(Dasar, func(c *cwtClaims) { d := int64(maxDays + 1); c.IKD.TanggalLahir = &d }), nil, kredensial.BadEncoding},
		{"dasar with foto", withClaims(Dasar, func(c *cwtClaims) { c.IKD.Foto = []byte{0xff, 0xd8} }), nil, kredensial.BadEncoding},
		{"foto_hash of 32 bytes", withClaims(Dasar, func(c *cwtClaims) { c.IKD.FotoHash = make([]byte, 32) }), nil, kredensial.BadEncoding},
		{"no cnf", withClaims(Dasar, func(c *cwtClaims) { c.Cnf = nil }), nil, kredensial.BadEncoding},
		{"cnf not on the curve", withClaims(Dasar, func(c *cwtClaims) { c.Cnf.Key.X = bytes.Repeat([]byte{0xff}, 32) }), nil, kredensial.BadEncoding},
		{"cnf P-384", withClaims(Dasar, func(c *cwtClaims) { c.Cnf.Key.Crv = 2 }), nil, kredensial.BadEncoding},
		{"no status", withClaims(Dasar, func(c *cwtClaims) { c.Status = nil }), nil, kredensial.BadEncoding},
		{"no exp", withClaims(Dasar, func(c *cwtClaims) { c.Exp = nil }), nil, kredensial.BadEncoding},
		{"no iss", withClaims(Dasar, func(c *cwtClaims) { c.Iss = "" }), nil, kredensial.BadEncoding},
		{"nama as bytes", f.wrap(t, f.craft(t, f.edited(t, Dasar, labelNama, []byte("SITI"))), fresh, nil), nil, kredensial.BadEncoding},
		{"nik as an integer", f.wrap(t, f.craft(t, f.edited(t, Dasar, labelNIK, uint64(1771015708900001))), fresh, nil), nil, kredensial.BadEncoding},
		{"tanggal_lahir as text", f.wrap(t, f.craft(t, f.edited(t, Dasar, labelTanggalLahir, "1990-08-17")), fresh, nil), nil, kredensial.BadEncoding},
		{"profile as text", f.wrap(t, f.craft(t, f.edited(t, Dasar, labelProfile, "dasar")), fresh, nil), nil, kredensial.BadEncoding},
		{"age_over_17 as an integer", f.wrap(t, f.craft(t, f.edited(t, Usia, labelAgeOver17, uint64(1))), fresh, nil), nil, kredensial.BadEncoding},
		{"unknown ikd label", f.wrap(t, f.craft(t, f.edited(t, Dasar, 10, "1771")), fresh, nil), nil, kredensial.BadEncoding},
		{"unknown claim label", f.wrap(t, f.craft(t, withClaim(t, f.mustPayload(t, Dasar), uint64(2), "1771015708900001")), fresh, nil), nil, kredensial.BadEncoding},
		{"unknown text claim", f.wrap(t, f.craft(t, withClaim(t, f.mustPayload(t, Dasar), "kab_kota", "1771")), fresh, nil), nil, kredensial.BadEncoding},
		{"version 1 text keys", f.wrap(t, f.craft(t, withClaim(t, f.mustPayload(t, Dasar), "nama", "SITI")), fresh, nil), nil, kredensial.BadEncoding},
		{"expired", withClaims(Dasar, func(c *cwtClaims) { c.Exp = dateOf(testNow.Add(-time.Minute)) }), nil, kredensial.Expired},
		{"nbf in the future", withClaims(Dasar, func(c *cwtClaims) { c.Nbf = dateOf(testNow.Add(time.Hour)) }), nil, kredensial.NotYetValid},
		{"iat in the future", withClaims(Dasar, func(c *cwtClaims) { c.Iat = dateOf(testNow.Add(time.Hour)) }), nil, kredensial.NotYetValid},
		{"signed 91 s ago", f.wrap(t, good, testNow.Add(-91*time.Second), nil), nil, kredensial.StalePresentation},
		{"signed a day ago", f.wrap(t, good, testNow.Add(-24*time.Hour), nil), nil, kredensial.StalePresentation},
		{"signed 31 s in the future", f.wrap(t, good, testNow.Add(31*time.Second), nil), nil, kredensial.StalePresentation},
		{"signed 2 s ahead, no skew", f.wrap(t, good, testNow.Add(2*time.Second), nil), func(o *VerifyOptions) { o.Skew = -1 }, kredensial.StalePresentation},
		{"signed 61 s ago, MaxAge 60 s", f.wrap(t, good, testNow.Add(-61*time.Second), nil), func(o *VerifyOptions) { o.MaxAge = time.Minute }, kredensial.StalePresentation},
		{"nonce required, none", f.wrap(t, good, fresh, nil), func(o *VerifyOptions) { o.Nonce = []byte("n-0001") }, kredensial.BadNonce},
		{"nonce required, another", f.wrap(t, good, fresh, []byte("n-0002")), func(o *VerifyOptions) { o.Nonce = []byte("n-0001") }, kredensial.BadNonce},
		{"nonce required, a prefix", f.wrap(t, good, fresh, []byte("n-000")), func(o *VerifyOptions) { o.Nonce = []byte("n-0001") }, kredensial.BadNonce},

		// And what must pass.
		{"fresh", f.wrap(t, good, fresh, nil), nil, "VALID"},
		{"signed exactly 90 s ago", f.wrap(t, good, testNow.Add(-90*time.Second), nil), nil, "VALID"},
		{"signed 30 s in the future", f.wrap(t, good, testNow.Add(30*time.Second), nil), nil, "VALID"},
		{"nonce required and given", f.wrap(t, good, fresh, []byte("n-0001")), func(o *VerifyOptions) { o.Nonce = []byte("n-0001") }, "VALID"},
		{"nonce given, none required", f.wrap(t, good, fresh, []byte("n-0001")), nil, "VALID"},
		{"trailing line break", f.wrap(t, good, fresh, nil) + "\r\n", nil, "VALID"},
		{"untagged COSE_Sign1 on both layers", func() string {
			var in, out cose.Sign1Message
			_ = in.UnmarshalCBOR(good)
			ib, _ := (*cose.UntaggedSign1Message)(&in).MarshalCBOR()
			raw, _ := base45.Decode([]byte(strings.TrimPrefix(f.wrap(t, ib, fresh, nil), Prefix)))
			_ = out.UnmarshalCBOR(raw)
			ob, _ := (*cose.UntaggedSign1Message)(&out).MarshalCBOR()
			return text(ob)
		}(), nil, "VALID"},
		{"kid in the unprotected header", func() string {
			s, _ := cose.NewSigner(cose.AlgorithmES256, f.issuer)
			m := cose.NewSign1Message()
			m.Headers.Protected.SetAlgorithm(cose.AlgorithmES256)
			m.Headers.Unprotected[cose.HeaderLabelKeyID] = f.kid
			m.Payload = f.mustPayload(t, Dasar)
			_ = m.Sign(rand.Reader, nil, s)
			b, _ := m.MarshalCBOR()
			return f.wrap(t, b, fresh, nil)
		}(), nil, "VALID"},
		{"uncompressed cnf", withClaims(Dasar, func(c *cwtClaims) {
			b, _ := f.device.PublicKey.Bytes()
			y, _ := cbor.Marshal(b[33:])
			c.Cnf.Key.Y = y
		}), nil, "VALID"},
		{"float dates", f.wrap(t, f.craft(t, floatDates(t, f.mustPayload(t, Dasar))), fresh, nil), nil, "VALID"},
		{"COSE_Key with a kid", f.wrap(t, f.craft(t, withCnfKid(t, f.mustPayload(t, Dasar))), fresh, nil), nil, "VALID"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := f.opts()
			if c.opts != nil {
				c.opts(&o)
			}
			v, err := Verify(c.text, o)
			if got := reasonOf(err); got != c.want {
				t.Fatalf("got %s (%v), want %s", got, err, c.want)
			}
			if err == nil && v == nil {
				t.Fatal("no error and no result")
			}
			if err != nil && v != nil {
				t.Fatal("an error and a result")
			}
		})
	}
}

func (f *fixture) mustPayload(t testing.TB, p Profile) []byte {
	t.Helper()
	b, err := issuerPayload(f.claims, p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// floatDates rewrites exp and iat as CBOR floats, which RFC 8392 allows.
func floatDates(t testing.TB, payload []byte) map[any]any {
	t.Helper()
	var m map[any]any
	if err := decMode.Unmarshal(payload, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []uint64{claimExp, claimIat} {
		m[k] = float64(m[k].(uint64)) + 0.5
	}
	return m
}

// generic decodes payload into a map for a test to change.
func generic(t testing.TB, payload []byte) map[any]any {
	t.Helper()
	var m map[any]any
	if err := decMode.Unmarshal(payload, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// withClaim sets the top-level claim key to v.
func withClaim(t testing.TB, payload []byte, key, v any) map[any]any {
	m := generic(t, payload)
	m[key] = v
	return m
}

// edited returns profile p's claims with label of the ikd claim set to v.
func (f *fixture) edited(t testing.TB, p Profile, label uint64, v any) map[any]any {
	m := generic(t, f.mustPayload(t, p))
	m[int64(claimIKD)].(map[any]any)[label] = v
	return m
}

// withCnfKid adds a kid (COSE_Key parameter 2) to the cnf key, which the
// verifier must ignore.
func withCnfKid(t testing.TB, payload []byte) map[any]any {
	m := generic(t, payload)
	m[uint64(claimCnf)].(map[any]any)[uint64(1)].(map[any]any)[uint64(2)] = []byte("device-1")
	return m
}

func TestVerifyMisuse(t *testing.T) {
	f := newFixture(t)
	text := f.present(t, Dasar, testNow, nil)
	if _, err := Verify(text, VerifyOptions{Now: testNow}); err == nil || reasonOf(err) == "VALID" {
		t.Error("nil Keys accepted")
	}
	if _, err := Verify(text, VerifyOptions{Keys: f.keys}); err == nil {
		t.Error("zero Now accepted")
	}
	if _, err := ParseIssued(f.issue(t, Dasar), nil); err == nil {
		t.Error("ParseIssued: nil keys accepted")
	}
}

func TestEveryFailureIsACredentialError(t *testing.T) {
	f := newFixture(t)
	for _, s := range []string{"", "IKD1:", "IKD1:%%%", "IKD3:", text([]byte{0xd2, 0x84, 0x40, 0xa0, 0xf6, 0x40})} {
		_, err := Verify(s, f.opts())
		if r := reasonOf(err); !isReason(r) {
			t.Errorf("%q: %v", s, err)
		}
	}
}

func isReason(r kredensial.Reason) bool {
	for _, x := range kredensial.Reasons {
		if r == x {
			return true
		}
	}
	return false
}
