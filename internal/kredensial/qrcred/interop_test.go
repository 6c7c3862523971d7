package qrcred

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/hex"
	"encoding/json"
	"github.com/ikd-project/ikd/internal/ikdtest/nodetest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/kredensial"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred/qrimage"
)

// Interop: ikd's QR presentations against independent implementations in
// node (interop/node: @auth0/cose, @ldclabs/cose-ts, base45, jsQR).

// nodeInterop returns the node binary and the interop/node directory with
// its node_modules installed. Without them the test is skipped, or fails
// when CI=true.
func nodeInterop(t *testing.T) (node, dir string) {
	t.Helper()
	missing := func(format string, args ...any) {
		t.Helper()
		if os.Getenv("CI") == "true" {
			t.Fatalf("interop with node is required in CI: "+format, args...)
		}
		t.Skipf("interop with node skipped: "+format, args...)
	}
	node, _ = exec.LookPath("node")
	dir = nodetest.Dir(t)
	for _, m := range []string{"@auth0/cose", "@ldclabs/cose-ts", "base45", "jsqr", "pngjs", "jose"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", m, "package.json")); err != nil {
			missing("%s is not installed in %s/node_modules (run npm ci there)", m, dir)
		}
	}
	return node, dir
}

// runNode runs script in the interop directory with stdin as JSON and
// decodes the JSON line it prints into out.
func runNode(t *testing.T, script string, stdin any, out any, args ...string) {
	t.Helper()
	node, dir := nodeInterop(t)
	in, err := json.Marshal(stdin)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, append([]string{script}, args...)...)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s%s", script, err, b, stderr.String())
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("node %s printed %q: %v\n%s", script, b, err, stderr.String())
	}
}

type nodeVerifyResult struct {
	OK           bool                       `json:"ok"`
	Error        string                     `json:"error"`
	Checks       map[string]string          `json:"checks"`
	Tamper       map[string]string          `json:"tamper"`
	KidHex       string                     `json:"kidHex"`
	OuterAlg     int                        `json:"outerAlg"`
	InnerAlg     int                        `json:"innerAlg"`
	SignedAt     int64                      `json:"signedAt"`
	NonceHex     *string                    `json:"nonceHex"`
	DeviceKeyHex string                     `json:"deviceKeyHex"`
	Claims       map[string]json.RawMessage `json:"claims"`
}

