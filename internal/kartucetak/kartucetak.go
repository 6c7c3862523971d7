// Package kartucetak lays out the printed card of assisted mode: for a
// resident with no smartphone, an A6 PDF carrying the QR code of a signed
// foto credential with no device binding (issuance.PrintCard), the
// resident's name and face, the issue and expiry dates, and the words
// "KARTU CETAK / PRINTED CARD", so that nobody takes it for a phone's
// code or for the KTP-el.
//
// The PDF is written here, with no library: PDF 1.4, one A6 page
// (297.64 × 419.53 pt), the standard Type 1 fonts Helvetica and
// Helvetica-Bold in WinAnsiEncoding (no font is embedded), the portrait as
// a DCT (JPEG) image, the QR code as an 8-bit gray image of one pixel per
// module, Flate-compressed and scaled up without interpolation, and a
// Flate-compressed content stream. The package is pure: no I/O, no clock.
package kartucetak

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/gif" // portraits are JPEG or PNG; GIF costs nothing to accept
	"image/jpeg"
	_ "image/png"
	"strconv"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/kredensial/qrcred/qrimage"
)

// A6 in PostScript points (105 × 148 mm).
const (
	Width  = 297.64
	Height = 419.53
)

// QRSize is the side of the printed QR code in points (about 71 mm),
// quiet zone included.
const QRSize = 200.0

// Card is what a printed card shows.
type Card struct {
	Nama      string    // the resident's name, as on the KTP
	Portrait  []byte    // the registry portrait (JPEG or PNG)
	QRText    string    // the QR code's text: qrcred.PrintedText
	IssuedAt  time.Time // the credential's iat
	ExpiresAt time.Time // its exp
	// VerifyURL is where the code is checked, printed under it (e.g.
	// https://ikd.bengkuluprov.go.id/verifikasi/); empty leaves it out.
	VerifyURL string
}

// wib is Western Indonesia Time, in which the card's dates are printed.
var wib = time.FixedZone("WIB", 7*60*60)

// PDF returns the card as a PDF document.
func PDF(c Card) ([]byte, error) {
	switch {
	case strings.TrimSpace(c.Nama) == "":
		return nil, errors.New("kartucetak: no name")
	case c.QRText == "":
		return nil, errors.New("kartucetak: no QR text")
	case c.IssuedAt.IsZero() || c.ExpiresAt.IsZero():
		return nil, errors.New("kartucetak: issue and expiry dates are required")
	}
	// Level M: paper gets creased and scuffed, as a phone's screen does
	// not. A text too long for M takes L.
	qr, err := qrimage.QRModules(c.QRText, qrimage.QRLevelM)
	if err != nil {
		if qr, err = qrimage.QRModules(c.QRText, qrimage.QRLevelL); err != nil {
			return nil, fmt.Errorf("kartucetak: %w", err)
		}
	}
	photo, pw, ph, err := photoJPEG(c.Portrait)
	if err != nil {
		return nil, err
	}
	qrPix, err := deflate(grayPixels(qr))
	if err != nil {
		return nil, err
	}
	content, err := deflate([]byte(layout(c)))
	if err != nil {
		return nil, err
	}
	side := qr.Bounds().Dx()
	var w writer
	w.header()
	w.object(1, "<< /Type /Catalog /Pages 2 0 R >>", nil)
	w.object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", nil)
	w.object(3, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] "+
		"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> /XObject << /Foto 6 0 R /QR 7 0 R >> /ProcSet [/PDF /Text /ImageB /ImageC] >> "+
		"/Contents 8 0 R >>", num(Width), num(Height)), nil)
	w.object(4, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>", nil)
	w.object(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>", nil)
	w.object(6, fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "+
		"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>", pw, ph, len(photo)), photo)
	w.object(7, fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "+
		"/BitsPerComponent 8 /Interpolate false /Filter /FlateDecode /Length %d >>", side, side, len(qrPix)), qrPix)
	w.object(8, fmt.Sprintf("<< /Filter /FlateDecode /Length %d >>", len(content)), content)
	w.object(9, "<< /Title (Kartu cetak KTP digital) /Producer (ikd) /CreationDate "+pdfString("D:"+c.IssuedAt.UTC().Format("20060102150405")+"Z")+" >>", nil)
	return w.finish(9), nil
}

