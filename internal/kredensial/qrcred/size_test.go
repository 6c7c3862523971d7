package qrcred

import (
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/credlint"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred/qrimage"
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
	// Headroom: the longest name a dasar presentation carries within
	// qrimage.MaxQRVersion, without a nonce and with a 16-byte one.
	for _, nonce := range [][]byte{nil, []byte("0123456789abcdef")} {
		longest := 0
		for n := len(testSiti.Nama); n <= 160; n++ {
			g := *f
			g.claims.Resident.Nama = strings.Repeat("A", n)
			text := g.present(t, Dasar, testNow, nonce)
			if v, _, _ := qrimage.QRVersion(text); v > qrimage.MaxQRVersion {
				break
			}
			longest = n
		}
		t.Logf("dasar fits QR v%d-%v with a name of up to %d characters (nonce %d B)",
			qrimage.MaxQRVersion, qrimage.DefaultQRLevel, longest, len(nonce))
	}
}

// TestDasarLongNameFitsVersion15L: Indonesian names run long, and a dasar
// presentation of a 40-character name, with or without a verifier's
// 16-byte nonce, still fits QR version 15 at level L.
func TestDasarLongNameFitsVersion15L(t *testing.T) {
	f := newFixture(t)
	for _, nama := range []string{"MUHAMMAD RIZKY PRATAMA SYAHPUTRA NASUTION", strings.Repeat("M", 40)} {
		f.claims.Resident.Nama = nama
		for _, nonce := range [][]byte{nil, []byte("0123456789abcdef")} {
			text := f.present(t, Dasar, testNow, nonce)
			v, _, err := qrimage.QRVersionLevel(text, qrimage.QRLevelL)
			if err != nil {
				t.Fatal(err)
			}
			if v > 15 {
				t.Errorf("%d-character name, %d-byte nonce: %d characters need QR version %d at level L, more than 15",
					len(nama), len(nonce), len(text), v)
			}
			vd, err := Verify(text, f.opts())
			if err != nil || vd.Claims.Nama != nama {
				t.Errorf("%d-character name: %v", len(nama), err)
			}
		}
	}
}

// TestQRBudgetIsVersion15: credlint's default size budget for dasar is
// what QR version 15 at level L holds. A dasar CWT of exactly
// credlint.DefaultPolicy.MaxQRBytes, presented with a 16-byte nonce, fits
// version 15; two bytes more (a name of one more character) do not.
func TestQRBudgetIsVersion15(t *testing.T) {
	f := newFixture(t)
	nonce := []byte("0123456789abcdef")
	budget := credlint.DefaultPolicy.MaxQRBytes
	versionAt := func(size int) int {
		t.Helper()
		for n := 1; n < 400; n++ {
			f.claims.Resident.Nama = strings.Repeat("A", n)
			cwt := f.issue(t, Dasar)
			if len(cwt) < size {
				continue
			}
			if len(cwt) != size {
				t.Fatalf("no name gives a %d-byte CWT", size)
			}
			text, err := Present(cwt, f.device, testNow, nonce)
			if err != nil {
				t.Fatal(err)
			}
			v, _, err := qrimage.QRVersionLevel(text, qrimage.QRLevelL)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		t.Fatalf("no name gives a %d-byte CWT", size)
		return 0
	}
	if v := versionAt(budget); v != qrimage.MaxQRVersion {
		t.Errorf("a dasar CWT of %d bytes (the budget) needs QR version %d at level L, want %d", budget, v, qrimage.MaxQRVersion)
	}
	if v := versionAt(budget + 2); v <= qrimage.MaxQRVersion {
		t.Errorf("a dasar CWT of %d bytes still fits QR version %d: the budget of %d is too tight", budget+2, v, budget)
	}
}
