package kartucetak

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/kredensial/qrcred/qrimage"
	"github.com/ikd-project/ikd/internal/verify"
	"github.com/ikd-project/ikd/internal/verify/verifytest"
)

var now = time.Date(2026, 12, 8, 3, 0, 0, 0, time.UTC)

// object is one parsed indirect object.
type object struct {
	dict   string
	stream []byte
}

// Parse reads a PDF as this package writes it, checking its structure on
// the way: the header, every xref offset pointing at its object, startxref
// pointing at the xref table, each stream's /Length. It returns the
// objects by number.
func Parse(t *testing.T, pdf []byte) map[int]object {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.4\n")) || !bytes.HasSuffix(pdf, []byte("%%EOF\n")) {
		t.Fatalf("not a PDF 1.4 file: %q … %q", pdf[:min(20, len(pdf))], pdf[max(0, len(pdf)-10):])
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(pdf)
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
	objs := map[int]object{}
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
		end := bytes.Index(body, []byte("endobj\n"))
		body = body[:end]
		var o object
		if i := bytes.Index(body, []byte("\nstream\n")); i >= 0 {
			o.dict = string(body[:i])
			lm := regexp.MustCompile(`/Length (\d+)`).FindStringSubmatch(o.dict)
			length, _ := strconv.Atoi(lm[1])
			o.stream = body[i+len("\nstream\n"):][:length]
			if !bytes.HasPrefix(body[i+len("\nstream\n")+length:], []byte("\nendstream\n")) {
				t.Fatalf("object %d: /Length %d does not end at endstream", n, length)
			}
		} else {
			o.dict = strings.TrimSpace(string(body))
		}
		objs[n] = o
	}
	if !regexp.MustCompile(`trailer\n<< /Size ` + strconv.Itoa(count) + ` /Root 1 0 R`).Match(pdf[xref:]) {
		t.Error("trailer")
	}
	return objs
}

