package qrcred

import (
	"github.com/ikd-project/ikd/internal/kredensial/qrcred/foto"

	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"image"
	"image/color"
	"image/jpeg"
	mrand "math/rand/v2"
	"testing"
	"time"
)

// Test fixtures: a realistic Bengkulu resident, an issuer key and a device
// key, and the verifier's clock.

var (
	testNow  = time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC) // 09:00 WIB
	testIss  = "https://ikd.bengkuluprov.go.id"
	testURI  = "https://ikd.bengkuluprov.go.id/status/1"
	testIdx  = uint64(1048577)                                                                                        // an index in a list of 2^21, chosen at random
	testCTI  = []byte{0x5e, 0x1d, 0x7a, 0x0c, 0x93, 0x41, 0x4b, 0x7e, 0x8a, 0x52, 0x16, 0xd0, 0x6f, 0x2b, 0x99, 0x04} // a UUID
	testSiti = Resident{Nama: "SITI AMINAH BINTI AHMAD", NIK: "1771015708900001", TanggalLahir: "1990-08-17", JenisKelamin: "P"}
)

type fixture struct {
	issuer, device *ecdsa.PrivateKey
	kid            []byte
	keys           KeyFunc
	claims         Claims
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	iss, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	dev, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	kid, err := KeyID(&iss.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := KeysByID(&iss.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	r := testSiti
	r.Portrait = testPortrait(t)
	if r.Foto, err = foto.Thumbnail(r.Portrait); err != nil {
		t.Fatal(err)
	}
	return &fixture{
		issuer: iss, device: dev, kid: kid, keys: keys,
		claims: Claims{
			Issuer: testIss, CTI: testCTI,
			IAT: testNow.Add(-24 * time.Hour), Exp: testNow.AddDate(1, 0, 0),
			DeviceKey: &dev.PublicKey, Status: Status{Idx: testIdx, URI: testURI},
			Resident: r,
		},
	}
}

func (f *fixture) issue(t testing.TB, p Profile) []byte {
	t.Helper()
	cwt, err := Issue(f.issuer, f.kid, f.claims, p)
	if err != nil {
		t.Fatal(err)
	}
	return cwt
}

func (f *fixture) present(t testing.TB, p Profile, at time.Time, nonce []byte) string {
	t.Helper()
	text, err := Present(f.issue(t, p), f.device, at, nonce)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func (f *fixture) opts() VerifyOptions { return VerifyOptions{Keys: f.keys, Now: testNow} }

// mustSign signs payload as a COSE_Sign1 the way Issue and Present do.
func mustSign(t testing.TB, signer crypto.Signer, kid, payload []byte) []byte {
	t.Helper()
	b, err := sign1(signer, kid, payload)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// testPortrait draws a 300×400 KTP-style portrait (a face on a red
// background, with sensor noise) and returns it as a quality-85 JPEG, like
// a registry photo.
func testPortrait(t testing.TB) []byte {
	t.Helper()
	const w, h = 300, 400
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := mrand.New(mrand.NewPCG(17, 71))
	in := func(x, y, cx, cy, rx, ry float64) bool {
		dx, dy := (x-cx)/rx, (y-cy)/ry
		return dx*dx+dy*dy <= 1
	}
	for y := range h {
		for x := range w {
			fx, fy := float64(x), float64(y)
			c := color.RGBA{200, 30, 40, 255} // red background
			switch {
			case in(fx, fy, 150, 420, 150, 130): // shoulders
				c = color.RGBA{245, 245, 245, 255}
			case in(fx, fy, 150, 95, 95, 70) && fy < 120: // jilbab top
				c = color.RGBA{30, 40, 90, 255}
			case in(fx, fy, 150, 180, 80, 105): // face
				c = color.RGBA{215, 170, 135, 255}
				if in(fx, fy, 120, 160, 12, 7) || in(fx, fy, 180, 160, 12, 7) {
					c = color.RGBA{40, 30, 25, 255} // eyes
				}
				if in(fx, fy, 150, 235, 25, 7) {
					c = color.RGBA{150, 70, 70, 255} // mouth
				}
			case in(fx, fy, 150, 190, 110, 150): // jilbab
				c = color.RGBA{30, 40, 90, 255}
			}
			n := func(v uint8) uint8 { return uint8(min(255, max(0, int(v)+rng.IntN(13)-6))) }
			img.Set(x, y, color.RGBA{n(c.R), n(c.G), n(c.B), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
