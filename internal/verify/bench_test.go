package verify_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"testing"

	"github.com/ikd-project/ikd/internal/verify"
	"github.com/ikd-project/ikd/internal/verify/verifytest"
)

// BenchmarkVerifyQRWithStatus is a full offline check of a dasar QR
// presentation: two ES256 signatures, plus the status list token's (a third
// signature, and inflating the list). Compare with BenchmarkTwoECDSAVerify.
func BenchmarkVerifyQRWithStatus(b *testing.B) {
	f := verifytest.New(b, now)
	trust := f.Trust()
	qr := f.QR(verifytest.QR{Idx: verifytest.IdxValid})
	opts := verify.Options{Trust: trust, Now: now}
	b.ReportAllocs()
	for b.Loop() {
		if r := verify.Verify(qr, opts); !r.Valid {
			b.Fatal(r)
		}
	}
}

// BenchmarkTwoECDSAVerify is the floor: two raw P-256 signature checks.
func BenchmarkTwoECDSAVerify(b *testing.B) {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	d := sha256.Sum256([]byte("x"))
	sig, _ := ecdsa.SignASN1(rand.Reader, k, d[:])
	b.ReportAllocs()
	for b.Loop() {
		if !ecdsa.VerifyASN1(&k.PublicKey, d[:], sig) || !ecdsa.VerifyASN1(&k.PublicKey, d[:], sig) {
			b.Fatal("verify")
		}
	}
}
