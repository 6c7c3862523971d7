package qrcred

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/kredensial/qrcred/qrimage"
)

// BenchmarkVerifyQR is a full Verify of a dasar presentation: prefix and
// base45, two COSE_Sign1 decodes, two CBOR payloads, the COSE_Key, two
// ES256 verifies and the checks. Compare with BenchmarkRawVerify2.
func BenchmarkVerifyQR(b *testing.B) {
	f := newFixture(b)
	text := f.present(b, Dasar, testNow, nil)
	opts := f.opts()
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := Verify(text, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawVerify2 is the physical limit of BenchmarkVerifyQR: the two
// ECDSA P-256 verifies alone (SHA-256 + ecdsa.VerifyASN1), over messages
// of exactly the sizes the two COSE Sig_structures have.
func BenchmarkRawVerify2(b *testing.B) {
	f := newFixture(b)
	jobs := rawJobs(b, f, f.present(b, Dasar, testNow, nil))
	b.Logf("Sig_structure sizes: issuer %d B, device %d B", len(jobs[0].tbs), len(jobs[1].tbs))
	b.ReportAllocs()
	for b.Loop() {
		jobs.verify(b)
	}
}

// BenchmarkVerifyQRRatio interleaves the two above, one of each per
// iteration, and reports ours as a share of the limit's rate: on a shared
// machine the load then falls on both alike.
func BenchmarkVerifyQRRatio(b *testing.B) {
	f := newFixture(b)
	text := f.present(b, Dasar, testNow, nil)
	jobs := rawJobs(b, f, text)
	opts := f.opts()
	var ours, raw time.Duration
	for b.Loop() {
		t0 := time.Now()
		if _, err := Verify(text, opts); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		jobs.verify(b)
		ours, raw = ours+t1.Sub(t0), raw+time.Since(t1)
	}
	n := float64(b.N)
	b.ReportMetric(float64(ours.Nanoseconds())/n, "verify-ns")
	b.ReportMetric(float64(raw.Nanoseconds())/n, "raw2-ns")
	b.ReportMetric(float64(raw)/float64(ours), "rate-ratio")
}

type rawJob struct {
	pub      *ecdsa.PublicKey
	tbs, sig []byte
}

type rawJobList [2]rawJob

func (jobs *rawJobList) verify(b *testing.B) {
	for _, j := range jobs {
		h := sha256.Sum256(j.tbs)
		if !ecdsa.VerifyASN1(j.pub, h[:], j.sig) {
			b.Fatal("raw verify failed")
		}
	}
}

// rawJobs signs, with plain ecdsa, messages as long as the issuer's and
// the device's Sig_structures in text.
func rawJobs(b *testing.B, f *fixture, text string) *rawJobList {
	raw, err := decodeText(text)
	if err != nil {
		b.Fatal(err)
	}
	outer, err := decodeSign1(raw, "device")
	if err != nil {
		b.Fatal(err)
	}
	var p presentation
	if err := decMode.Unmarshal(outer.payload, &p); err != nil {
		b.Fatal(err)
	}
	inner, err := decodeSign1(p.Credential, "issuer")
	if err != nil {
		b.Fatal(err)
	}
	var jobs rawJobList
	for i, m := range []*sign1Msg{inner, outer} {
		tbs, err := encMode.Marshal([]any{"Signature1", m.protected, []byte{}, m.payload})
		if err != nil {
			b.Fatal(err)
		}
		key := [2]*ecdsa.PrivateKey{f.issuer, f.device}[i]
		h := sha256.Sum256(tbs)
		sig, err := ecdsa.SignASN1(rand.Reader, key, h[:])
		if err != nil {
			b.Fatal(err)
		}
		jobs[i] = rawJob{&key.PublicKey, tbs, sig}
	}
	return &jobs
}

func BenchmarkIssueDasar(b *testing.B) {
	f := newFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Issue(f.issuer, f.kid, f.claims, Dasar); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPresent(b *testing.B) {
	f := newFixture(b)
	cwt := f.issue(b, Dasar)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Present(cwt, f.device, testNow, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkQRPNG(b *testing.B) {
	f := newFixture(b)
	text := f.present(b, Dasar, testNow, nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := qrimage.QRPNG(text, 4); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeFile(b *testing.B) {
	f := newFixture(b)
	png, err := qrimage.QRPNG(f.present(b, Dasar, testNow, nil), 4)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := qrimage.DecodeFile(png); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSizes reports the dasar presentation's size as metrics.
func BenchmarkSizes(b *testing.B) {
	f := newFixture(b)
	for _, p := range Profiles {
		b.Run(string(p), func(b *testing.B) {
			cwt := f.issue(b, p)
			text, err := Present(cwt, f.device, testNow, nil)
			if err != nil {
				b.Fatal(err)
			}
			v, _, _ := qrimage.QRVersion(text)
			vm, _, _ := qrimage.QRVersionLevel(text, qrimage.QRLevelM)
			for b.Loop() {
			}
			b.ReportMetric(float64(len(cwt)), "cwt-bytes")
			b.ReportMetric(float64(len(text)), "qr-chars")
			b.ReportMetric(float64(v), "qr-version-L")
			b.ReportMetric(float64(vm), "qr-version-M")
		})
	}
}
