package sdjwt

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"github.com/ikd-project/ikd/internal/kredensial/jws"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/kredensial"
)

// Fixed test times: the credential is issued at issuedAt and shown at now.
var (
	issuedAt = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	now      = issuedAt.Add(30 * 24 * time.Hour)
	expiry   = issuedAt.Add(365 * 24 * time.Hour)
)

const (
	testKid    = "bengkulu-2026-1"
	testIssuer = "https://ikd.bengkulu.example.go.id"
	testAud    = "https://verifier.example.id"
	testNonce  = "n-0S6_WzA2Mj"
	statusURI  = "https://ikd.bengkulu.example.go.id/status/1"
)

type testKeys struct {
	issuer, holder, other *ecdsa.PrivateKey
}

var (
	keysOnce sync.Once
	keys     testKeys
)

func mustKey() *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
}

func tk() testKeys {
	keysOnce.Do(func() {
		keys = testKeys{issuer: mustKey(), holder: mustKey(), other: mustKey()}
	})
	return keys
}

// trust trusts the issuer key under testKid.
func trust(kid string) (crypto.PublicKey, bool) {
	if kid == testKid {
		return &tk().issuer.PublicKey, true
	}
	return nil, false
}

func sampleKTP() KTP {
	return KTP{
		NIK:              "1771015708900002",
		Nama:             "SITI AMINAH",
		TempatLahir:      "BENGKULU",
		TanggalLahir:     "1990-08-17",
		JenisKelamin:     "P",
		Agama:            "ISLAM",
		StatusPerkawinan: "KAWIN",
		Pekerjaan:        "GURU",
		Kewarganegaraan:  "WNI",
		GolonganDarah:    "O",
		Alamat: Alamat{
			Jalan: "JL. SUPRAPTO NO. 12", RTRW: "003/002", KelDesa: "PASAR BARU",
			Kecamatan: "TELUK SEGARA", KabKota: "KOTA BENGKULU", Provinsi: "BENGKULU",
		},
	}
}

func sampleClaims() Claims {
	return Claims{
		Issuer:   testIssuer,
		IssuedAt: issuedAt,
		Expiry:   expiry,
		VCT:      VCTKTPDigital,
		Holder:   &tk().holder.PublicKey,
		Status:   &StatusRef{Idx: 4711, URI: statusURI},
	}
}

// issueKTP issues the sample KTP credential.
func issueKTP(t testing.TB) string {
	t.Helper()
	sd, err := KTPClaims(sampleKTP(), issuedAt)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Issue(tk().issuer, testKid, sampleClaims(), sd, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func kb(iat time.Time) *KeyBinding {
	return &KeyBinding{Signer: tk().holder, Aud: testAud, Nonce: testNonce, IAT: iat}
}

// presentKTP presents nik, nama and alamat.kab_kota with a KB-JWT signed at now.
func presentKTP(t testing.TB) string {
	t.Helper()
	p, err := Present(issueKTP(t), DiscloseNames("nik", "nama", "alamat.kab_kota"), kb(now))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func opts() VerifyOptions {
	return VerifyOptions{
		Keys: trust, Now: now, Skew: time.Minute, RequireKB: true,
		Aud: testAud, Nonce: testNonce, MaxKBAge: 2 * time.Minute, VCT: VCTKTPDigital,
	}
}

// reasonOf returns the kredensial.Reason of err, or "" when err is nil or
// not a *kredensial.Error.
func reasonOf(err error) kredensial.Reason {
	var ce *kredensial.Error
	if errors.As(err, &ce) {
		return ce.Reason
	}
	return ""
}

// sign signs an arbitrary header and payload with key: for building
// presentations that Issue would refuse to make.
func sign(t testing.TB, key *ecdsa.PrivateKey, header, payload any) string {
	t.Helper()
	hj, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	pj, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	return signRaw(t, key, hj, pj)
}

func signRaw(t testing.TB, key *ecdsa.PrivateKey, header, payload []byte) string {
	t.Helper()
	input := b64.EncodeToString(header) + "." + b64.EncodeToString(payload)
	sum := sha256.Sum256([]byte(input))
	der, err := key.Sign(rand.Reader, sum[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := jws.RawSignature(der)
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + b64.EncodeToString(raw)
}

// disc encodes the JSON array elems as a Disclosure.
func disc(t testing.TB, elems ...any) string {
	t.Helper()
	raw, err := json.Marshal(elems)
	if err != nil {
		t.Fatal(err)
	}
	return b64.EncodeToString(raw)
}

// basePayload is a valid KTP-like payload without any _sd.
func basePayload() map[string]any {
	jwk, _ := JWK(&tk().holder.PublicKey)
	return map[string]any{
		"iss": testIssuer, "iat": issuedAt.Unix(), "exp": expiry.Unix(), "vct": VCTKTPDigital,
		"_sd_alg": "sha-256", "cnf": map[string]any{"jwk": jwk},
	}
}

var stdHeader = map[string]any{"alg": "ES256", "typ": "dc+sd-jwt", "kid": testKid}

// craft signs payload with the issuer key and appends the Disclosures and
// a KB-JWT signed by the holder over them.
func craft(t testing.TB, header, payload map[string]any, disclosures ...string) string {
	t.Helper()
	s := sign(t, tk().issuer, header, payload) + "~"
	for _, d := range disclosures {
		s += d + "~"
	}
	return withKB(t, s, tk().holder, testAud, testNonce, now)
}

// withKB appends a KB-JWT over prefix (which ends with '~').
func withKB(t testing.TB, prefix string, key *ecdsa.PrivateKey, aud, nonce string, iat time.Time) string {
	t.Helper()
	return prefix + sign(t, key, map[string]any{"alg": "ES256", "typ": "kb+jwt"},
		map[string]any{"iat": iat.Unix(), "aud": aud, "nonce": nonce, "sd_hash": digest(prefix)})
}

// stripKB returns the presentation up to and including its last '~'.
func stripKB(p string) string { return p[:strings.LastIndexByte(p, '~')+1] }

// decodeDisclosure decodes one Disclosure as decodeAll does.
func decodeDisclosure(enc string) *disclosure {
	d := new(disclosure)
	newScratch(0).decodeDisclosure(enc, d)
	return d
}

// verifyJWS checks an ES256 compact JWS against key the way Verify does and
// returns the decoded payload.
func verifyJWS(compact string, key *ecdsa.PublicKey) ([]byte, error) {
	h, p, s, ok := splitJWS(compact)
	if !ok {
		return nil, errors.New("not a compact JWS")
	}
	sc := newScratch(len(compact))
	body, err := sc.decode(p)
	if err != nil {
		return nil, err
	}
	if err := sc.checkES256(compact[:len(h)+1+len(p)], s, key); err != nil {
		return nil, err
	}
	return []byte(body), nil
}
