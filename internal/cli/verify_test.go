package cli

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred/qrimage"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/store/sqlite"
	"github.com/ikd-project/ikd/internal/verify/verifytest"
)

// verifyFixture writes a trust list for a fixture at the real time (ikd
// verify reads the clock) and returns its path.
func verifyFixture(t *testing.T) (*verifytest.Fixture, string) {
	f := verifytest.New(t, time.Now())
	path := filepath.Join(t.TempDir(), "trust.jws")
	if err := os.WriteFile(path, []byte(f.TrustList()), 0o600); err != nil {
		t.Fatal(err)
	}
	return f, path
}

func TestVerifyValidPNG(t *testing.T) {
	f, trust := verifyFixture(t)
	png, err := qrimage.QRPNG(f.QR(verifytest.QR{Idx: verifytest.IdxValid, At: time.Now()}), 4)
	if err != nil {
		t.Fatal(err)
	}
	img := filepath.Join(t.TempDir(), "ktp.png")
	if err := os.WriteFile(img, png, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, context.Background(), nil, "verify", "--trust", trust, img)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"VALID\n", "Nama / Name: SITI AMINAH\n", "NIK: 1771014501900003\n", "Jenis kelamin / Sex: P (perempuan / female)\n", "Format: qr (dasar)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestVerifyTextAndTrustURL(t *testing.T) {
	f, trust := verifyFixture(t)
	jws, _ := os.ReadFile(trust)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(jws) }))
	defer srv.Close()
	qr := f.QR(verifytest.QR{Profile: qrcred.Usia, Idx: verifytest.IdxValid, At: time.Now()})
	code, out, errOut := run(t, context.Background(), nil, "verify", "--trust-url", srv.URL, qr)
	if code != 0 || !strings.Contains(out, "Usia 17+ / Age 17+: ya / yes") || strings.Contains(out, "Nama") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestVerifyInvalid(t *testing.T) {
	f, trust := verifyFixture(t)
	for _, c := range []struct {
		name, input, lang, want string
	}{
		{"stale", f.QR(verifytest.QR{Idx: verifytest.IdxValid, At: time.Now().Add(-5 * time.Minute)}), "id",
			"TIDAK SAH / INVALID: stale_presentation\nKode QR sudah kedaluwarsa"},
		{"revoked", f.QR(verifytest.QR{Idx: verifytest.IdxRevoked, At: time.Now()}), "en",
			"TIDAK SAH / INVALID: revoked\nThis digital KTP has been revoked."},
		{"garbage", "hello", "id", "TIDAK SAH / INVALID: unreadable\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := run(t, context.Background(), nil, "verify", "--trust", trust, "--lang", c.lang, c.input)
			if code != 1 || !strings.Contains(out, c.want) || strings.Contains(out, "VALID\n") {
				t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
			}
		})
	}
}