func pubHex(t *testing.T, k crypto.PublicKey) string {
	t.Helper()
	b, err := k.(interface{ Bytes() ([]byte, error) }).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// TestInteropNodeVerifiesGo: node base45-decodes ikd's text and verifies
// both layers with @auth0/cose and @ldclabs/cose-ts; the claims it reads
// are the ones Go put in. A tampered copy is rejected by both.
func TestInteropNodeVerifiesGo(t *testing.T) {
	f := newFixture(t)
	signed := testNow.Add(-3 * time.Second)
	nonce := []byte("verifier-nonce-1")
	for _, p := range Profiles {
		t.Run(string(p), func(t *testing.T) {
			text := f.present(t, p, signed, nonce)
			var r nodeVerifyResult
			runNode(t, "qrcred-verify.mjs", map[string]string{"text": text, "issuerPubHex": pubHex(t, &f.issuer.PublicKey)}, &r)
			if !r.OK || r.Error != "" {
				t.Fatalf("node did not verify: %+v", r)
			}
			for name, v := range r.Tamper {
				if v != "rejected" {
					t.Errorf("tampered %s: %s", name, v)
				}
			}
			if len(r.Tamper) != 4 {
				t.Errorf("tamper checks %v", r.Tamper)
			}
			if r.OuterAlg != -7 || r.InnerAlg != -7 || r.KidHex != hex.EncodeToString(f.kid) || r.SignedAt != signed.Unix() ||
				r.NonceHex == nil || *r.NonceHex != hex.EncodeToString(nonce) || r.DeviceKeyHex != pubHex(t, &f.device.PublicKey) {
				t.Errorf("node read %+v", r)
			}
			v, err := Verify(text, VerifyOptions{Keys: f.keys, Now: testNow, Nonce: nonce})
			if err != nil {
				t.Fatal(err)
			}
			compareClaims(t, r.Claims, v)
		})
	}
	t.Run("tampered", func(t *testing.T) {
		text := f.present(t, Dasar, signed, nil)
		raw, err := decodeText(text)
		if err != nil {
			t.Fatal(err)
		}
		i := bytes.Index(raw, []byte(testSiti.Nama))
		raw[i] ^= 0x01 // SITI → RITI, inside the issuer CWT inside the presentation
		bad := text[:len(Prefix)] + strings.TrimPrefix(textOf(raw), Prefix)
		var r nodeVerifyResult
		runNode(t, "qrcred-verify.mjs", map[string]string{"text": bad, "issuerPubHex": pubHex(t, &f.issuer.PublicKey)}, &r)
		if r.OK {
			t.Fatalf("node verified a tampered presentation: %+v", r)
		}
		for _, c := range []string{"auth0Inner", "auth0Outer", "cosetsInner", "cosetsOuter"} {
			if r.Checks[c] == "ok" || r.Checks[c] == "" {
				t.Errorf("%s: %q", c, r.Checks[c])
			}
		}
		if _, err := Verify(bad, f.opts()); reasonOf(err) != kredensial.BadSignature {
			t.Errorf("Go: %v", err)
		}
	})
}

func textOf(raw []byte) string { return text(raw) }

// compareClaims checks the claims node decoded against what Go verified:
// the registered claims at the top, the resident claims under claimIKD by
// the labels of the private claim-key table.
func compareClaims(t *testing.T, c map[string]json.RawMessage, v *Verified) {
	t.Helper()
	var status struct {
		StatusList struct {
			Idx uint64
			URI string
		} `json:"status_list"`
	}
	if err := json.Unmarshal(c["65535"], &status); err != nil {
		t.Errorf("status: %s", c["65535"])
	}
	top := nodeClaims{t, c}
	if top.str(claimIss) != v.Issuer || top.num(claimExp) != v.Exp.Unix() || top.num(claimIat) != v.IAT.Unix() ||
		top.bin(claimCti) != hex.EncodeToString(v.CTI) || status.StatusList.Idx != v.Status.Idx || status.StatusList.URI != v.Status.URI {
		t.Errorf("registered claims: node %s, Go %+v", mapString(c), v.Credential)
	}
	if len(c) != 7 { // 1 4 6 7 8 65535 -65537
		t.Errorf("node sees %d claims, want 7: %s", len(c), mapString(c))
	}
	var ikd map[string]json.RawMessage
	if err := json.Unmarshal(c[strconv.Itoa(claimIKD)], &ikd); err != nil {
		t.Fatalf("claim %d: %s", claimIKD, c[strconv.Itoa(claimIKD)])
	}
	in := nodeClaims{t, ikd}
	if uint64(in.num(labelProfile)) != profileCodes[v.Profile] {
		t.Errorf("profile: node %s, Go %s", ikd["1"], v.Profile)
	}
	got := Disclosed{}
	if v.Profile == Usia {
		got.AgeOver17, got.AgeOver21 = in.boolean(labelAgeOver17), in.boolean(labelAgeOver21)
	} else {
		got.Nama, got.NIK, got.JenisKelamin = in.str(labelNama), in.str(labelNIK), in.str(labelJenisKelamin)
		got.TanggalLahir, _ = dateOfDays(in.num(labelTanggalLahir))
		got.FotoHash, _ = hex.DecodeString(in.bin(labelFotoHash))
		if v.Profile == Foto {
			got.Foto, _ = hex.DecodeString(in.bin(labelFoto))
		}
	}
	if !equalDisclosed(got, v.Claims) {
		t.Errorf("resident claims: node %+v, Go %+v", got, v.Claims)
	}
	if want := map[Profile]int{Dasar: 6, Usia: 3, Foto: 7}[v.Profile]; len(ikd) != want {
		t.Errorf("node sees %d ikd claims, want %d: %s", len(ikd), want, mapString(ikd))
	}
}

// nodeClaims reads a claims map as qrcred-lib.mjs's plain() prints it:
// labels as decimal text, byte strings as {"hex": "..."}.
type nodeClaims struct {
	t *testing.T
	c map[string]json.RawMessage
}

func (n nodeClaims) get(label int, v any) {
	n.t.Helper()
	if err := json.Unmarshal(n.c[strconv.Itoa(label)], v); err != nil {
		n.t.Errorf("claim %d: %s", label, n.c[strconv.Itoa(label)])
	}
}

func (n nodeClaims) str(label int) (s string) { n.get(label, &s); return s }
func (n nodeClaims) num(label int) (i int64)  { n.get(label, &i); return i }
func (n nodeClaims) boolean(label int) *bool  { var b bool; n.get(label, &b); return &b }
func (n nodeClaims) bin(label int) string {
	var h struct{ Hex string }
	n.get(label, &h)
	return h.Hex
}

func mapString(c map[string]json.RawMessage) string {
	b, _ := json.Marshal(c)
	if len(b) > 600 {
		b = append(b[:600], "..."...)
	}
	return string(b)
}

// TestInteropGoVerifiesNode: node issues and presents with
// @ldclabs/cose-ts (one case with an @auth0/cose outer layer), and makes
// its own negative cases; Go's Verify gives each the expected answer.
func TestInteropGoVerifiesNode(t *testing.T) {
	iat, signed := testNow.Add(-24*time.Hour), testNow.Add(-20*time.Second)
	nonce := []byte("n-0001")
	var r struct {
		IssuerPubHex, KidHex, DeviceKeyHex string
		Cases                              []struct{ Name, Profile, Text, Want string }
	}
	runNode(t, "qrcred-issue.mjs", map[string]any{
		"iat": iat.Unix(), "exp": testNow.AddDate(1, 0, 0).Unix(), "signedAt": signed.Unix(), "nonceHex": hex.EncodeToString(nonce),
	}, &r)
	issuerPub, err := parsePointHex(r.IssuerPubHex)
	if err != nil {
		t.Fatal(err)
	}
	kid, _ := hex.DecodeString(r.KidHex)
	keys := func(k []byte) (crypto.PublicKey, bool) {
		if bytes.Equal(k, kid) {
			return issuerPub, true
		}
		return nil, false
	}
	if len(r.Cases) < 8 {
		t.Fatalf("node made %d cases", len(r.Cases))
	}
	for _, c := range r.Cases {
		t.Run(c.Name, func(t *testing.T) {
			v, err := Verify(c.Text, VerifyOptions{Keys: keys, Now: testNow, Nonce: nonce})
			if got := reasonOf(err); string(got) != c.Want {
				t.Fatalf("got %s (%v), want %s", got, err, c.Want)
			}
			if err != nil {
				return
			}
			if v.Profile != Profile(c.Profile) || !bytes.Equal(v.Kid, kid) || !v.SignedAt.Equal(signed) || !v.IAT.Equal(iat) ||
				!bytes.Equal(v.Nonce, nonce) || pubHex(t, v.DeviceKey) != r.DeviceKeyHex || v.Status != (Status{4242, testURI}) {
				t.Errorf("verified %+v", v)
			}
			switch v.Profile {
			case Dasar:
				if v.Claims.Nama != "RAHMAT HIDAYAT" || v.Claims.NIK != "1771021203050002" || v.Claims.JenisKelamin != "L" ||
					v.Claims.TanggalLahir != "2005-03-12" || len(v.Claims.FotoHash) != FotoHashSize {
					t.Errorf("claims %+v", v.Claims)
				}
			case Usia:
				if v.Claims.AgeOver17 == nil || !*v.Claims.AgeOver17 || v.Claims.AgeOver21 == nil || *v.Claims.AgeOver21 || v.Claims.Nama != "" {
					t.Errorf("claims %+v", v.Claims)
				}
			}
		})
	}
}

func parsePointHex(h string) (*ecdsa.PublicKey, error) {
	b, err := hex.DecodeString(h)
	if err != nil {
		return nil, err
	}
	return ecdsa.ParseUncompressedPublicKey(elliptic.P256(), b)
}

// TestInteropJSQRDecodesGoPNG: jsQR, the decoder of ikd's verifier page,
// reads the QR PNG Go draws back to the same text, for every profile.
func TestInteropJSQRDecodesGoPNG(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	for _, p := range Profiles {
		for _, m := range []int{2, 4} {
			text := f.present(t, p, testNow, nil)
			b, err := qrimage.QRPNG(text, m)
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, string(p)+".png")
			if err := os.WriteFile(file, b, 0o644); err != nil {
				t.Fatal(err)
			}
			var r struct {
				OK      bool
				Text    string
				Version int
				Error   string
			}
			runNode(t, "qrcred-decode-png.mjs", nil, &r, file)
			v, _, _ := qrimage.QRVersion(text)
			if !r.OK || r.Text != text || r.Version != v {
				t.Errorf("%s at %d px/module: jsQR read ok=%v version %d (want %d), %d chars, %s", p, m, r.OK, r.Version, v, len(r.Text), r.Error)
			}
		}
	}
}
