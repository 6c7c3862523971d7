package sdjwt

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"math/big"
	"testing"

	"github.com/ikd-project/ikd/internal/kredensial/jws"
)

// TestCheckES256Encodings checks that the r || s to DER conversion of
// checkES256 agrees with jws.Verify on signatures whose r or s has a
// leading zero byte or its high bit set, and refuses what ECDSA refuses.
func TestCheckES256Encodings(t *testing.T) {
	key := tk().issuer
	header := b64.EncodeToString([]byte(`{"alg":"ES256"}`))
	var zeroR, zeroS, highR, highS bool
	for i := 0; i < 20000 && !(zeroR && zeroS && highR && highS); i++ {
		input := header + "." + b64.EncodeToString([]byte{byte(i), byte(i >> 8)})
		sum := sha256.Sum256([]byte(input))
		der, err := ecdsa.SignASN1(rand.Reader, key, sum[:])
		if err != nil {
			t.Fatal(err)
		}
		raw, err := jws.RawSignature(der)
		if err != nil {
			t.Fatal(err)
		}
		r0, s0 := raw[0], raw[32]
		interesting := r0 == 0 && !zeroR || s0 == 0 && !zeroS || r0&0x80 != 0 && !highR || s0&0x80 != 0 && !highS
		if !interesting && i > 50 {
			continue
		}
		zeroR, zeroS = zeroR || r0 == 0, zeroS || s0 == 0
		highR, highS = highR || r0&0x80 != 0, highS || s0&0x80 != 0
		sig := b64.EncodeToString(raw)
		if _, err := jws.Verify(input+"."+sig, &key.PublicKey); err != nil {
			t.Fatalf("jws.Verify: %v", err)
		}
		if err := newScratch(0).checkES256(input, sig, &key.PublicKey); err != nil {
			t.Fatalf("r[0]=%#x s[0]=%#x: %v", r0, s0, err)
		}
		if err := newScratch(0).checkES256(input+"x", sig, &key.PublicKey); err == nil {
			t.Fatal("verified another input")
		}
	}
	if !zeroR || !zeroS || !highR || !highS {
		t.Fatalf("no signature with a leading zero or high bit: %v %v %v %v", zeroR, zeroS, highR, highS)
	}

	input := header + ".e30"
	sum := sha256.Sum256([]byte(input))
	der, _ := ecdsa.SignASN1(rand.Reader, key, sum[:])
	raw, _ := jws.RawSignature(der)
	n := key.Curve.Params().N
	s := new(big.Int).SetBytes(raw[32:])
	withRS := func(r, s *big.Int) string {
		b := make([]byte, 64)
		r.FillBytes(b[:32])
		s.FillBytes(b[32:])
		return b64.EncodeToString(b)
	}
	r := new(big.Int).SetBytes(raw[:32])
	for name, c := range map[string]struct {
		sig  string
		want bool
	}{
		"as signed":      {b64.EncodeToString(raw), true},
		"s negated":      {withRS(r, new(big.Int).Sub(n, s)), true}, // ECDSA's own malleability
		"r zero":         {withRS(new(big.Int), s), false},
		"s zero":         {withRS(r, new(big.Int)), false},
		"r plus n":       {withRS(new(big.Int).Add(r, n).Mod(new(big.Int).Add(r, n), new(big.Int).Lsh(big.NewInt(1), 256)), s), false},
		"r equals n":     {withRS(n, s), false},
		"63 bytes":       {b64.EncodeToString(raw[:63]), false},
		"65 bytes":       {b64.EncodeToString(append(raw, 0)), false},
		"padded":         {b64.EncodeToString(raw) + "=", false},
		"stray bits set": {b64.EncodeToString(raw)[:85] + "B", false},
	} {
		err := newScratch(0).checkES256(input, c.sig, &key.PublicKey)
		if (err == nil) != c.want {
			t.Errorf("%s: err %v, want accepted %v", name, err, c.want)
		}
	}
}
