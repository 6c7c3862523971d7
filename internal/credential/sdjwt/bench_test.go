package sdjwt

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"testing"
)

// BenchmarkVerifyPresentation verifies an SD-JWT VC presentation with three
// Disclosures and a KB-JWT: two ES256 verifications, the digests, JSON.
func BenchmarkVerifyPresentation(b *testing.B) {
	p := presentKTP(b)
	o := opts()
	b.ReportAllocs()
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		if _, err := Verify(p, o); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawVerify is the floor under BenchmarkVerifyPresentation: two
// ECDSA P-256 verifications over SHA-256 with the standard library.
func BenchmarkRawVerify(b *testing.B) {
	msg1, msg2 := []byte(presentKTP(b)), []byte("kb-jwt signing input")
	h1, h2 := sha256.Sum256(msg1), sha256.Sum256(msg2)
	s1, _ := ecdsa.SignASN1(rand.Reader, tk().issuer, h1[:])
	s2, _ := ecdsa.SignASN1(rand.Reader, tk().holder, h2[:])
	b.ReportAllocs()
	for b.Loop() {
		d1 := sha256.Sum256(msg1)
		d2 := sha256.Sum256(msg2)
		if !ecdsa.VerifyASN1(&tk().issuer.PublicKey, d1[:], s1) || !ecdsa.VerifyASN1(&tk().holder.PublicKey, d2[:], s2) {
			b.Fatal("verify")
		}
	}
}

// BenchmarkIssue issues the sample KTP (19 Disclosures, decoys, one ES256
// signature).
func BenchmarkIssue(b *testing.B) {
	sd, _ := KTPClaims(sampleKTP(), issuedAt)
	c := sampleClaims()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Issue(tk().issuer, testKid, c, sd, rand.Reader); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPresent presents three claims with a KB-JWT.
func BenchmarkPresent(b *testing.B) {
	issued := issueKTP(b)
	disclose := DiscloseNames("nik", "nama", "alamat.kab_kota")
	k := kb(now)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Present(issued, disclose, k); err != nil {
			b.Fatal(err)
		}
	}
}
