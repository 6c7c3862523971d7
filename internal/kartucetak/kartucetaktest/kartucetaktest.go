// Package kartucetaktest reads back the printed-card PDFs package
// kartucetak writes, for tests: their objects, checked on the way, and the
// QR code's text.
package kartucetaktest

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/color"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/kredensial/qrcred/qrimage"
)

// Object is one parsed indirect object of a card PDF.
type Object struct {
	Dict   string
	Stream []byte
}

// QRObject is the number of the QR image's object in a card PDF.
const QRObject = 7

var (
	startxrefRE = regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`)
	lengthRE    = regexp.MustCompile(`/Length (\d+)`)
)

// Parse reads a PDF as package kartucetak writes it, checking its
// structure on the way: the header, every xref offset pointing at its
// object, startxref pointing at the xref table, each stream's /Length. It
// returns the objects by number.
func Parse(t testing.TB, pdf []byte) map[int]Object {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.4\n")) || !bytes.HasSuffix(pdf, []byte("%%EOF\n")) {
		t.Fatalf("not a PDF 1.4 file: %q … %q", pdf[:min(20, len(pdf))], pdf[max(0, len(pdf)-10):])
	}
	m := startxrefRE.FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no startxref")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(pdf[xref:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d does not point at the xref table", xref)
	}
	lines := strings.Split(string(pdf[xref:]), "\n")
	count, _ := strconv.Atoi(strings.Fields(lines[1])[1])
	if lines[2] != "0000000000 65535 f " {
		t.Errorf("free entry %q", lines[2])
	}
	objs := map[int]Object{}
	for n := 1; n < count; n++ {
		e := lines[2+n]
		if len(e) != 19 || !strings.HasSuffix(e, " 00000 n ") { // 20 bytes with the newline
			t.Fatalf("xref entry %d %q", n, e)
		}
		off, _ := strconv.Atoi(e[:10])
		head := fmt.Sprintf("%d 0 obj\n", n)
		if !bytes.HasPrefix(pdf[off:], []byte(head)) {
			t.Fatalf("xref of object %d points at %q", n, pdf[off:off+12])
		}
		body := pdf[off+len(head):]
		body = body[:bytes.Index(body, []byte("endobj\n"))]
		var o Object
		if i := bytes.Index(body, []byte("\nstream\n")); i >= 0 {
			o.Dict = string(body[:i])
			length, _ := strconv.Atoi(lengthRE.FindStringSubmatch(o.Dict)[1])
			o.Stream = body[i+len("\nstream\n"):][:length]
			if !bytes.HasPrefix(body[i+len("\nstream\n")+length:], []byte("\nendstream\n")) {
				t.Fatalf("object %d: /Length %d does not end at endstream", n, length)
			}
		} else {
			o.Dict = strings.TrimSpace(string(body))
		}
		objs[n] = o
	}
	if !regexp.MustCompile(`trailer\n<< /Size ` + strconv.Itoa(count) + ` /Root 1 0 R`).Match(pdf[xref:]) {
		t.Error("trailer")
	}
	return objs
}

// Inflate returns a Flate stream's bytes.
func Inflate(t testing.TB, b []byte) []byte {
	t.Helper()
	z, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// DictInt returns the integer value of key in a PDF dictionary.
func DictInt(t testing.TB, dict, key string) int {
	t.Helper()
	m := regexp.MustCompile(`/` + key + ` (\d+)`).FindStringSubmatch(dict)
	if m == nil {
		t.Fatalf("no /%s in %s", key, dict)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// QRText finds the QR image of a card PDF (an 8-bit gray image,
// Flate-compressed, one pixel per module) and decodes it.
func QRText(t testing.TB, pdf []byte) string {
	t.Helper()
	o := Parse(t, pdf)[QRObject]
	if !strings.Contains(o.Dict, "/Subtype /Image") || !strings.Contains(o.Dict, "/DeviceGray") {
		t.Fatalf("object %d is not the QR image: %s", QRObject, o.Dict)
	}
	w, h := DictInt(t, o.Dict, "Width"), DictInt(t, o.Dict, "Height")
	pix := Inflate(t, o.Stream)
	if len(pix) != w*h {
		t.Fatalf("QR image of %d samples, want %d×%d", len(pix), w, h)
	}
	// Scale it up, as a printer does, for the decoder.
	const s = 4
	img := image.NewGray(image.Rect(0, 0, w*s, h*s))
	for y := range h * s {
		for x := range w * s {
			img.SetGray(x, y, color.Gray{Y: pix[(y/s)*w+x/s]})
		}
	}
	text, err := qrimage.DecodeImage(img)
	if err != nil {
		t.Fatalf("QR in the PDF: %v", err)
	}
	return text
}