func inflate(t *testing.T, b []byte) []byte {
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

func dictInt(t *testing.T, dict, key string) int {
	t.Helper()
	m := regexp.MustCompile(`/` + key + ` (\d+)`).FindStringSubmatch(dict)
	if m == nil {
		t.Fatalf("no /%s in %s", key, dict)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// QRText finds the QR image of a card PDF and decodes it.
func QRText(t *testing.T, pdf []byte) string {
	t.Helper()
	objs := Parse(t, pdf)
	o := objs[7]
	if !strings.Contains(o.dict, "/Subtype /Image") || !strings.Contains(o.dict, "/DeviceGray") {
		t.Fatalf("object 7 is not the QR image: %s", o.dict)
	}
	w, h := dictInt(t, o.dict, "Width"), dictInt(t, o.dict, "Height")
	pix := inflate(t, o.stream)
	if len(pix) != w*h {
		t.Fatalf("QR image of %d samples, want %d×%d", len(pix), w, h)
	}
	// Scale it up, as the page does, for the decoder.
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

func TestCardPDF(t *testing.T) {
	f := verifytest.New(t, now)
	qr := f.QR(verifytest.QR{Printed: true, Idx: verifytest.IdxValid})
	card := Card{Nama: "SITI AMINAH BINTI MUHAMMAD (ALM.) ÉLODIE", Portrait: f.Portrait, QRText: qr, IssuedAt: now,
		ExpiresAt: now.AddDate(1, 0, 0), VerifyURL: "https://ikd.bengkuluprov.go.id/verifikasi/"}
	pdf, err := PDF(card)
	if err != nil {
		t.Fatal(err)
	}
	objs := Parse(t, pdf)
	if !strings.Contains(objs[3].dict, "/MediaBox [0 0 297.64 419.53]") {
		t.Errorf("page %s", objs[3].dict)
	}
	for n, want := range map[int]string{4: "/BaseFont /Helvetica ", 5: "/BaseFont /Helvetica-Bold", 6: "/Filter /DCTDecode", 8: "/Filter /FlateDecode"} {
		if !strings.Contains(objs[n].dict, want) {
			t.Errorf("object %d %s lacks %s", n, objs[n].dict, want)
		}
	}
	photo, err := jpeg.Decode(bytes.NewReader(objs[6].stream))
	if err != nil || photo.Bounds().Dx() != dictInt(t, objs[6].dict, "Width") {
		t.Errorf("photo: %v", err)
	}
	content := string(inflate(t, objs[8].stream))
	for _, want := range []string{"(KARTU CETAK / PRINTED CARD) Tj", "(SITI AMINAH BINTI) Tj", `(MUHAMMAD \(ALM.\) \311LODIE) Tj`,
		"(08-12-2026) Tj", "(08-12-2027) Tj", "/Foto Do", "/QR Do", "https://ikd.bengkuluprov.go.id/verifikasi/"} {
		if !strings.Contains(content, want) {
			t.Errorf("content lacks %q", want)
		}
	}
	// The QR in the PDF is the credential, and it verifies as a printed card.
	got := QRText(t, pdf)
	if got != qr {
		t.Fatalf("QR text differs: %.40q…", got)
	}
	r := verify.Verify(got, verify.Options{Trust: f.Trust(), Now: now})
	if !r.Valid || !r.Printed || r.Claims["foto"] == nil {
		t.Fatalf("verify: %+v", r)
	}
	checkWithTools(t, pdf, qr)
}

// checkWithTools runs qpdf --check, pdftotext and pdftoppm on the card
// when they are installed (Debian's qpdf and poppler-utils), and decodes
// the QR code from poppler's rendering of the page at 300 dpi.
func checkWithTools(t *testing.T, pdf []byte, qr string) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kartu.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("qpdf"); err == nil {
		if out, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil || !strings.Contains(string(out), "No syntax or stream encoding errors") {
			t.Errorf("qpdf --check: %v\n%s", err, out)
		}
	} else {
		t.Log("qpdf not installed: not run")
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		out, err := exec.Command("pdftotext", "-layout", path, "-").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "KARTU CETAK / PRINTED CARD") || !strings.Contains(string(out), "SITI AMINAH") ||
			!strings.Contains(string(out), "ÉLODIE") {
			t.Errorf("pdftotext: %v\n%s", err, out)
		}
		info, _ := exec.Command("pdfinfo", path).CombinedOutput()
		if !strings.Contains(string(info), "297.64 x 419.53 pts") {
			t.Errorf("pdfinfo:\n%s", info)
		}
	} else {
		t.Log("pdftotext not installed: not run")
	}
	if _, err := exec.LookPath("pdftoppm"); err == nil {
		if out, err := exec.Command("pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", path, filepath.Join(dir, "kartu")).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v\n%s", err, out)
		}
		png, err := os.ReadFile(filepath.Join(dir, "kartu.png"))
		if err != nil {
			t.Fatal(err)
		}
		if os.Getenv("IKD_KARTU_PNG") != "" {
			os.WriteFile(os.Getenv("IKD_KARTU_PNG"), png, 0o600)
		}
		if got, err := qrimage.DecodeFile(png); err != nil || got != qr {
			t.Errorf("QR of the page rendered at 300 dpi: %v", err)
		}
	} else {
		t.Log("pdftoppm not installed: not run")
	}
}

func TestCardPDFRefuses(t *testing.T) {
	f := verifytest.New(t, now)
	good := Card{Nama: "SITI", Portrait: f.Portrait, QRText: "IKD1:X", IssuedAt: now, ExpiresAt: now.Add(time.Hour)}
	for name, edit := range map[string]func(*Card){
		"no name":     func(c *Card) { c.Nama = " " },
		"no QR":       func(c *Card) { c.QRText = "" },
		"no dates":    func(c *Card) { c.ExpiresAt = time.Time{} },
		"no portrait": func(c *Card) { c.Portrait = nil },
		"bad image":   func(c *Card) { c.Portrait = []byte("not an image") },
	} {
		c := good
		edit(&c)
		if _, err := PDF(c); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := PDF(good); err != nil {
		t.Error(err)
	}
}

func TestWrap(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"SITI AMINAH", 26, "SITI AMINAH"},
		{"SITI AMINAH BINTI MUHAMMAD", 12, "SITI AMINAH|BINTI|MUHAMMAD"},
		{"ABCDEFGHIJ", 4, "ABCD|EFGH|IJ"},
	} {
		if got := strings.Join(wrap(c.in, c.n), "|"); got != c.want {
			t.Errorf("wrap(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}
