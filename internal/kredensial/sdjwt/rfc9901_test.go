package sdjwt

import (
	"crypto"
	"crypto/ecdsa"
	"encoding/json"
	"github.com/ikd-project/ikd/internal/kredensial/jws"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/kredensial"
)

// The public part of the example issuer key of RFC 9901, Appendix A.5.
var rfcIssuerJWK = map[string]any{
	"kty": "EC", "crv": "P-256",
	"x": "b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ",
	"y": "Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8",
}

func rfcIssuerKey(t testing.TB) *ecdsa.PublicKey {
	t.Helper()
	k, err := ParseJWK(rfcIssuerJWK)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func readVector(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// readJSON decodes a testdata JSON file the way Verify decodes claims.
func readJSON(t testing.TB, name string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := jws.DecodeJSON([]byte(readVector(t, name)), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// rfcOpts verifies the RFC's examples: no kid, so the key is trusted under
// "", at the moment the RFC's KB-JWT was signed.
func rfcOpts(t testing.TB) VerifyOptions {
	key := rfcIssuerKey(t)
	return VerifyOptions{
		Keys: func(kid string) (crypto.PublicKey, bool) { return key, kid == "" },
		Now:  time.Unix(1748537244, 0).Add(10 * time.Second),
		Skew: time.Minute, RequireKB: true,
		Aud: "https://verifier.example.org", Nonce: "1234567890",
		VCT: "urn:eudi:pid:de:1",
	}
}

func TestRFC9901DisclosureDigests(t *testing.T) {
	// RFC 9901 sections 4.2.1, 4.2.2 and 4.2.3.
	for _, c := range []struct{ disclosure, digest string }{
		{"WyI2cU1RdlJMNWhhaiIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0", "uutlBuYeMDyjLLTpf6Jxi7yNkEF35jdyWMn9U7b_RYY"},
		{"WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0", "w0I8EKcdCtUPkGCNUrfwVp2xEgNjtoIDlOxc9-PlOhs"},
		{"WyIyR0xDNDJzS1F2ZUNmR2ZyeU5STjl3IiwgImdpdmVuX25hbWUiLCAiSm9obiJd", "jsu9yVulwQQlhFlM_3JlzMaSFzglhQG0DpfayQwLUK4"},
	} {
		if got := digest(c.disclosure); got != c.digest {
			t.Errorf("digest(%s) = %s, want %s", c.disclosure, got, c.digest)
		}
	}
	d := decodeDisclosure("WyI2cU1RdlJMNWhhaiIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0")
	if d.err != nil || d.salt != "6qMQvRL5haj" || d.name != "family_name" || d.value != "Möbius" {
		t.Errorf("decoded %+v", d)
	}
	d = decodeDisclosure("WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0")
	if d.err != nil || d.hasName || d.value != "FR" {
		t.Errorf("array element decoded %+v", d)
	}
}

// TestRFC9901A3Presentation verifies the SD-JWT VC of RFC 9901 Appendix A.3,
// presented with a Key Binding JWT, exactly as the RFC printed it, and
// compares the result with the RFC's processed payload.
func TestRFC9901A3Presentation(t *testing.T) {
	v, err := Verify(readVector(t, "rfc9901_a3_presentation.txt"), rfcOpts(t))
	if err != nil {
		t.Fatal(err)
	}
	if want := readJSON(t, "rfc9901_a3_processed.json"); !reflect.DeepEqual(v.Claims, want) {
		t.Errorf("claims\n got %v\nwant %v", v.Claims, want)
	}
	if want := []string{"age_equal_or_over", "age_equal_or_over.18", "nationalities"}; !slices.Equal(v.Disclosed, want) {
		t.Errorf("Disclosed = %v, want %v", v.Disclosed, want)
	}
	if v.KeyBinding == nil || v.KeyBinding.IssuedAt.Unix() != 1748537244 || v.Issuer != "https://pid-issuer.bund.de.example" {
		t.Errorf("verified %+v", v)
	}
	// The holder key is the RFC's example holder key.
	if jwk, _ := JWK(v.HolderKey); jwk["x"] != "TCAER19Zvu3OHF4j4W4vfSVoHIP1ILilDls7vCeGemc" {
		t.Errorf("holder key %v", jwk)
	}

	// The same vector, wrongly received.
	for name, c := range map[string]struct {
		mod  func(*VerifyOptions)
		want kredensial.Reason
	}{
		"other nonce":    {func(o *VerifyOptions) { o.Nonce = "0987654321" }, kredensial.BadNonce},
		"other audience": {func(o *VerifyOptions) { o.Aud = "https://other.example" }, kredensial.BadNonce},
		"an hour later":  {func(o *VerifyOptions) { o.Now = o.Now.Add(time.Hour) }, kredensial.StalePresentation},
		"in 2030": {func(o *VerifyOptions) {
			o.Now = time.Unix(1883000000, 0).Add(time.Hour)
			o.MaxKBAge = 10 * 365 * 24 * time.Hour
		}, kredensial.Expired},
		"other vct":     {func(o *VerifyOptions) { o.VCT = VCTKTPDigital }, kredensial.Unsupported},
		"untrusted key": {func(o *VerifyOptions) { o.Keys = trust }, kredensial.UnknownIssuer},
	} {
		o := rfcOpts(t)
		c.mod(&o)
		if _, err := Verify(readVector(t, "rfc9901_a3_presentation.txt"), o); reasonOf(err) != c.want {
			t.Errorf("%s: %v, want %s", name, err, c.want)
		}
	}
}

// TestRFC9901A3Issued verifies A.3's issuance (all 27 Disclosures, recursive
// objects, an array) without a KB-JWT and presents it again with this
// package: the presentation must verify too.
func TestRFC9901A3Issued(t *testing.T) {
	issued := readVector(t, "rfc9901_a3_issued.txt")
	o := rfcOpts(t)
	o.RequireKB = false
	v, err := Verify(issued, o)
	if err != nil {
		t.Fatal(err)
	}
	if want := readJSON(t, "rfc9901_a3_issued_processed.json"); !reflect.DeepEqual(v.Claims, want) {
		t.Errorf("claims\n got %v\nwant %v", v.Claims, want)
	}
	if len(v.Disclosed) != 27 {
		t.Errorf("%d disclosed, want 27: %v", len(v.Disclosed), v.Disclosed)
	}
	// Re-present the RFC's credential with our Present: address.locality only.
	p, err := Present(issued, DiscloseNames("address.locality"), nil)
	if err != nil {
		t.Fatal(err)
	}
	v, err = Verify(p, o)
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := v.Claims["address"].(map[string]any); len(a) != 1 || a["locality"] != "Köln" {
		t.Errorf("address = %v", v.Claims["address"])
	}
	if want := []string{"address", "address.locality"}; !slices.Equal(v.Disclosed, want) {
		t.Errorf("Disclosed = %v", v.Disclosed)
	}
}

// TestRFC9901Processing runs the processing of RFC 9901 section 5.2
// (array element Disclosures) and Appendix A.2 (recursive Disclosures
// inside arrays). Their typ is "example+sd-jwt", which Verify rejects, so
// the signature is checked here and the processing is called directly.
func TestRFC9901Processing(t *testing.T) {
	for _, c := range []struct{ vector, processed string }{
		{"rfc9901_s52_presentation.txt", "rfc9901_s52_processed.json"},
		{"rfc9901_a2_presentation.txt", "rfc9901_a2_processed.json"},
	} {
		t.Run(c.vector, func(t *testing.T) {
			s := readVector(t, c.vector)
			if _, err := Verify(s, rfcOpts(t)); reasonOf(err) != kredensial.Unsupported {
				t.Errorf("Verify of typ example+sd-jwt: %v, want unsupported", err)
			}
			p, cerr := split(s)
			if cerr != nil {
				t.Fatal(cerr)
			}
			body, err := verifyJWS(p.jws, rfcIssuerKey(t))
			if err != nil {
				t.Fatalf("RFC signature: %v", err)
			}
			var payload map[string]any
			if err := jws.DecodeJSON(body, &payload); err != nil {
				t.Fatal(err)
			}
			byDigest, list, cerr := decodeAll(payload, p.disclosures)
			if cerr != nil {
				t.Fatal(cerr)
			}
			claims, _, cerr := process(payload, byDigest, list)
			if cerr != nil {
				t.Fatal(cerr)
			}
			if want := readJSON(t, c.processed); !reflect.DeepEqual(claims, want) {
				got, _ := json.Marshal(claims)
				t.Errorf("processed\n got %s\nwant %v", got, want)
			}
			if p.kb != "" {
				holder, _ := ParseJWK(claims["cnf"].(map[string]any)["jwk"])
				if _, err := verifyJWS(p.kb, holder); err != nil {
					t.Errorf("RFC KB-JWT: %v", err)
				}
			}
		})
	}
}
