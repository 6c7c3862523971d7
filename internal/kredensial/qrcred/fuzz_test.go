package qrcred

import (
	"bytes"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/kredensial/qrcred/qrimage"
)

// The fuzz targets check that no input makes the verifier panic, and that
// every rejection is a *credential.Error with one of the fixed reasons.

func checkOutcome(t *testing.T, v *Verified, err error) {
	t.Helper()
	if err != nil {
		if v != nil {
			t.Fatal("a result with an error")
		}
		if r := reasonOf(err); !isReason(r) {
			t.Fatalf("not a fixed reason: %v", err)
		}
		return
	}
	if v == nil || v.DeviceKey == nil || !v.Profile.Known() || v.Issuer == "" || len(v.Kid) == 0 {
		t.Fatalf("accepted but incomplete: %+v", v)
	}
}

// FuzzVerify feeds Verify arbitrary text, starting from real presentations.
func FuzzVerify(f *testing.F) {
	fx := newFixture(f)
	for _, p := range Profiles {
		f.Add(fx.present(f, p, testNow, nil))
	}
	s := fx.present(f, Dasar, testNow, []byte("nonce"))
	f.Add(s)
	f.Add(s[:len(s)/2])
	f.Add("")
	f.Add(Prefix)
	f.Add("IKD1:ABC")
	f.Add("HC1:NCFOXN%TS3DH")
	f.Add(Prefix + "GGW")
	opts := fx.opts()
	opts.Now = testNow.Add(10 * time.Second)
	f.Fuzz(func(t *testing.T, text string) {
		v, err := Verify(text, opts)
		checkOutcome(t, v, err)
	})
}

// FuzzDecodeClaims feeds the CWT claims decoder arbitrary bytes: what an
// issuer signature would protect, were the issuer careless or compromised.
func FuzzDecodeClaims(f *testing.F) {
	fx := newFixture(f)
	for _, p := range Profiles {
		f.Add(fx.mustPayload(f, p))
	}
	f.Add([]byte{0xa0})
	f.Add([]byte{0xa1, 0x04, 0xfb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0}) // exp: NaN
	f.Add([]byte{0xa1, 0x08, 0xa1, 0x01, 0xa4, 0x01, 0x02, 0x20, 0x01, 0x21, 0x40, 0x22, 0xf5})
	f.Fuzz(func(t *testing.T, payload []byte) {
		c, err := credentialOf(payload)
		if err != nil {
			if c != nil {
				t.Fatal("a result with an error")
			}
			if r := reasonOf(err); !isReason(r) {
				t.Fatalf("not a fixed reason: %v", err)
			}
			return
		}
		if c.DeviceKey == nil || !c.Profile.Known() {
			t.Fatalf("accepted but incomplete: %+v", c)
		}
	})
}

// FuzzPresentationPayload signs arbitrary bytes as the device layer's
// payload (and, when they decode, whatever they carry as the credential),
// so that fuzzing reaches past the signatures.
func FuzzPresentationPayload(f *testing.F) {
	fx := newFixture(f)
	cwt := fx.issue(f, Dasar)
	f.Add(presPayload(f, cwt, testNow, nil))
	f.Add(presPayload(f, cwt, testNow, []byte("n")))
	f.Add(presPayload(f, []byte{0xd2, 0x84, 0x40, 0xa0, 0x40, 0x40}, testNow, nil))
	f.Add([]byte{0xa2, 0x01, 0x40, 0x02, 0x00})
	f.Fuzz(func(t *testing.T, payload []byte) {
		text, err := present(payload, fx.device, testNow, nil) // payload as a credential
		if err != nil {
			t.Fatal(err)
		}
		v, err := Verify(text, fx.opts())
		checkOutcome(t, v, err)
		text = Prefix + encodeOuter(t, fx, payload) // payload as the presentation
		v, err = Verify(text, fx.opts())
		checkOutcome(t, v, err)
		if err == nil && !bytes.Contains(payload, v.CTI) {
			t.Fatal("verified a credential the payload does not hold")
		}
	})
}

func encodeOuter(t *testing.T, fx *fixture, payload []byte) string {
	b, err := sign1(fx.device, nil, payload)
	if err != nil {
		t.Fatal(err)
	}
	return text(b)[len(Prefix):]
}

// FuzzDecodeFile feeds the image decoder arbitrary bytes: a verifier may
// upload any file.
func FuzzDecodeFile(f *testing.F) {
	fx := newFixture(f)
	png, err := qrimage.QRPNG(fx.present(f, Usia, testNow, nil), 1)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(png)
	f.Add(testPortrait(f)[:300])
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := qrimage.DecodeFile(b)
		if err != nil && (s != "" || reasonOf(err) != "unreadable") {
			t.Fatalf("%q, %v", s, err)
		}
	})
}
