package kartucetak

import (
	"bytes"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/kartucetak/kartucetaktest"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred/qrimage"
	"github.com/ikd-project/ikd/internal/verify"
	"github.com/ikd-project/ikd/internal/verify/verifytest"
)

var now = time.Date(2026, 12, 8, 3, 0, 0, 0, time.UTC)

func TestCardPDF(t *testing.T) {
	f := verifytest.New(t, now)
	qr := f.QR(verifytest.QR{Printed: true, Idx: verifytest.IdxValid})
	card := Card{Nama: "SITI AMINAH BINTI MUHAMMAD (ALM.) ÉLODIE", Portrait: f.Portrait, QRText: qr, IssuedAt: now,
		ExpiresAt: now.AddDate(1, 0, 0), VerifyURL: "https://ikd.bengkuluprov.go.id/verifikasi/"}
	pdf, err := PDF(card)
	if err != nil {
		t.Fatal(err)
	}
	objs := kartucetaktest.Parse(t, pdf)
	if !strings.Contains(objs[3].Dict, "/MediaBox [0 0 297.64 419.53]") {
		t.Errorf("page %s", objs[3].Dict)
	}
	for n, want := range map[int]string{4: "/BaseFont /Helvetica ", 5: "/BaseFont /Helvetica-Bold", 6: "/Filter /DCTDecode", 8: "/Filter /FlateDecode"} {
		if !strings.Contains(objs[n].Dict, want) {
			t.Errorf("object %d %s lacks %s", n, objs[n].Dict, want)
		}
	}
	photo, err := jpeg.Decode(bytes.NewReader(objs[6].Stream))
	if err != nil || photo.Bounds().Dx() != kartucetaktest.DictInt(t, objs[6].Dict, "Width") {
		t.Errorf("photo: %v", err)
	}
	content := string(kartucetaktest.Inflate(t, objs[8].Stream))
	for _, want := range []string{"(KARTU CETAK / PRINTED CARD) Tj", "(SITI AMINAH BINTI) Tj", `(MUHAMMAD \(ALM.\) \311LODIE) Tj`,
		"(08-12-2026) Tj", "(08-12-2027) Tj", "/Foto Do", "/QR Do", "https://ikd.bengkuluprov.go.id/verifikasi/"} {
		if !strings.Contains(content, want) {
			t.Errorf("content lacks %q", want)
		}
	}
	// The QR in the PDF is the credential, and it verifies as a printed card.
	got := kartucetaktest.QRText(t, pdf)
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
