// Package qrimage draws and reads the QR codes of package qrcred's IKD1:
// presentations: QRPNG renders one (alphanumeric mode, level L by
// default), DecodeImage and DecodeFile read one from a screenshot or a
// camera photo. It is split from qrcred so that a verifier that gets the
// text some other way (the WebAssembly verifier, whose page reads the
// camera with a JavaScript decoder) links neither the QR encoder nor the
// gozxing decoder and its character-set tables.
package qrimage

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // DecodeFile reads camera JPEGs
	"image/png"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
	"rsc.io/qr"
	"rsc.io/qr/coding"

	"github.com/ikd-project/ikd/internal/kredensial"
)

// QRQuietZone is the white border QRPNG draws around the code, in modules
// (the minimum ISO/IEC 18004 requires).
const QRQuietZone = 4

// QRLevel is a QR error-correction level: the share of the code that may
// be unreadable. From least to most tolerant: L (~7%), M (~15%), Q (~25%),
// H (~30%).
type QRLevel int

// The QR error-correction levels.
const (
	QRLevelL QRLevel = QRLevel(qr.L)
	QRLevelM QRLevel = QRLevel(qr.M)
	QRLevelQ QRLevel = QRLevel(qr.Q)
	QRLevelH QRLevel = QRLevel(qr.H)
)

// String returns "L", "M", "Q" or "H".
func (l QRLevel) String() string {
	if l < QRLevelL || l > QRLevelH {
		return fmt.Sprintf("QRLevel(%d)", int(l))
	}
	return "LMQH"[l : l+1]
}

// DefaultQRLevel is the level QRPNG and QRVersion use: L. A dasar
// presentation (two ES256 signatures, the device key, the status-list
// entry, five resident claims) is about 480 bytes, 724 alphanumeric
// characters: version 15 at level L, version 17 at level M. A phone screen
// is neither torn nor stained, which is what the higher levels pay for;
// a camera reads fewer, larger modules more easily.
const DefaultQRLevel = QRLevelL

// MaxQRVersion is the largest QR version the default profile may need, to
// stay readable by cheap phone cameras off another phone's screen.
const MaxQRVersion = 15

// QRPNG renders text as a QR code at DefaultQRLevel, moduleSize pixels per
// module, with a 4-module quiet zone, as a 1-bit PNG (image/png also
// registers the decoder DecodeFile uses). Text made of the
// base45 alphabet (as Present returns) is encoded in alphanumeric mode.
func QRPNG(text string, moduleSize int) ([]byte, error) {
	return QRPNGLevel(text, moduleSize, DefaultQRLevel)
}

// QRPNGLevel is QRPNG at a given error-correction level.
func QRPNGLevel(text string, moduleSize int, level QRLevel) ([]byte, error) {
	if moduleSize < 1 || moduleSize > 64 {
		return nil, fmt.Errorf("qrcred: module size %d, want 1 to 64", moduleSize)
	}
	c, err := encodeQR(text, level)
	if err != nil {
		return nil, err
	}
	// image/png, not rsc.io/qr's own PNG writer: that one panics ("invalid
	// flate repeat") at one pixel per module.
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, render(c, moduleSize)); err != nil {
		return nil, fmt.Errorf("qrcred: png: %w", err)
	}
	return buf.Bytes(), nil
}

// QRModules returns text's QR code at level with one pixel per module and
// the quiet zone, black on white: for a layout that scales it itself (the
// printed card's PDF).
func QRModules(text string, level QRLevel) (*image.Paletted, error) {
	c, err := encodeQR(text, level)
	if err != nil {
		return nil, err
	}
	return render(c, 1), nil
}

// render draws c with scale pixels per module and the quiet zone, as a
// two-colour image (which image/png writes at one bit per pixel).
func render(c *qr.Code, scale int) *image.Paletted {
	side := (c.Size + 2*QRQuietZone) * scale
	img := image.NewPaletted(image.Rect(0, 0, side, side), color.Palette{color.Gray{0xff}, color.Gray{0}})
	for y := range c.Size {
		row := img.Pix[(y+QRQuietZone)*scale*img.Stride:]
		for x := range c.Size {
			if c.Black(x, y) {
				for i := range scale {
					row[(x+QRQuietZone)*scale+i] = 1
				}
			}
		}
		for i := 1; i < scale; i++ {
			copy(img.Pix[((y+QRQuietZone)*scale+i)*img.Stride:][:side], row[:side])
		}
	}
	return img
}

