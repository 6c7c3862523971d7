package qrimage

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
	"time"

	"rsc.io/qr"
	"rsc.io/qr/coding"

	"github.com/ikd-project/ikd/internal/kredensial"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
	"github.com/ikd-project/ikd/internal/verify/verifytest"
)

func TestQRRoundTrip(t *testing.T) {
	f := verifytest.New(t, testNow)
	keys, err := qrcred.KeysByID(&f.Key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range qrcred.Profiles {
		text := f.QR(verifytest.QR{Profile: p})
		for _, level := range []QRLevel{DefaultQRLevel, QRLevelM} {
			png1, err := QRPNGLevel(text, 4, level)
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodeFile(png1)
			if err != nil || got != text {
				t.Fatalf("%s %v: PNG decoded to %d chars, %v", p, level, len(got), err)
			}
			// The same code photographed and saved as JPEG.
			img, err := png.Decode(bytes.NewReader(png1))
			if err != nil {
				t.Fatal(err)
			}
			var j bytes.Buffer
			if err := jpeg.Encode(&j, img, &jpeg.Options{Quality: 60}); err != nil {
				t.Fatal(err)
			}
			got, err = DecodeFile(j.Bytes())
			if err != nil || got != text {
				t.Fatalf("%s %v: JPEG decoded to %d chars, %v", p, level, len(got), err)
			}
		}
		if _, err := qrcred.Verify(text, qrcred.VerifyOptions{Keys: keys, Now: testNow}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestQRPNGGeometry(t *testing.T) {
	text := qrcred.Prefix + strings.Repeat("ABC", 100)
	v, modules, err := QRVersion(text)
	if err != nil || modules != 17+4*v {
		t.Fatalf("version %d, %d modules, %v", v, modules, err)
	}
	b, err := QRPNG(text, 3)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := img.Bounds().Dx(), (modules+2*QRQuietZone)*3; got != want {
		t.Errorf("PNG %d px wide, want %d", got, want)
	}
	// The quiet zone is white.
	if r, _, _, _ := img.At(QRQuietZone*3-1, QRQuietZone*3-1).RGBA(); r != 0xffff {
		t.Error("quiet zone is not white")
	}
	if r, _, _, _ := img.At(QRQuietZone*3, QRQuietZone*3).RGBA(); r != 0 {
		t.Error("the finder pattern does not start after the quiet zone")
	}
	for _, m := range []int{0, -1, 65} {
		if _, err := QRPNG(text, m); err == nil {
			t.Errorf("module size %d accepted", m)
		}
	}
	if _, err := QRPNG(strings.Repeat("A", 5000), 1); err == nil {
		t.Error("text too long for any QR code accepted")
	}
	if _, _, err := QRVersionLevel(text, QRLevel(7)); err == nil {
		t.Error("level 7 accepted")
	}
	if QRLevelL.String() != "L" || QRLevelH.String() != "H" || QRLevel(9).String() != "QRLevel(9)" {
		t.Error("QRLevel.String")
	}
}

func TestDecodeRejects(t *testing.T) {
	blank := image.NewGray(image.Rect(0, 0, 200, 200))
	for i := range blank.Pix {
		blank.Pix[i] = 255
	}
	var pb bytes.Buffer
	if err := png.Encode(&pb, blank); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"empty": nil, "text": []byte("IKD1:ABC"), "blank PNG": pb.Bytes(), "truncated PNG": pb.Bytes()[:40]} {
		if _, err := DecodeFile(b); reasonOf(err) != kredensial.Unreadable {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := DecodeImage(nil); reasonOf(err) != kredensial.Unreadable {
		t.Errorf("nil image: %v", err)
	}
	if _, err := DecodeImage(image.NewGray(image.Rect(0, 0, 0, 0))); reasonOf(err) != kredensial.Unreadable {
		t.Errorf("empty image: %v", err)
	}
}

// TestEveryMaskDecodes: encodeQR may pick any of the eight masks; each
// must give a code a decoder reads.
func TestEveryMaskDecodes(t *testing.T) {
	text := qrcred.Prefix + strings.Repeat("RRQXO8O609CK/80SLKFBBGDHTWG", 10)
	c, err := encodeQR(text, QRLevelL)
	if err != nil {
		t.Fatal(err)
	}
	v := coding.Version((c.Size - 17) / 4)
	for m := coding.Mask(0); m < 8; m++ {
		p, err := coding.NewPlan(v, coding.L, m)
		if err != nil {
			t.Fatal(err)
		}
		cc, err := p.Encode(coding.Alpha(text))
		if err != nil {
			t.Fatal(err)
		}
		img := render(&qr.Code{Bitmap: cc.Bitmap, Size: cc.Size, Stride: cc.Stride}, 2)
		if got, err := DecodeImage(img); err != nil || got != text {
			t.Errorf("mask %d: %v", m, err)
		}
	}
}

var testNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func reasonOf(err error) kredensial.Reason {
	var ce *kredensial.Error
	if errors.As(err, &ce) {
		return ce.Reason
	}
	return ""
}

// TestSkipsVersion23: a text whose smallest version is 23 is drawn at 24,
// which jsQR reads, while texts just below and above keep their versions.
func TestSkipsVersion23(t *testing.T) {
	for _, c := range []struct{ chars, want int }{{1400, 22}, {1550, 24}, {1600, 24}} {
		text := qrcred.Prefix + strings.Repeat("A", c.chars-len(qrcred.Prefix))
		v, modules, err := QRVersion(text)
		if err != nil || v != c.want || modules != 17+4*c.want {
			t.Errorf("%d chars: version %d (%d modules), %v; want %d", c.chars, v, modules, err, c.want)
		}
		b, err := QRPNG(text, 2)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := DecodeFile(b); err != nil || got != text {
			t.Errorf("%d chars: read back %d chars, %v", c.chars, len(got), err)
		}
	}
}
