package statuslist

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/kredensial"
)

const (
	testKid = "status-2026-1"
	testURI = "https://ikd.bengkulu.example.go.id/status/1"
)

var (
	tokenNow  = time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)
	keyOnce   sync.Once
	issuerKey *ecdsa.PrivateKey
	otherKey  *ecdsa.PrivateKey
)

func keys() (*ecdsa.PrivateKey, *ecdsa.PrivateKey) {
	keyOnce.Do(func() {
		issuerKey, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		otherKey, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	})
	return issuerKey, otherKey
}

func trust(kid string) (crypto.PublicKey, bool) {
	k, _ := keys()
	return &k.PublicKey, kid == testKid
}

func sampleList(t testing.TB) *List {
	t.Helper()
	l, err := New(1000, 2)
	if err != nil {
		t.Fatal(err)
	}
	_ = l.Set(7, Revoked)
	_ = l.Set(8, Suspended)
	return l
}

func sampleToken(t testing.TB) Token {
	return Token{
		Subject: testURI, Issuer: "https://ikd.bengkulu.example.go.id",
		IssuedAt: tokenNow.Add(-time.Hour), Expiry: tokenNow.Add(23 * time.Hour), TTL: 12 * time.Hour,
		List: sampleList(t),
	}
}

func signSample(t testing.TB) string {
	t.Helper()
	k, _ := keys()
	tok, err := SignToken(k, testKid, sampleToken(t))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// signRaw signs arbitrary header and payload bytes with key.
func signRaw(t testing.TB, key *ecdsa.PrivateKey, header, payload any) string {
	t.Helper()
	hj, _ := json.Marshal(header)
	pj, _ := json.Marshal(payload)
	input := b64.EncodeToString(hj) + "." + b64.EncodeToString(pj)
	sum := sha256.Sum256([]byte(input))
	der, err := key.Sign(rand.Reader, sum[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	var sig struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &sig); err != nil {
		t.Fatal(err)
	}
	raw := make([]byte, 64)
	sig.R.FillBytes(raw[:32])
	sig.S.FillBytes(raw[32:])
	return input + "." + b64.EncodeToString(raw)
}

func TestTokenRoundTrip(t *testing.T) {
	tok := signSample(t)
	segs := strings.Split(tok, ".")
	h, _ := b64.DecodeString(segs[0])
	if string(h) != `{"alg":"ES256","typ":"statuslist+jwt","kid":"status-2026-1"}` {
		t.Errorf("header %s", h)
	}
	var claims map[string]any
	p, _ := b64.DecodeString(segs[1])
	if err := json.Unmarshal(p, &claims); err != nil {
		t.Fatal(err)
	}
	sl := claims["status_list"].(map[string]any)
	if claims["sub"] != testURI || claims["ttl"] != 43200.0 || sl["bits"] != 2.0 || sl["lst"] == "" {
		t.Errorf("claims %v", claims)
	}

	got, err := VerifyToken(tok, trust, tokenNow, testURI)
	if err != nil {
		t.Fatal(err)
	}
	want := sampleToken(t)
	if got.Subject != want.Subject || got.Issuer != want.Issuer || !got.IssuedAt.Equal(want.IssuedAt) ||
		!got.Expiry.Equal(want.Expiry) || got.TTL != want.TTL || got.KeyID != testKid {
		t.Errorf("token %+v", got)
	}
	if s, _ := got.List.Get(7); s != Revoked {
		t.Errorf("entry 7 = %v", s)
	}
	if s, _ := got.List.Get(8); s != Suspended {
		t.Errorf("entry 8 = %v", s)
	}
	if err := got.List.Check(9); err != nil {
		t.Errorf("entry 9: %v", err)
	}
	if fu := got.FreshUntil(); !fu.Equal(want.IssuedAt.Add(12 * time.Hour)) {
		t.Errorf("FreshUntil %v", fu)
	}
	// Past the TTL the token is still valid: ttl only says when to refresh.
	if _, err := VerifyToken(tok, trust, want.IssuedAt.Add(13*time.Hour), testURI); err != nil {
		t.Errorf("after ttl: %v", err)
	}
	// Without exp: ikd refuses to sign one, and refuses one signed
	// elsewhere, since it could be replayed after a revocation for ever.
	k, _ := keys()
	bare := sampleToken(t)
	bare.Expiry, bare.TTL, bare.Issuer = time.Time{}, 0, ""
	if _, err := SignToken(k, testKid, bare); err == nil {
		t.Error("SignToken made a token without exp")
	}
	s := signRaw(t, k, map[string]string{"alg": "ES256", "typ": "statuslist+jwt", "kid": testKid},
		map[string]any{"sub": testURI, "iat": tokenNow.Unix(), "status_list": map[string]any{"bits": 1, "lst": "eNrbuRgAAhcBXQ"}})
	_, err = VerifyToken(s, trust, tokenNow, testURI)
	var ce *kredensial.Error
	if !errors.As(err, &ce) || ce.Reason != kredensial.StatusUnavailable {
		t.Errorf("token without exp: %v, want status_unavailable", err)
	}
}

func TestVerifyTokenRejects(t *testing.T) {
	k, other := keys()
	good := signSample(t)
	segs := strings.Split(good, ".")
	claims := func(mut func(map[string]any)) map[string]any {
		m := map[string]any{
			"sub": testURI, "iat": tokenNow.Add(-time.Hour).Unix(), "exp": tokenNow.Add(time.Hour).Unix(), "ttl": 3600,
			"status_list": map[string]any{"bits": 2, "lst": sampleList(t).Encode()},
		}
		mut(m)
		return m
	}
	hdr := map[string]any{"alg": "ES256", "typ": TokenTyp, "kid": testKid}
	hs256 := func() string {
		h := b64.EncodeToString([]byte(`{"alg":"HS256","typ":"statuslist+jwt","kid":"status-2026-1"}`))
		mac := hmac.New(sha256.New, []byte("k"))
		mac.Write([]byte(h + "." + segs[1]))
		return h + "." + segs[1] + "." + b64.EncodeToString(mac.Sum(nil))
	}
	cases := []struct {
		name string
		tok  string
		now  time.Time
		uri  string
		want kredensial.Reason
	}{
		{"expired", good, tokenNow.Add(23*time.Hour + Leeway + time.Second), testURI, kredensial.TrustListStale},
		{"expired a week ago", good, tokenNow.Add(24 * 8 * time.Hour), testURI, kredensial.TrustListStale},
		{"issued in the future", good, tokenNow.Add(-2*time.Hour - Leeway), testURI, kredensial.StatusUnavailable},
		{"another list's token", good, tokenNow, testURI + "0", kredensial.StatusUnavailable},
		{"unknown kid", signRaw(t, k, map[string]any{"alg": "ES256", "typ": TokenTyp, "kid": "x"}, claims(func(map[string]any) {})), tokenNow, testURI, kredensial.StatusUnavailable},
		{"signature flipped", segs[0] + "." + segs[1] + "." + strings.Repeat("A", len(segs[2])), tokenNow, testURI, kredensial.StatusUnavailable},
		{"payload tampered", segs[0] + "." + b64.EncodeToString([]byte(`{"sub":"`+testURI+`","iat":1,"status_list":{"bits":2,"lst":"eNo76fITAAPfAgc"}}`)) + "." + segs[2], tokenNow, testURI, kredensial.StatusUnavailable},
		{"signed by another key", signRaw(t, other, hdr, claims(func(map[string]any) {})), tokenNow, testURI, kredensial.StatusUnavailable},
		{"typ JWT", signRaw(t, k, map[string]any{"alg": "ES256", "typ": "JWT", "kid": testKid}, claims(func(map[string]any) {})), tokenNow, testURI, kredensial.StatusUnavailable},
		{"alg none", segs[0][:0] + b64.EncodeToString([]byte(`{"alg":"none","typ":"statuslist+jwt","kid":"status-2026-1"}`)) + "." + segs[1] + ".", tokenNow, testURI, kredensial.StatusUnavailable},
		{"alg HS256", hs256(), tokenNow, testURI, kredensial.StatusUnavailable},
		{"crit", signRaw(t, k, map[string]any{"alg": "ES256", "typ": TokenTyp, "kid": testKid, "crit": []string{"x"}}, claims(func(map[string]any) {})), tokenNow, testURI, kredensial.StatusUnavailable},
		{"bits 3", signRaw(t, k, hdr, claims(func(m map[string]any) { m["status_list"].(map[string]any)["bits"] = 3 })), tokenNow, testURI, kredensial.StatusUnavailable},
		{"lst not zlib", signRaw(t, k, hdr, claims(func(m map[string]any) { m["status_list"].(map[string]any)["lst"] = "AAAA" })), tokenNow, testURI, kredensial.StatusUnavailable},
		{"no status_list", signRaw(t, k, hdr, claims(func(m map[string]any) { delete(m, "status_list") })), tokenNow, testURI, kredensial.StatusUnavailable},
		{"no iat", signRaw(t, k, hdr, claims(func(m map[string]any) { delete(m, "iat") })), tokenNow, testURI, kredensial.StatusUnavailable},
		{"ttl negative", signRaw(t, k, hdr, claims(func(m map[string]any) { m["ttl"] = -5 })), tokenNow, testURI, kredensial.StatusUnavailable},
		{"ttl a string", signRaw(t, k, hdr, claims(func(m map[string]any) { m["ttl"] = "1h" })), tokenNow, testURI, kredensial.StatusUnavailable},
		{"exp a string", signRaw(t, k, hdr, claims(func(m map[string]any) { m["exp"] = "soon" })), tokenNow, testURI, kredensial.StatusUnavailable},
		{"sub missing", signRaw(t, k, hdr, claims(func(m map[string]any) { delete(m, "sub") })), tokenNow, testURI, kredensial.StatusUnavailable},
		{"payload not an object", signRaw(t, k, hdr, []int{1}), tokenNow, testURI, kredensial.StatusUnavailable},
		{"two segments", segs[0] + "." + segs[1], tokenNow, testURI, kredensial.StatusUnavailable},
		{"empty", "", tokenNow, testURI, kredensial.StatusUnavailable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := VerifyToken(c.tok, trust, c.now, c.uri)
			var ce *kredensial.Error
			if !errors.As(err, &ce) || ce.Reason != c.want {
				t.Fatalf("%v, want %s", err, c.want)
			}
			t.Log(err)
		})
	}
	// Within the leeway an expired token still verifies.
	if _, err := VerifyToken(good, trust, tokenNow.Add(23*time.Hour+Leeway), testURI); err != nil {
		t.Errorf("within leeway: %v", err)
	}
	if _, err := VerifyToken(good, nil, tokenNow, testURI); err == nil || errors.As(err, new(*kredensial.Error)) {
		t.Errorf("nil keys: %v, want a plain error", err)
	}
}

func TestSignTokenRefuses(t *testing.T) {
	k, _ := keys()
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	base := sampleToken(t)
	for name, c := range map[string]struct {
		signer crypto.Signer
		kid    string
		mut    func(*Token)
	}{
		"Ed25519 signer":   {ed, testKid, func(*Token) {}},
		"no kid":           {k, "", func(*Token) {}},
		"no list":          {k, testKid, func(t *Token) { t.List = nil }},
		"no subject":       {k, testKid, func(t *Token) { t.Subject = "" }},
		"no iat":           {k, testKid, func(t *Token) { t.IssuedAt = time.Time{} }},
		"sub-second ttl":   {k, testKid, func(t *Token) { t.TTL = time.Millisecond }},
		"exp before iat":   {k, testKid, func(t *Token) { t.Expiry = t.IssuedAt.Add(-time.Second) }},
		"nil signer":       {nil, testKid, func(*Token) {}},
		"negative ttl":     {k, testKid, func(t *Token) { t.TTL = -time.Hour }},
		"expiry equal iat": {k, testKid, func(t *Token) { t.Expiry = t.IssuedAt }},
	} {
		tok := base
		c.mut(&tok)
		if s, err := SignToken(c.signer, c.kid, tok); err == nil {
			t.Errorf("%s: signed %q", name, s)
		}
	}
}