// QRVersion returns the QR version (1 to 40) and the modules per side
// (17 + 4·version) of the code QRPNG draws for text.
func QRVersion(text string) (version, modules int, err error) {
	return QRVersionLevel(text, DefaultQRLevel)
}

// QRVersionLevel is QRVersion at a given error-correction level.
func QRVersionLevel(text string, level QRLevel) (version, modules int, err error) {
	c, err := encodeQR(text, level)
	if err != nil {
		return 0, 0, err
	}
	return (c.Size - 17) / 4, c.Size, nil
}

// skippedVersion is never drawn: jsQR 1.4.0, the decoder of ikd's
// verifier page, has a wrong alignment pattern centre for version 23 and
// reads no code of that version (cozmo/jsQR#251). encodeQR uses version
// 24 instead.
const skippedVersion = 23

// encodeQR encodes text in the densest single mode it fits (numeric,
// alphanumeric or byte), at the smallest version that holds it (but not
// skippedVersion), with the
// mask that ISO/IEC 18004 §7.8.3's penalty rules score lowest. rsc.io/qr's
// own Encode always uses mask 0, which leaves some codes with finder-like
// patterns and large blocks that decoders misread: gozxing could not find
// a mask-0 version 15 code at 4 px per module that jsQR read.
func encodeQR(text string, level QRLevel) (*qr.Code, error) {
	if level < QRLevelL || level > QRLevelH {
		return nil, fmt.Errorf("qrcred: QR level %d", int(level))
	}
	var enc coding.Encoding
	switch {
	case coding.Num(text).Check() == nil:
		enc = coding.Num(text)
	case coding.Alpha(text).Check() == nil:
		enc = coding.Alpha(text)
	default:
		enc = coding.String(text)
	}
	l := coding.Level(level)
	v := coding.Version(coding.MinVersion)
	for ; enc.Bits(v) > v.DataBytes(l)*8; v++ {
		if v == coding.MaxVersion {
			return nil, fmt.Errorf("qrcred: qr: %d characters do not fit in a QR code at level %v", len(text), level)
		}
	}
	if v == skippedVersion {
		v++
	}
	var best *coding.Code
	bestScore := 0
	for m := coding.Mask(0); m < 8; m++ {
		p, err := coding.NewPlan(v, l, m)
		if err != nil {
			return nil, fmt.Errorf("qrcred: qr: %w", err)
		}
		c, err := p.Encode(enc)
		if err != nil {
			return nil, fmt.Errorf("qrcred: qr: %w", err)
		}
		if score := maskPenalty(c); best == nil || score < bestScore {
			best, bestScore = c, score
		}
	}
	return &qr.Code{Bitmap: best.Bitmap, Size: best.Size, Stride: best.Stride, Scale: 1}, nil
}

