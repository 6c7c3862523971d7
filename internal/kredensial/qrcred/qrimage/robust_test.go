package qrimage

import (
	"fmt"
	"image"
	mrand "math/rand/v2"
	"os"
	"testing"

	"rsc.io/qr"

	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
	"github.com/ikd-project/ikd/internal/verify/verifytest"
)

// TestQRLevelRobustness compares, for one dasar presentation, level L
// (version 15) with level M (version 17) under simulated camera capture:
// the code resampled to W×W pixels at a random sub-pixel phase, box-blurred
// and given Gaussian noise, then read by gozxing. It only logs: run it with
// IKD_QR_ROBUSTNESS=1 go test -run TestQRLevelRobustness -v. A synthetic
// proxy for a real camera, not a substitute.
func TestQRLevelRobustness(t *testing.T) {
	if os.Getenv("IKD_QR_ROBUSTNESS") == "" {
		t.Skip("set IKD_QR_ROBUSTNESS=1 to run")
	}
	text := verifytest.New(t, testNow).QR(verifytest.QR{Profile: qrcred.Dasar})
	widths := []int{150, 170, 190, 210, 230, 260, 300}
	const seeds = 6
	for _, level := range []QRLevel{QRLevelL, QRLevelM} {
		c, err := encodeQR(text, level)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, blur := range []int{0, 1, 2} {
			for _, noise := range []float64{0, 20} {
				line := ""
				for _, w := range widths {
					ok := 0
					for seed := range seeds {
						rng := mrand.New(mrand.NewPCG(uint64(seed), uint64(w*7+blur)))
						if got, err := DecodeImage(captured(c, w, blur, noise, rng)); err == nil && got == text {
							ok++
						}
					}
					line += fmt.Sprintf(" %d", ok)
					total += ok
				}
				t.Logf("level %v (v%d) blur %d noise %2.0f: read of %d at W = %v px:%s",
					level, (c.Size-17)/4, blur, noise, seeds, widths, line)
			}
		}
		t.Logf("level %v: %d of %d read", level, total, 6*len(widths)*seeds)
	}
}

// captured simulates a camera frame of c: w×w pixels, contrast 50–220.
func captured(c *qr.Code, w, blur int, noise float64, rng *mrand.Rand) image.Image {
	n := c.Size + 2*QRQuietZone
	f := make([]float64, w*w)
	phase := rng.Float64()
	for y := range w {
		for x := range w {
			light := 0.0
			for sy := range 4 {
				for sx := range 4 {
					mx := int((float64(x) + phase + (float64(sx)+0.5)/4) * float64(n) / float64(w))
					my := int((float64(y) + phase + (float64(sy)+0.5)/4) * float64(n) / float64(w))
					if !c.Black(mx-QRQuietZone, my-QRQuietZone) {
						light++
					}
				}
			}
			f[y*w+x] = light/16*170 + 50
		}
	}
	for range blur {
		g := make([]float64, len(f))
		for y := range w {
			for x := range w {
				s, k := 0.0, 0.0
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						if xx, yy := x+dx, y+dy; xx >= 0 && yy >= 0 && xx < w && yy < w {
							s += f[yy*w+xx]
							k++
						}
					}
				}
				g[y*w+x] = s / k
			}
		}
		f = g
	}
	img := image.NewGray(image.Rect(0, 0, w, w))
	for i, v := range f {
		img.Pix[i] = uint8(min(255, max(0, v+rng.NormFloat64()*noise)))
	}
	return img
}
