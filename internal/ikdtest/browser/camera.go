package browser

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"testing"

	"image/draw"
)

// FakeCamera writes a short video in YUV4MPEG2 (the format Chromium's
// --use-file-for-fake-video-capture plays in a loop) that shows img,
// scaled to fit a 640×480 frame on white, as a phone held over a screen
// would see it; it returns the file's path.
func FakeCamera(t testing.TB, img image.Image) string {
	t.Helper()
	const w, h, frames = 640, 480, 5
	frame := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(frame, frame.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	b := img.Bounds()
	side := min(w, h) * 9 / 10
	scale := float64(side) / float64(max(b.Dx(), b.Dy()))
	dw, dh := int(float64(b.Dx())*scale), int(float64(b.Dy())*scale)
	x0, y0 := (w-dw)/2, (h-dh)/2
	for j := range dh { // nearest neighbour keeps the modules sharp
		for i := range dw {
			frame.Set(x0+i, y0+j, img.At(b.Min.X+int(float64(i)/scale), b.Min.Y+int(float64(j)/scale)))
		}
	}

	path := filepath.Join(t.TempDir(), "kamera.y4m")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := bufio.NewWriter(f)
	fmt.Fprintf(out, "YUV4MPEG2 W%d H%d F10:1 Ip A1:1 C420jpeg\n", w, h)
	y, u, v := yuv420(frame)
	for range frames {
		out.WriteString("FRAME\n")
		out.Write(y)
		out.Write(u)
		out.Write(v)
	}
	if err := out.Flush(); err != nil {
		t.Fatal(err)
	}
	return path
}

// yuv420 converts an RGBA frame to full-range BT.601 planes, the chroma
// subsampled 2×2.
func yuv420(img *image.RGBA) (y, u, v []byte) {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	y = make([]byte, w*h)
	u = make([]byte, w*h/4)
	v = make([]byte, w*h/4)
	for j := 0; j < h; j++ {
		for i := 0; i < w; i++ {
			c := img.RGBAAt(i, j)
			yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
			y[j*w+i] = yy
			if i%2 == 0 && j%2 == 0 {
				u[(j/2)*(w/2)+i/2] = cb
				v[(j/2)*(w/2)+i/2] = cr
			}
		}
	}
	return y, u, v
}