// maskPenalty scores a masked symbol by the four rules of ISO/IEC 18004
// §7.8.3 (weights 3, 3, 40, 10), as ZXing's encoder does: runs of five or
// more modules of one colour, 2×2 blocks, finder-like 1:1:3:1:1 patterns
// next to four light modules, and imbalance of dark and light.
func maskPenalty(c *coding.Code) int {
	n := c.Size
	// rows[y*n+x] and cols[x*n+y] are the module at (x, y): both rule 1 and
	// rule 3 then scan contiguous lines.
	rows, cols := make([]bool, n*n), make([]bool, n*n)
	darkCount := 0
	for y := range n {
		for x := range n {
			if c.Black(x, y) {
				rows[y*n+x], cols[x*n+y] = true, true
				darkCount++
			}
		}
	}
	score := 0
	for _, lines := range [][]bool{rows, cols} {
		for i := range n {
			line := lines[i*n : (i+1)*n]
			// Rule 1: runs of five or more.
			run := 1
			for k := 1; k <= n; k++ {
				if k < n && line[k] == line[k-1] {
					run++
					continue
				}
				if run >= 5 {
					score += 3 + run - 5
				}
				run = 1
			}
			// Rule 3: 1011101 with 0000 on either side (outside the
			// symbol counts as light).
			at := func(k int) bool { return k >= 0 && k < n && line[k] }
			for k := 0; k+7 <= n; k++ {
				if line[k] && !line[k+1] && line[k+2] && line[k+3] && line[k+4] && !line[k+5] && line[k+6] &&
					(!at(k-1) && !at(k-2) && !at(k-3) && !at(k-4) || !at(k+7) && !at(k+8) && !at(k+9) && !at(k+10)) {
					score += 40
				}
			}
		}
	}
	// Rule 2: 2×2 blocks of one colour.
	for y := 0; y+1 < n; y++ {
		for x := 0; x+1 < n; x++ {
			d := rows[y*n+x]
			if rows[y*n+x+1] == d && rows[(y+1)*n+x] == d && rows[(y+1)*n+x+1] == d {
				score += 3
			}
		}
	}
	// Rule 4: 10 points for every 5% away from half dark.
	total := n * n
	score += 10 * (abs(darkCount*2-total) * 10 / total)
	return score
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// DecodeImage finds and reads a QR code in img (a screenshot, an exported
// PNG, a photo of a phone screen) and returns its text. Failure is a
// *kredensial.Error with reason unreadable.
//
// gozxing alone misses some sharp, large codes: its detector can lock onto
// a false alignment pattern in the data and sample the grid askew (seen at
// 4 px per module and up, on about a third of version-15 codes that jsQR
// reads). So after the usual two binarizers DecodeImage tries the image as
// a pure, axis-aligned code, then at half size.
func DecodeImage(img image.Image) (string, error) {
	if img == nil || img.Bounds().Empty() {
		return "", kredensial.Fail(kredensial.Unreadable, "empty image")
	}
	text, err := decodeAttempts(img, true)
	if err == nil {
		return text, nil
	}
	if b := img.Bounds(); b.Dx() >= 200 && b.Dy() >= 200 {
		if text, err2 := decodeAttempts(halve(img), false); err2 == nil {
			return text, nil
		}
	}
	return "", kredensial.Fail(kredensial.Unreadable, "no QR code found: %v", err)
}

func decodeAttempts(img image.Image, pure bool) (text string, err error) {
	// A verifier must never crash on a hostile image: treat a panic in the
	// third-party decoder as "no code found".
	defer func() {
		if r := recover(); r != nil {
			text, err = "", fmt.Errorf("decoder panic: %v", r)
		}
	}()
	src := gozxing.NewLuminanceSourceFromImage(img)
	type attempt struct {
		bin   gozxing.Binarizer
		hints map[gozxing.DecodeHintType]any
	}
	tryHarder := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	attempts := []attempt{
		{gozxing.NewHybridBinarizer(src), tryHarder},         // uneven light
		{gozxing.NewGlobalHistgramBinarizer(src), tryHarder}, // low-contrast screens
	}
	if pure {
		attempts = append(attempts, attempt{gozxing.NewHybridBinarizer(src),
			map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true}})
	}
	var last error
	for _, a := range attempts {
		bmp, err := gozxing.NewBinaryBitmap(a.bin)
		if err != nil {
			last = err
			continue
		}
		res, err := zxqr.NewQRCodeReader().Decode(bmp, a.hints)
		if err == nil {
			return res.GetText(), nil
		}
		last = err
	}
	return "", last
}

// halve returns img at half its width and height, in gray, each pixel the
// mean of a 2×2 block.
func halve(img image.Image) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx()/2, b.Dy()/2
	dst := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			var sum uint32
			for dy := range 2 {
				for dx := range 2 {
					sum += uint32(color.GrayModel.Convert(img.At(b.Min.X+2*x+dx, b.Min.Y+2*y+dy)).(color.Gray).Y)
				}
			}
			dst.Pix[y*dst.Stride+x] = uint8(sum / 4)
		}
	}
	return dst
}

// maxImagePixels refuses decompression bombs before decoding.
const maxImagePixels = 8192 * 8192

// DecodeFile reads a QR code from a PNG or JPEG file's bytes.
func DecodeFile(b []byte) (string, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return "", kredensial.Fail(kredensial.Unreadable, "not a PNG or JPEG image: %v", err)
	}
	if cfg.Width*cfg.Height > maxImagePixels {
		return "", kredensial.Fail(kredensial.Unreadable, "image of %d×%d pixels is too large", cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return "", kredensial.Fail(kredensial.Unreadable, "image: %v", err)
	}
	return DecodeImage(img)
}
