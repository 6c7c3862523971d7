package jws

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"testing"
)

// FuzzVerify: never panics, and whatever it accepts carries the payload the
// key signed (another valid encoding of the signature, such as ECDSA's
// (r, n-s), may pass, but never another payload).
func FuzzVerify(f *testing.F) {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	good, _ := Sign(k, rand.Reader, map[string]string{"alg": "ES256"}, []byte(`{"a":1}`))
	f.Add(good)
	f.Add("a.b.c")
	f.Add("..")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Verify(s, &k.PublicKey)
		if err == nil && string(p) != `{"a":1}` {
			t.Fatalf("verified a JWS the key did not sign: %q", s)
		}
	})
}
