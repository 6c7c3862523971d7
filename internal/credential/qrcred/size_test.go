package qrcred

import (
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/credential/qrcred/qrimage"
)

// TestSizes measures every profile for a realistic Bengkulu resident and
// fails if the default profile's QR code grows past qrimage.MaxQRVersion.
func TestSizes(t *testing.T) {
	f := newFixture(t)
	for _, p := range Profiles {
		cwt := f.issue(t, p)
		for _, nonce := range [][]byte{nil, []byte("0123456789abcdef")} {
			text, err := Present(cwt, f.device, testNow, nonce)
			if err != nil {
				t.Fatal(err)
			}
			vd, md, err := qrimage.QRVersion(text)
			if err != nil {
				t.Fatal(err)
			}
			vm, mm, err := qrimage.QRVersionLevel(text, qrimage.QRLevelM)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := decodeText(text)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%-5s nonce %2d B: issuer CWT %4d B, presentation %4d B, text %4d chars: QR v%d-%v (%d×%d), v%d-M (%d×%d)",
				p, len(nonce), len(cwt), len(raw), len(text), vd, qrimage.DefaultQRLevel, md, md, vm, mm, mm)
			if p == Dasar && vd > qrimage.MaxQRVersion {
				t.Errorf("dasar presentation (nonce %d B) needs QR version %d at level %v, more than %d",
					len(nonce), vd, qrimage.DefaultQRLevel, qrimage.MaxQRVersion)
			}
		}
	}
	// Headroom: the longest name a dasar presentation without a nonce
	// carries within qrimage.MaxQRVersion.
	longest := 0
	for n := len(testSiti.Nama); n <= 80; n++ {
		g := *f
		g.claims.Resident.Nama = strings.Repeat("A", n)
		text := g.present(t, Dasar, testNow, nil)
		if v, _, _ := qrimage.QRVersion(text); v > qrimage.MaxQRVersion {
			break
		}
		longest = n
	}
	t.Logf("dasar fits QR v%d-%v with a name of up to %d characters (without a nonce)", qrimage.MaxQRVersion, qrimage.DefaultQRLevel, longest)
}
