package sdjwt

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"slices"
	"testing"
	"time"
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
	jobs := newRawJobs(b, presentKTP(b))
	b.ReportAllocs()
	for b.Loop() {
		jobs.verify(b)
	}
}

// BenchmarkVerifyRatio interleaves the two above, one of each per
// iteration, and reports how close Verify comes to the limit, as
// BenchmarkVerifyQRRatio in qrcred does: on a shared machine the load then
// falls on both alike. rate-ratio is RawVerify's total time over Verify's
// (1 would be the limit); median-ratio is the same from the medians of the
// per-iteration times, which a burst of load on a few iterations does not
// move. The goal is 0.8 or more.
func BenchmarkVerifyRatio(b *testing.B) {
	p := presentKTP(b)
	o := opts()
	jobs := newRawJobs(b, p)
	var ours, raw []time.Duration
	for b.Loop() {
		t0 := time.Now()
		if _, err := Verify(p, o); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		jobs.verify(b)
		ours, raw = append(ours, t1.Sub(t0)), append(raw, time.Since(t1))
	}
	var sumOurs, sumRaw time.Duration
	for i := range ours {
		sumOurs, sumRaw = sumOurs+ours[i], sumRaw+raw[i]
	}
	n := float64(len(ours))
	b.ReportMetric(float64(sumOurs.Nanoseconds())/n, "verify-ns")
	b.ReportMetric(float64(sumRaw.Nanoseconds())/n, "raw-ns")
	b.ReportMetric(float64(sumRaw)/float64(sumOurs), "rate-ratio")
	b.ReportMetric(float64(median(raw))/float64(median(ours)), "median-ratio")
}

// median returns the median of d, which it sorts.
func median(d []time.Duration) time.Duration {
	slices.Sort(d)
	return d[len(d)/2]
}

// rawJobs are the two verifications of BenchmarkRawVerify: the issuer's
// over a message as long as the whole presentation, the holder's over a
// short one.
type rawJobs [2]struct {
	pub      *ecdsa.PublicKey
	msg, sig []byte
}

func newRawJobs(b *testing.B, presentation string) *rawJobs {
	var jobs rawJobs
	for i, m := range []string{presentation, "kb-jwt signing input"} {
		key := [2]*ecdsa.PrivateKey{tk().issuer, tk().holder}[i]
		h := sha256.Sum256([]byte(m))
		sig, err := ecdsa.SignASN1(rand.Reader, key, h[:])
		if err != nil {
			b.Fatal(err)
		}
		jobs[i].pub, jobs[i].msg, jobs[i].sig = &key.PublicKey, []byte(m), sig
	}
	return &jobs
}

func (jobs *rawJobs) verify(b *testing.B) {
	for _, j := range jobs {
		h := sha256.Sum256(j.msg)
		if !ecdsa.VerifyASN1(j.pub, h[:], j.sig) {
			b.Fatal("raw verify failed")
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
