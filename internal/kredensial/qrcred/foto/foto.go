// Package foto makes the thumbnail the foto profile of an ikd QR
// credential carries (package qrcred): the registry portrait, cropped and
// shrunk to a small grayscale JPEG. It is apart from qrcred so that the
// verifier, compiled to WebAssembly, links no image codec: verifying shows
// the thumbnail's bytes and never decodes them.
package foto

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png" // portraits may be PNG
)

// Thumbnail geometry and quality: 48×64 (3:4, a KTP photo's shape), 8-bit
// grayscale, JPEG quality 30: about 600 bytes (615 for the tests' synthetic
// portrait; textured real photos will run larger). Enough to tell faces
// apart at a counter; it still makes the Foto profile's QR code version 24
// or so, well past qrimage.MaxQRVersion.
const (
	ThumbWidth   = 48
	ThumbHeight  = 64
	ThumbQuality = 30
)

// maxPortraitPixels refuses decompression bombs before decoding.
const maxPortraitPixels = 4096 * 4096

// Thumbnail returns the foto claim for a portrait (JPEG or PNG bytes): the
// image centre-cropped to 3:4, box-filtered down to ThumbWidth×ThumbHeight
// grayscale, as a baseline JPEG at ThumbQuality.
func Thumbnail(portrait []byte) ([]byte, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(portrait))
	if err != nil {
		return nil, fmt.Errorf("qrcred: portrait: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPortraitPixels {
		return nil, fmt.Errorf("qrcred: portrait of %d×%d pixels", cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(portrait))
	if err != nil {
		return nil, fmt.Errorf("qrcred: portrait: %w", err)
	}
	return ThumbnailImage(img)
}

// ThumbnailImage is Thumbnail for an already decoded image.
func ThumbnailImage(img image.Image) ([]byte, error) {
	small, err := shrinkGray(img, ThumbWidth, ThumbHeight)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, small, &jpeg.Options{Quality: ThumbQuality}); err != nil {
		return nil, fmt.Errorf("qrcred: thumbnail: %w", err)
	}
	return dropUnusedDQT(buf.Bytes()), nil
}

// dropUnusedDQT removes the chroma quantisation table (table 1) that
// image/jpeg writes even for a grayscale image, whose single component
// uses table 0: 65 bytes less, and still a valid baseline JPEG. Anything
// not laid out as expected is returned unchanged.
func dropUnusedDQT(j []byte) []byte {
	// SOI, then DQT of length 2 + 2·65 = 132 holding tables 0 and 1.
	const dqtLen = 2 + 2*65
	if len(j) < 4+dqtLen || j[0] != 0xff || j[1] != 0xd8 || j[2] != 0xff || j[3] != 0xdb ||
		int(j[4])<<8|int(j[5]) != dqtLen || j[6] != 0 || j[6+65] != 1 {
		return j
	}
	out := make([]byte, 0, len(j)-65)
	out = append(out, 0xff, 0xd8, 0xff, 0xdb, 0, 2+65)
	out = append(out, j[6:6+65]...)
	return append(out, j[6+130:]...)
}

// shrinkGray crops img's centre to w:h and averages each destination
// pixel's source area (a box filter) into luma.
func shrinkGray(img image.Image, w, h int) (*image.Gray, error) {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	if sw < 1 || sh < 1 {
		return nil, errors.New("qrcred: empty portrait")
	}
	// Centre crop to w:h.
	cw, ch := sw, sw*h/w
	if ch > sh {
		cw, ch = sh*w/h, sh
	}
	if cw < 1 || ch < 1 {
		return nil, fmt.Errorf("qrcred: portrait of %d×%d is too narrow", sw, sh)
	}
	x0, y0 := b.Min.X+(sw-cw)/2, b.Min.Y+(sh-ch)/2
	dst := image.NewGray(image.Rect(0, 0, w, h))
	for dy := range h {
		sy0, sy1 := y0+dy*ch/h, y0+(dy+1)*ch/h
		if sy1 == sy0 {
			sy1++
		}
		for dx := range w {
			sx0, sx1 := x0+dx*cw/w, x0+(dx+1)*cw/w
			if sx1 == sx0 {
				sx1++
			}
			var sum, n uint64
			for y := sy0; y < sy1; y++ {
				for x := sx0; x < sx1; x++ {
					r, g, bl, _ := img.At(x, y).RGBA()
					// ITU-R BT.601 luma, 16-bit inputs.
					sum += (19595*uint64(r) + 38470*uint64(g) + 7471*uint64(bl) + 1<<15) >> 24
					n++
				}
			}
			dst.Pix[dy*dst.Stride+dx] = uint8(sum / n)
		}
	}
	return dst, nil
}
