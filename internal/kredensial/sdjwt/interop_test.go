package sdjwt

import (
	"crypto"
	"encoding/json"
	"github.com/ikd-project/ikd/internal/ikdtest/nodetest"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/ikd-project/ikd/internal/kredensial"
	"github.com/ikd-project/ikd/internal/statuslist"
)

type jsCase struct {
	Name  string `json:"name"`
	Token string `json:"token"`
	Nonce string `json:"nonce,omitempty"`
}

type jsResult struct {
	Name       string         `json:"name"`
	OK         bool           `json:"ok"`
	Payload    map[string]any `json:"payload"`
	KB         map[string]any `json:"kb"`
	Error      string         `json:"error"`
	JoseOK     bool           `json:"joseOk"`
	JoseIssuer map[string]any `json:"joseIssuer"`
	JoseError  string         `json:"joseError"`
}

// jsVerify verifies each case with @sd-jwt/sd-jwt-vc and jose.
func jsVerify(t *testing.T, statusToken string, cases ...jsCase) map[string]jsResult {
	t.Helper()
	jwk, err := JWK(&tk().issuer.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]any{"issuerJwk": jwk, "currentDate": now.Unix(), "statusListToken": statusToken, "cases": cases}
	var out struct{ Results []jsResult }
	nodetest.Run(t, "sdjwt-verify.mjs", in, &out)
	res := map[string]jsResult{}
	for _, r := range out.Results {
		res[r.Name] = r
	}
	if len(res) != len(cases) {
		t.Fatalf("node answered %d of %d cases", len(res), len(cases))
	}
	return res
}