// layout is the page's content stream.
func layout(c Card) string {
	var b strings.Builder
	const margin = 14.0
	top := Height
	// The header band, in the console's red.
	fmt.Fprintf(&b, "q 0.545 0.102 0.102 rg 0 %s %s 50 re f Q\n", num(top-50), num(Width))
	text(&b, "F2", 14, margin, top-24, "1 g", "KARTU CETAK / PRINTED CARD")
	text(&b, "F1", 7.5, margin, top-39, "1 g", "KTP Digital (IKD) - Dukcapil Provinsi Bengkulu - tanpa ponsel / no phone")
	// The face: 72 × 96 pt (3:4), framed.
	px, py := margin, top-50-10-96
	fmt.Fprintf(&b, "q 72 0 0 96 %s %s cm /Foto Do Q\n", num(px), num(py))
	fmt.Fprintf(&b, "q 0.5 w 0.4 g %s %s 72 96 re S Q\n", num(px), num(py))
	// Name and dates beside it.
	x := margin + 72 + 12
	y := top - 50 - 20
	text(&b, "F1", 6.5, x, y, "0.35 g", "NAMA / NAME")
	y -= 12
	size, lines := 10.0, wrap(c.Nama, 22)
	if len(lines) > 3 {
		size, lines = 8, wrap(c.Nama, 28)
	}
	for _, l := range lines[:min(len(lines), 4)] {
		text(&b, "F2", size, x, y, "0 g", l)
		y -= size + 2
	}
	y -= 8
	text(&b, "F1", 6.5, x, y, "0.35 g", "DITERBITKAN / ISSUED")
	text(&b, "F2", 9, x, y-11, "0 g", c.IssuedAt.In(wib).Format("02-01-2006"))
	y -= 28
	text(&b, "F1", 6.5, x, y, "0.35 g", "BERLAKU S.D. / VALID UNTIL")
	text(&b, "F2", 9, x, y-11, "0 g", c.ExpiresAt.In(wib).Format("02-01-2006"))
	// The QR code, centred, one image pixel per module.
	qx, qy := (Width-QRSize)/2, 44.0
	fmt.Fprintf(&b, "q %s 0 0 %s %s %s cm /QR Do Q\n", num(QRSize), num(QRSize), num(qx), num(qy))
	text(&b, "F2", 7.5, margin, qy+QRSize+8, "0.545 0.102 0.102 rg", "Pemeriksa: cocokkan wajah di layar dengan pemegang kartu.")
	text(&b, "F1", 6.5, margin, qy+QRSize+0.5, "0.2 g", "Verifier: compare the face on screen with the card holder.")
	if c.VerifyURL != "" {
		text(&b, "F1", 7, margin, 32, "0 g", "Periksa / verify: "+c.VerifyURL)
	}
	text(&b, "F1", 6, margin, 21, "0.35 g", "Ditandatangani Dukcapil; sah hanya bila pemeriksa menyatakan SAH. Dicabut bersama KTP digital.")
	text(&b, "F1", 6, margin, 13, "0.35 g", "Signed by Dukcapil; valid only when the verifier says VALID. Revoked with the digital ID.")
	return b.String()
}

// text writes one line of text; fill sets its colour ("0 g", "r g b rg").
func text(b *strings.Builder, font string, size, x, y float64, fill, s string) {
	fmt.Fprintf(b, "BT /%s %s Tf %s %s %s Td %s Tj ET\n", font, num(size), fill, num(x), num(y), pdfString(s))
}

