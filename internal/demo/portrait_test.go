package demo

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"github.com/ikd-project/ikd/internal/store"
)

func decodePortrait(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if got := img.Bounds(); got.Dx() != PortraitWidth || got.Dy() != PortraitHeight {
		t.Fatalf("portrait is %v, want %dx%d", got, PortraitWidth, PortraitHeight)
	}
	return img
}

func TestPortrait(t *testing.T) {
	const a, b = "1771015708900001", "1771011203650002"
	pa := Portrait(1, a, store.Perempuan)
	img := decodePortrait(t, pa)
	if len(pa) > 8<<10 {
		t.Errorf("portrait is %d bytes, want a few KB", len(pa))
	}
	if !bytes.Equal(pa, Portrait(1, a, store.Perempuan)) {
		t.Error("the same resident gets two different portraits")
	}
	if bytes.Equal(pa, Portrait(1, b, store.LakiLaki)) || bytes.Equal(pa, Portrait(2, a, store.Perempuan)) {
		t.Error("two residents (or two seeds) share a portrait")
	}
	// A face, not noise: a few flat colours, the background at the top
	// corners, something else (the face) in the middle.
	colours := map[[4]uint32]bool{}
	for y := 0; y < PortraitHeight; y++ {
		for x := 0; x < PortraitWidth; x++ {
			r, g, b, a := img.At(x, y).RGBA()
			colours[[4]uint32{r, g, b, a}] = true
		}
	}
	if len(colours) < 5 || len(colours) > 16 {
		t.Errorf("%d colours, want a few flat ones", len(colours))
	}
	if img.At(2, 2) != img.At(PortraitWidth-3, 2) || img.At(2, 2) == img.At(60, 75) {
		t.Error("want the background in the top corners and a face in the middle")
	}
	// KTP background: red for an even birth year (90), blue for odd (65).
	if r, _, bl, _ := img.At(2, 2).RGBA(); r <= bl {
		t.Error("born in 1990: want a red background")
	}
	if r, _, bl, _ := decodePortrait(t, Portrait(1, b, store.LakiLaki)).At(2, 2).RGBA(); bl <= r {
		t.Error("born in 1965: want a blue background")
	}
	decodePortrait(t, Portrait(1, "bad", store.LakiLaki)) // a malformed NIK still draws
}

func BenchmarkPortrait(b *testing.B) {
	for b.Loop() {
		Portrait(1, "1771015708900001", store.Perempuan)
	}
}