// statusToken signs a Go status list token for statusURI in which entry
// 4711 (the sample credential's) has the given status.
func statusToken(t *testing.T, s statuslist.Status) string {
	t.Helper()
	l, err := statuslist.New(10_000, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Set(4711, s); err != nil {
		t.Fatal(err)
	}
	tok, err := statuslist.SignToken(tk().issuer, testKid, statuslist.Token{
		Subject: statusURI, IssuedAt: now.Add(-time.Hour), Expiry: now.Add(23 * time.Hour), TTL: time.Hour, List: l,
	})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestInteropGoToJS: credentials that Go issues and presents are verified
// by @sd-jwt/sd-jwt-vc with jose, status included (a Go status list token
// served to it), and the claims it returns are exactly the disclosed ones.
func TestInteropGoToJS(t *testing.T) {
	nodetest.Dir(t)
	issued := issueKTP(t)
	pres, err := Present(issued, DiscloseNames("nik", "nama", "alamat.kab_kota"), kb(now))
	if err != nil {
		t.Fatal(err)
	}
	age, err := Present(issued, DiscloseNames(ClaimAgeOver17), kb(now))
	if err != nil {
		t.Fatal(err)
	}
	pp, _ := split(pres)
	ip, _ := split(issued)
	otherKey, err := present(issued, DiscloseNames("nik"), &KeyBinding{Signer: tk().other, Aud: testAud, Nonce: testNonce, IAT: now}, false)
	if err != nil {
		t.Fatal(err)
	}
	tampered := func() string {
		h, p, s, _ := splitJWS(pp.jws)
		raw, _ := b64.DecodeString(p)
		raw = []byte(strings.Replace(string(raw), testIssuer, "https://evil.example", 1))
		return h + "." + b64.EncodeToString(raw) + "." + s + pres[len(pp.jws):]
	}()
	forged := issued + disc(t, "c2FsdHNhbHRzYWx0", "tanggal_lahir", "1999-01-01") + "~"

	res := jsVerify(t, statusToken(t, statuslist.Valid),
		jsCase{Name: "issuance", Token: issued},
		jsCase{Name: "presentation", Token: pres, Nonce: testNonce},
		jsCase{Name: "age only", Token: age, Nonce: testNonce},
		jsCase{Name: "wrong nonce", Token: pres, Nonce: "another-nonce"},
		jsCase{Name: "tampered payload", Token: tampered, Nonce: testNonce},
		jsCase{Name: "Disclosure dropped after KB", Token: pp.jws + "~" + strings.Join(pp.disclosures[:len(pp.disclosures)-1], "~") + "~" + pp.kb, Nonce: testNonce},
		jsCase{Name: "Disclosure added after KB", Token: stripKB(pres) + ip.disclosures[0] + "~" + pp.kb, Nonce: testNonce},
		jsCase{Name: "KB by another key", Token: otherKey, Nonce: testNonce},
		jsCase{Name: "forged unreferenced Disclosure", Token: forged},
	)

	for _, name := range []string{"issuance", "presentation", "age only", "wrong nonce", "Disclosure dropped after KB", "KB by another key"} {
		if !res[name].JoseOK {
			t.Errorf("%s: jose rejected the issuer-signed JWT: %s", name, res[name].JoseError)
		}
	}
	if res["tampered payload"].JoseOK {
		t.Error("tampered payload: accepted by jose")
	}
	r := res["issuance"]
	if !r.OK {
		t.Fatalf("JS rejected the issuance: %s", r.Error)
	}
	if r.JoseIssuer["typ"] != Typ || r.JoseIssuer["kid"] != testKid || r.JoseIssuer["alg"] != "ES256" {
		t.Errorf("jose header %v", r.JoseIssuer)
	}
	if r.Payload["nik"] != "1771015708900002" || r.Payload["golongan_darah"] != "O" || r.Payload["age_over_21"] != true {
		t.Errorf("issuance claims %v", r.Payload)
	}
	if a, _ := r.Payload["alamat"].(map[string]any); len(a) != 6 || a["kel_desa"] != "PASAR BARU" {
		t.Errorf("issuance alamat %v", r.Payload["alamat"])
	}

	r = res["presentation"]
	if !r.OK {
		t.Fatalf("JS rejected the presentation: %s", r.Error)
	}
	want := []string{"alamat", "cnf", "exp", "iat", "iss", "nama", "nik", "status", "vct"}
	if got := slices.Sorted(maps.Keys(r.Payload)); !slices.Equal(got, want) {
		t.Errorf("JS sees claims %v, want exactly %v", got, want)
	}
	if a, _ := r.Payload["alamat"].(map[string]any); len(a) != 1 || a["kab_kota"] != "KOTA BENGKULU" {
		t.Errorf("JS sees alamat %v", r.Payload["alamat"])
	}
	if r.KB["aud"] != testAud || r.KB["nonce"] != testNonce || r.KB["iat"] != float64(now.Unix()) || r.KB["sd_hash"] != digest(stripKB(pres)) {
		t.Errorf("JS sees KB %v", r.KB)
	}

	r = res["age only"]
	if got := slices.Sorted(maps.Keys(r.Payload)); !r.OK || !slices.Equal(got, []string{"age_over_17", "cnf", "exp", "iat", "iss", "status", "vct"}) || r.Payload["age_over_17"] != true {
		t.Errorf("age only: %v %v %s", r.OK, r.Payload, r.Error)
	}

	for _, name := range []string{"wrong nonce", "tampered payload", "Disclosure dropped after KB", "Disclosure added after KB", "KB by another key"} {
		if res[name].OK {
			t.Errorf("%s: accepted by JS", name)
		} else {
			t.Logf("%s: JS says %q", name, res[name].Error)
		}
	}

	// @sd-jwt/core 0.19 accepts an SD-JWT with an unreferenced Disclosure
	// and drops it (RFC 9901 says reject): the forged value must at least
	// not come back. Our Verify rejects it (TestVerifyRejects).
	r = res["forged unreferenced Disclosure"]
	if r.OK && r.Payload["tanggal_lahir"] != "1990-08-17" {
		t.Errorf("JS returned the forged value %v", r.Payload["tanggal_lahir"])
	}
	t.Logf("forged unreferenced Disclosure: JS ok=%v (RFC 9901 says reject), tanggal_lahir=%v", r.OK, r.Payload["tanggal_lahir"])
	o := opts()
	o.RequireKB = false
	if _, err := Verify(forged, o); reasonOf(err) != kredensial.BadDisclosure {
		t.Errorf("Go: forged Disclosure: %v", err)
	}
}

// TestInteropStatus: @sd-jwt/sd-jwt-vc checks the credential's status in a
// Go-signed status list token and refuses a revoked or suspended one.
func TestInteropStatus(t *testing.T) {
	nodetest.Dir(t)
	pres := presentKTP(t)
	for _, c := range []struct {
		status statuslist.Status
		ok     bool
	}{{statuslist.Valid, true}, {statuslist.Revoked, false}, {statuslist.Suspended, false}} {
		r := jsVerify(t, statusToken(t, c.status), jsCase{Name: "p", Token: pres, Nonce: testNonce})["p"]
		if r.OK != c.ok {
			t.Errorf("status %v: JS ok=%v (%s), want %v", c.status, r.OK, r.Error, c.ok)
		}
		t.Logf("status %v: JS ok=%v %s", c.status, r.OK, r.Error)
	}
}

// TestInteropJSToGo: @sd-jwt/sd-jwt-vc issues and presents a KTP credential
// (the same recursive alamat structure) and Go verifies it.
func TestInteropJSToGo(t *testing.T) {
	nodetest.Dir(t)
	claims, err := KTPClaims(sampleKTP(), issuedAt)
	if err != nil {
		t.Fatal(err)
	}
	var top []string
	for k := range claims {
		top = append(top, k)
	}
	slices.Sort(top)
	in := map[string]any{
		"iss": "https://js-issuer.example", "kid": "js-1", "vct": VCTKTPDigital,
		"iat": issuedAt.Unix(), "exp": expiry.Unix(),
		"claims":            claims,
		"disclosureFrame":   map[string]any{"_sd": top, "alamat": map[string]any{"_sd": []string{"jalan", "rt_rw", "kel_desa", "kecamatan", "kab_kota", "provinsi"}}},
		"presentationFrame": map[string]any{"nik": true, "alamat": map[string]any{"kab_kota": true}},
		"aud":               testAud, "nonce": testNonce, "kbIat": now.Unix(),
		"status": map[string]any{"idx": 99, "uri": statusURI},
	}
	var out struct {
		IssuerJWK    json.RawMessage `json:"issuerJwk"`
		Issuance     string          `json:"issuance"`
		Presentation string          `json:"presentation"`
		WrongNonce   string          `json:"wrongNonce"`
		NoKB         string          `json:"noKB"`
	}
	nodetest.Run(t, "sdjwt-issue.mjs", in, &out)

	var jwk jose.JSONWebKey // parsed by go-jose, independently of ParseJWK
	if err := jwk.UnmarshalJSON(out.IssuerJWK); err != nil {
		t.Fatal(err)
	}
	o := opts()
	o.Keys = func(kid string) (crypto.PublicKey, bool) { return jwk.Key, kid == "js-1" }

	v, err := Verify(out.Presentation, o)
	if err != nil {
		t.Fatalf("Go rejected the JS presentation: %v", err)
	}
	if want := []string{"alamat", "alamat.kab_kota", "nik"}; !slices.Equal(v.Disclosed, want) {
		t.Errorf("Disclosed = %v, want %v", v.Disclosed, want)
	}
	if v.Claims["nik"] != "1771015708900002" || v.Claims["nama"] != nil || v.Issuer != "https://js-issuer.example" {
		t.Errorf("claims %v", v.Claims)
	}
	if a, _ := v.Claims["alamat"].(map[string]any); len(a) != 1 || a["kab_kota"] != "KOTA BENGKULU" {
		t.Errorf("alamat %v", v.Claims["alamat"])
	}
	if v.Status == nil || v.Status.Idx != 99 || v.KeyBinding == nil || v.HolderKey == nil {
		t.Errorf("verified %+v", v)
	}

	o2 := o
	o2.RequireKB = false
	v, err = Verify(out.Issuance, o2)
	if err != nil {
		t.Fatalf("Go rejected the JS issuance: %v", err)
	}
	if len(v.Disclosed) != 19 || v.Claims["age_over_17"] != true {
		t.Errorf("issuance: %d disclosed, claims %v", len(v.Disclosed), v.Claims)
	}

	if _, err := Verify(out.WrongNonce, o); reasonOf(err) != kredensial.BadNonce {
		t.Errorf("JS presentation with another nonce: %v, want bad_nonce", err)
	}
	if _, err := Verify(out.NoKB, o); reasonOf(err) != kredensial.WrongHolder {
		t.Errorf("JS presentation without KB: %v, want wrong_holder", err)
	}
	// Present works on a JS-issued credential too (without a KB-JWT: the
	// holder key stays in node).
	p, err := Present(out.Issuance, DiscloseNames("nama"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := Verify(p, o2); err != nil || v.Claims["nama"] != "SITI AMINAH" {
		t.Errorf("re-presented JS credential: %v", err)
	}
}