// wrap breaks s into lines of at most n characters at spaces (a longer
// word is cut).
func wrap(s string, n int) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		for len([]rune(w)) > n {
			r := []rune(w)
			if cur != "" {
				lines, cur = append(lines, cur), ""
			}
			lines, w = append(lines, string(r[:n])), string(r[n:])
		}
		switch {
		case cur == "":
			cur = w
		case len([]rune(cur))+1+len([]rune(w)) <= n:
			cur += " " + w
		default:
			lines, cur = append(lines, cur), w
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// pdfString is s as a PDF literal string in WinAnsiEncoding: Latin-1
// characters as themselves (octal escapes above ASCII), others as '?'.
func pdfString(s string) string {
	var b strings.Builder
	b.WriteByte('(')
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r >= 0xa0 && r <= 0xff:
			fmt.Fprintf(&b, "\\%03o", r)
		default:
			b.WriteByte('?')
		}
	}
	b.WriteByte(')')
	return b.String()
}

// num formats a coordinate with at most two decimals.
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// photoJPEG returns the portrait as a baseline RGB JPEG for DCTDecode,
// and its size.
func photoJPEG(portrait []byte) ([]byte, int, int, error) {
	if len(portrait) == 0 {
		return nil, 0, 0, errors.New("kartucetak: no portrait")
	}
	img, _, err := image.Decode(bytes.NewReader(portrait))
	if err != nil {
		return nil, 0, 0, fmt.Errorf("kartucetak: portrait: %w", err)
	}
	r := img.Bounds()
	if r.Dx() > 1200 || r.Dy() > 1600 {
		return nil, 0, 0, fmt.Errorf("kartucetak: portrait of %d×%d pixels is too large", r.Dx(), r.Dy())
	}
	rgba := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(rgba, rgba.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(rgba, rgba.Bounds(), img, r.Min, draw.Over)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, rgba, &jpeg.Options{Quality: 90}); err != nil {
		return nil, 0, 0, fmt.Errorf("kartucetak: portrait: %w", err)
	}
	return b.Bytes(), r.Dx(), r.Dy(), nil
}

// grayPixels returns a two-colour QR image as 8-bit gray samples, rows top
// to bottom.
func grayPixels(img *image.Paletted) []byte {
	r := img.Bounds()
	out := make([]byte, 0, r.Dx()*r.Dy())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			g := color.GrayModel.Convert(img.At(x, y)).(color.Gray)
			out = append(out, g.Y)
		}
	}
	return out
}

func deflate(b []byte) ([]byte, error) {
	var out bytes.Buffer
	z, err := zlib.NewWriterLevel(&out, zlib.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := z.Write(b); err != nil {
		return nil, err
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// writer writes numbered objects and the cross-reference table.
type writer struct {
	buf     bytes.Buffer
	offsets map[int]int
}

func (w *writer) header() {
	w.offsets = map[int]int{}
	// The binary comment tells transfer programs the file is binary.
	w.buf.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
}

// object writes object n: dict, then stream as its stream when not nil.
func (w *writer) object(n int, dict string, stream []byte) {
	w.offsets[n] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n%s\n", n, dict)
	if stream != nil {
		w.buf.WriteString("stream\n")
		w.buf.Write(stream)
		w.buf.WriteString("\nendstream\n")
	}
	w.buf.WriteString("endobj\n")
}

// finish writes the xref table of objects 1..last and the trailer.
func (w *writer) finish(last int) []byte {
	xref := w.buf.Len()
	fmt.Fprintf(&w.buf, "xref\n0 %d\n0000000000 65535 f \n", last+1)
	for n := 1; n <= last; n++ {
		fmt.Fprintf(&w.buf, "%010d 00000 n \n", w.offsets[n])
	}
	sum := sha256.Sum256(w.buf.Bytes())
	id := hex.EncodeToString(sum[:16])
	fmt.Fprintf(&w.buf, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n",
		last+1, last, id, id, xref)
	return w.buf.Bytes()
}
