package jws

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

func key(t *testing.T) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestAgainstGoJose checks both directions with go-jose, an independent
// implementation: it verifies what Sign makes, and Verify accepts what it
// signs.
func TestAgainstGoJose(t *testing.T) {
	k := key(t)
	token, err := Sign(k, rand.Reader, map[string]string{"alg": "ES256", "typ": "statuslist+jwt", "kid": "k1"}, []byte(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	obj, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := obj.Verify(&k.PublicKey); err != nil || string(p) != `{"a":1}` {
		t.Fatalf("go-jose verify: %q %v", p, err)
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: k}, nil)
	if err != nil {
		t.Fatal(err)
	}
	signed, _ := s.Sign([]byte("hello"))
	compact, _ := signed.CompactSerialize()
	if p, err := Verify(compact, &k.PublicKey); err != nil || string(p) != "hello" {
		t.Fatalf("Verify of go-jose's JWS: %q %v", p, err)
	}
}

func TestVerifyRefuses(t *testing.T) {
	k, other := key(t), key(t)
	token, err := Sign(k, rand.Reader, map[string]string{"alg": "ES256"}, []byte(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	h, p, s, _ := Segments(token)
	flipped := []byte(p)
	flipped[2] ^= 1
	for name, bad := range map[string]string{
		"other key":        token, // checked with other below
		"tampered payload": h + "." + string(flipped) + "." + s,
		"two segments":     h + "." + p,
		"short signature":  h + "." + p + "." + s[:40],
		"non-base64url":    h + "." + p + "." + s[:10] + "\n" + s[11:],
		"tampered header":  strings.Replace(token, h, h+"AA", 1),
	} {
		key := &k.PublicKey
		if name == "other key" {
			key = &other.PublicKey
		}
		if _, err := Verify(bad, key); err == nil {
			t.Errorf("%s: verified", name)
		}
	}
	if _, err := Sign(nil, rand.Reader, nil, nil); err == nil {
		t.Error("Sign with a nil signer")
	}
}