func TestVerifyStaleTrustList(t *testing.T) {
	// a trust list that expired two days ago
	f := verifytest.New(t, time.Now().Add(-72*time.Hour))
	path := filepath.Join(t.TempDir(), "trust.jws")
	if err := os.WriteFile(path, []byte(f.TrustList()), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ := run(t, context.Background(), nil, "verify", "--trust", path,
		f.QR(verifytest.QR{Idx: verifytest.IdxValid, At: time.Now()}))
	if code != 1 || !strings.Contains(out, "TIDAK SAH / INVALID: trust_list_stale") || !strings.Contains(out, "Kedaluwarsa sejak / Stale for: 48h") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

func TestVerifyPinned(t *testing.T) {
	f, trust := verifyFixture(t)
	_, other := verifytest.NewKey(t)
	qr := f.QR(verifytest.QR{Idx: verifytest.IdxValid, At: time.Now()})
	ctx := context.Background()
	for _, pin := range []string{f.KID, other + "," + f.KID} {
		if code, out, errOut := run(t, ctx, nil, "verify", "--trust", trust, "--pin", pin, qr); code != 0 || !strings.HasPrefix(out, "VALID\n") {
			t.Errorf("--pin %s: exit %d\n%s%s", pin, code, out, errOut)
		}
	}
	code, out, _ := run(t, ctx, nil, "verify", "--trust", trust, "--pin", other, qr)
	if code != 1 || !strings.Contains(out, "TIDAK SAH / INVALID: unknown_issuer\n") || !strings.Contains(out, "signed by key "+f.KID+", which is not pinned") {
		t.Errorf("wrong pin: exit %d\n%s", code, out)
	}
	code, out, errOut := run(t, ctx, map[string]string{"IKD_TRUST_PIN": "not-a-key"}, "verify", "--trust", trust, qr)
	if code != 1 || !strings.Contains(errOut, "--pin") || !strings.Contains(errOut, "bukan ID kunci") || out != "" {
		t.Errorf("malformed pin: exit %d\n%s%s", code, out, errOut)
	}
}

func TestVerifyUsage(t *testing.T) {
	ctx := context.Background()
	if code, _, errOut := run(t, ctx, nil, "verify", "IKD1:ABC"); code != 2 || !strings.Contains(errOut, "--trust") {
		t.Errorf("without --trust: exit %d\n%s", code, errOut)
	}
	// A file that is not a trust list: the answer names the trust list.
	notTrust := filepath.Join(t.TempDir(), "README.md")
	if err := os.WriteFile(notTrust, []byte("# not a trust list\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := run(t, ctx, nil, "verify", "--trust", notTrust, "IKD1:ABC"); code != 1 || !strings.Contains(out, "The trust list "+notTrust+" cannot be used") {
		t.Errorf("a file that is not a trust list: exit %d\n%s", code, out)
	}
	if code, _, errOut := run(t, ctx, nil, "verify", "--trust", "x"); code != 2 || !strings.Contains(errOut, "tepat satu") {
		t.Errorf("without input: exit %d\n%s", code, errOut)
	}
}

// TestDemoSamplesVerify runs `ikd demo --samples` on a small province and
// checks the samples as a newcomer would: VALID for valid.png, and the
// reason for the others.
func TestDemoSamplesVerify(t *testing.T) {
	ctx := context.Background()
	vars := dirVars(t)
	vars["IKD_DEMO_SCALE"] = "0.002"
	code, stdout, stderr := run(t, ctx, vars, "demo", "--samples")
	if code != 0 {
		t.Fatalf("ikd demo --samples: exit %d\n%s\n%s", code, stdout, stderr)
	}
	dir := filepath.Join(vars["IKD_DATA_DIR"], "samples")
	trust := filepath.Join(dir, "trust-list.jwt")
	for name, want := range map[string]struct {
		code int
		text string
	}{
		"valid.png":   {0, "VALID"},
		"expired.png": {1, "stale_presentation"},
		"revoked.png": {1, "revoked"},
	} {
		code, stdout, stderr := run(t, ctx, vars, "verify", "--trust", trust, filepath.Join(dir, name))
		if code != want.code || !strings.Contains(stdout+stderr, want.text) {
			t.Errorf("ikd verify %s: exit %d, want %d with %q:\n%s%s", name, code, want.code, want.text, stdout, stderr)
		}
	}
	// Pinned to the province's key the samples carry: VALID. Pinned to
	// another key: refused, naming the problem, also through IKD_TRUST_PIN.
	pin, err := os.ReadFile(filepath.Join(dir, "trust-pin.txt"))
	if err != nil {
		t.Fatal(err)
	}
	valid := filepath.Join(dir, "valid.png")
	if code, stdout, stderr := run(t, ctx, vars, "verify", "--trust", trust, "--pin", strings.TrimSpace(string(pin)), valid); code != 0 || !strings.HasPrefix(stdout, "VALID\n") {
		t.Errorf("pinned to the samples' key: exit %d\n%s%s", code, stdout, stderr)
	}
	_, other := verifytest.NewKey(t)
	pinVars := map[string]string{"IKD_TRUST_PIN": other}
	for k, v := range vars {
		pinVars[k] = v
	}
	code, stdout, _ = run(t, ctx, pinVars, "verify", "--trust", trust, valid)
	if code != 1 || !strings.Contains(stdout, "tidak disematkan") || !strings.Contains(stdout, "is not pinned (--pin "+other+")") ||
		!strings.Contains(stdout, strings.TrimSpace(string(pin))) || strings.Contains(stdout, "VALID\n") {
		t.Errorf("wrong pin: exit %d\n%s", code, stdout)
	}
	if readme, err := os.ReadFile(filepath.Join(dir, "README.txt")); err != nil || !strings.Contains(string(readme), "--pin $(cat data/samples/trust-pin.txt)") {
		t.Errorf("samples README: %v\n%s", err, readme)
	}
	key, err := os.ReadFile(filepath.Join(dir, "api-key.txt"))
	if err != nil || !strings.HasPrefix(string(key), "ikdk_") {
		t.Errorf("demo API key: %q, %v", key, err)
	}
	// Running it again activates the same residents anew: their earlier
	// phones are released and the new samples verify the same way.
	if code, stdout, stderr := run(t, ctx, vars, "demo", "--samples"); code != 0 {
		t.Fatalf("second ikd demo --samples: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if code, stdout, _ := run(t, ctx, vars, "verify", "--trust", trust, filepath.Join(dir, "valid.png")); code != 0 {
		t.Errorf("valid.png after a second run: exit %d\n%s", code, stdout)
	}
	// One demo bank stays active: the second run replaced the first's.
	if code, stdout, _ := run(t, ctx, vars, "lembaga", "list"); code != 0 || strings.Count(stdout, "AKTIF") != 1 {
		t.Errorf("institutions after two runs (want one active):\n%s", stdout)
	}
}

// TestVerifyPrintedCard: ikd verify on a printed card's QR image says it
// is valid and printed and writes the face; a revoked card says revoked.
func TestVerifyPrintedCard(t *testing.T) {
	f, trust := verifyFixture(t)
	png, err := qrimage.QRPNGLevel(f.QR(verifytest.QR{Printed: true, Idx: verifytest.IdxValid}), 4, qrimage.QRLevelM)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	img, face := filepath.Join(dir, "kartu.png"), filepath.Join(dir, "wajah.jpg")
	if err := os.WriteFile(img, png, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, context.Background(), nil, "verify", "--trust", trust, "--foto", face, img)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"VALID\n", "KARTU CETAK", "PRINTED CARD", "Format: qr (foto)", "Nama / Name: SITI AMINAH\n", "Photo written to"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if b, err := os.ReadFile(face); err != nil || len(b) < 3 || b[0] != 0xff || b[1] != 0xd8 {
		t.Errorf("face file: %v (%d bytes)", err, len(b))
	}
	code, out, errOut = run(t, context.Background(), nil, "verify", "--trust", trust, "--lang", "en",
		f.QR(verifytest.QR{Printed: true, Idx: verifytest.IdxRevoked}))
	if code != 1 || !strings.Contains(out, "TIDAK SAH / INVALID: revoked\nThis digital KTP has been revoked.\nKartu cetak / Printed card") {
		t.Fatalf("revoked: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestDemoRefusedWhileAnotherGenerates: while another process holds the
// demo's lock (as serve --demo does while it generates), `ikd demo` is
// refused with the reason, and writes nothing.
func TestDemoRefusedWhileAnotherGenerates(t *testing.T) {
	ctx := context.Background()
	vars := dirVars(t)
	vars["IKD_DEMO_SCALE"] = "0.002"
	if code, _, stderr := run(t, ctx, vars, "migrate"); code != 0 {
		t.Fatalf("migrate: %d %s", code, stderr)
	}
	st, err := sqlite.Open(ctx, strings.TrimPrefix(vars["IKD_DATABASE"], "sqlite:"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	unlock, err := st.TryLock(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	code, _, stderr := run(t, ctx, vars, "demo", "--samples")
	if code == 0 || !strings.Contains(stderr, "sedang membuat data demo") {
		t.Fatalf("ikd demo while another generates: exit %d\n%s", code, stderr)
	}
	if page, err := st.ListPenduduk(ctx, store.PendudukFilter{Limit: 1}); err != nil || len(page) != 0 {
		t.Errorf("residents written meanwhile: %d %v", len(page), err)
	}
}

// TestServeWaitsForDemoLock: serve's demo load waits while another
// process holds the lock, and takes it once released.
func TestServeWaitsForDemoLock(t *testing.T) {
	ctx := context.Background()
	st := ikdtest.NewSQLite(t, nil)
	unlock, err := st.TryLock(ctx, demoLock)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if _, err := waitDemoLock(short, st, logger); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("while held: %v, want the context's end", err)
	}
	unlock()
	got, err := waitDemoLock(ctx, st, logger)
	if err != nil {
		t.Fatalf("once released: %v", err)
	}
	got()
}
