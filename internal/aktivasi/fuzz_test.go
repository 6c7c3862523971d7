package aktivasi

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/ikd-project/ikd/internal/errs"
)

// FuzzVerifyProof feeds arbitrary text to the proof JWT check: it never
// panics, refuses with an Invalid error, and accepts only a proof whose
// key and nonce it reports.
func FuzzVerifyProof(f *testing.F) {
	now := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	opts := (&jose.SignerOptions{ExtraHeaders: map[jose.HeaderKey]any{"jwk": jose.JSONWebKey{Key: &k.PublicKey}}}).WithType(ProofType)
	s, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: k}, opts)
	jws, _ := s.Sign([]byte(`{"aud":"https://i","iat":` + strconv.FormatInt(now.Unix(), 10) + `,"nonce":"n"}`))
	good, _ := jws.CompactSerialize()
	f.Add(good)
	f.Add("")
	f.Add("a.b.c")
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Fuzz(func(t *testing.T, raw string) {
		p, err := VerifyProof(raw, "https://i", now)
		if err != nil {
			if !errors.Is(err, errs.Invalid) || !errors.Is(err, ErrInvalidProof) {
				t.Fatalf("refusal is not an invalid proof: %v", err)
			}
			return
		}
		if p.Key == nil || p.Nonce == "" || len(p.Thumbprint) != 43 {
			t.Fatalf("accepted proof without key or nonce: %+v", p)
		}
	})
}
