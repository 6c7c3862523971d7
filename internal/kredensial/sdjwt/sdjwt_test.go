package sdjwt

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/kredensial"
)

func TestIssueVerifyAllClaims(t *testing.T) {
	issued := issueKTP(t)
	o := opts()
	o.RequireKB = false
	v, err := Verify(issued, o)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"agama", "age_over_17", "age_over_21", "alamat", "alamat.jalan", "alamat.kab_kota", "alamat.kecamatan",
		"alamat.kel_desa", "alamat.provinsi", "alamat.rt_rw", "golongan_darah", "jenis_kelamin",
		"kewarganegaraan", "nama", "nik", "pekerjaan", "status_perkawinan", "tanggal_lahir", "tempat_lahir"}
	if !slices.Equal(v.Disclosed, want) {
		t.Errorf("Disclosed = %v\nwant %v", v.Disclosed, want)
	}
	if v.Claims["nik"] != "1771015708900002" || v.Claims["age_over_17"] != true || v.Claims["tanggal_lahir"] != "1990-08-17" {
		t.Errorf("claims: %v", v.Claims)
	}
	alamat, _ := v.Claims["alamat"].(map[string]any)
	if alamat["kab_kota"] != "KOTA BENGKULU" || alamat["rt_rw"] != "003/002" || len(alamat) != 6 {
		t.Errorf("alamat = %v", alamat)
	}
	for _, k := range []string{"_sd", "_sd_alg"} {
		if _, ok := v.Claims[k]; ok {
			t.Errorf("%s left in claims", k)
		}
	}
	if v.Issuer != testIssuer || v.KeyID != testKid || v.VCT != VCTKTPDigital ||
		!v.IssuedAt.Equal(issuedAt) || !v.Expiry.Equal(expiry) || !v.NotBefore.IsZero() {
		t.Errorf("registered claims: %+v", v)
	}
	if v.Status == nil || *v.Status != (StatusRef{Idx: 4711, URI: statusURI}) {
		t.Errorf("status = %+v", v.Status)
	}
	if v.HolderKey == nil || !v.HolderKey.Equal(&tk().holder.PublicKey) {
		t.Error("holder key not returned")
	}
	if v.KeyBinding != nil {
		t.Error("KeyBinding set without a KB-JWT")
	}
}

func TestPresentVerifySelected(t *testing.T) {
	v, err := Verify(presentKTP(t), opts())
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"alamat", "alamat.kab_kota", "nama", "nik"}; !slices.Equal(v.Disclosed, want) {
		t.Errorf("Disclosed = %v, want %v", v.Disclosed, want)
	}
	got := slices.Sorted(maps.Keys(v.Claims))
	want := []string{"alamat", "cnf", "exp", "iat", "iss", "nama", "nik", "status", "vct"}
	if !slices.Equal(got, want) {
		t.Errorf("claims %v, want %v", got, want)
	}
	if a, _ := v.Claims["alamat"].(map[string]any); len(a) != 1 || a["kab_kota"] != "KOTA BENGKULU" {
		t.Errorf("alamat = %v", v.Claims["alamat"])
	}
	if v.KeyBinding == nil || v.KeyBinding.Aud != testAud || v.KeyBinding.Nonce != testNonce || !v.KeyBinding.IssuedAt.Equal(now) {
		t.Errorf("KeyBinding = %+v", v.KeyBinding)
	}
}

func TestPresentNothingAndOnlyAge(t *testing.T) {
	issued := issueKTP(t)
	p, err := Present(issued, nil, kb(now))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(p, "~") != 1 {
		t.Errorf("presentation with no Disclosures has %d '~'", strings.Count(p, "~"))
	}
	v, err := Verify(p, opts())
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Disclosed) != 0 {
		t.Errorf("Disclosed = %v", v.Disclosed)
	}
	p, err = Present(issued, DiscloseNames(ClaimAgeOver17), kb(now))
	if err != nil {
		t.Fatal(err)
	}
	v, err = Verify(p, opts())
	if err != nil {
		t.Fatal(err)
	}
	if v.Claims["age_over_17"] != true || v.Claims["nik"] != nil || !slices.Equal(v.Disclosed, []string{"age_over_17"}) {
		t.Errorf("age-only presentation: %v", v.Claims)
	}
}

func TestIssuedShape(t *testing.T) {
	issued := issueKTP(t)
	p, _ := split(issued)
	h, pl, _, _ := splitJWS(p.jws)
	hraw, _ := b64.DecodeString(h)
	if string(hraw) != `{"alg":"ES256","typ":"dc+sd-jwt","kid":"bengkulu-2026-1"}` {
		t.Errorf("header %s", hraw)
	}
	var payload map[string]any
	raw, _ := b64.DecodeString(pl)
	if err := json.Unmarshal(raw, &payload); err != nil {
		t.Fatal(err)
	}
	sd := payload["_sd"].([]any)
	if len(sd)%DecoyBlock != 0 || len(sd) < 14 {
		t.Errorf("top-level _sd has %d digests, want a multiple of %d >= 14", len(sd), DecoyBlock)
	}
	if !slices.IsSortedFunc(sd, func(a, b any) int { return strings.Compare(a.(string), b.(string)) }) {
		t.Error("_sd not sorted")
	}
	for _, k := range []string{"nik", "nama", "alamat"} {
		if _, ok := payload[k]; ok {
			t.Errorf("personal claim %s is in the clear", k)
		}
	}
	if payload["_sd_alg"] != "sha-256" || payload["vct"] != VCTKTPDigital {
		t.Errorf("payload %v", payload)
	}
	st := payload["status"].(map[string]any)["status_list"].(map[string]any)
	if st["idx"] != 4711.0 || st["uri"] != statusURI {
		t.Errorf("status %v", st)
	}
	// Every salt is 128 bits and unique.
	salts := map[string]bool{}
	for _, enc := range p.disclosures {
		d := decodeDisclosure(enc)
		if d.err != nil {
			t.Fatal(d.err)
		}
		if s, _ := b64.DecodeString(d.salt); len(s) != 16 || salts[d.salt] {
			t.Errorf("salt %q", d.salt)
		}
		salts[d.salt] = true
		if d.name == "alamat" {
			inner := d.value.(map[string]any)["_sd"].(digestList)
			if len(inner) != DecoyBlock {
				t.Errorf("alamat _sd has %d digests, want %d", len(inner), DecoyBlock)
			}
		}
	}
	// Two residents with and without a blood type have as many digests.
	k := sampleKTP()
	k.GolonganDarah = ""
	sd2, _ := KTPClaims(k, issuedAt)
	issued2, err := Issue(tk().issuer, testKid, sampleClaims(), sd2, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := split(issued2)
	_, pl2, _, _ := splitJWS(p2.jws)
	raw2, _ := b64.DecodeString(pl2)
	var payload2 map[string]any
	_ = json.Unmarshal(raw2, &payload2)
	if n1, n2 := len(sd), len(payload2["_sd"].([]any)); n1 != n2 {
		t.Errorf("digest count leaks the claim count: %d vs %d", n1, n2)
	}
}

func TestPaths(t *testing.T) {
	paths, err := Paths(issueKTP(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 19 || !slices.Contains(paths, "alamat.kab_kota") || !slices.Contains(paths, "nik") {
		t.Errorf("Paths = %v", paths)
	}
}

func TestIssueRefuses(t *testing.T) {
	c := sampleClaims()
	cases := map[string]func() (string, error){
		"reserved sd name": func() (string, error) {
			return Issue(tk().issuer, testKid, c, map[string]any{"exp": 1}, rand.Reader)
		},
		"_sd name in nested": func() (string, error) {
			return Issue(tk().issuer, testKid, c, map[string]any{"a": map[string]any{"_sd": 1}}, rand.Reader)
		},
		"... deep in a value": func() (string, error) {
			return Issue(tk().issuer, testKid, c, map[string]any{"a": map[string]any{"b": []any{map[string]any{"...": "x"}}}}, rand.Reader)
		},
		"_sd in a plain value": func() (string, error) {
			c2 := c
			c2.Plain = map[string]any{"x": map[string]any{"_sd": []any{}}}
			return Issue(tk().issuer, testKid, c2, nil, rand.Reader)
		},
		"plain clashes with sd": func() (string, error) {
			c2 := c
			c2.Plain = map[string]any{"nik": "x"}
			return Issue(tk().issuer, testKid, c2, map[string]any{"nik": "y"}, rand.Reader)
		},
		"plain reserved": func() (string, error) {
			c2 := c
			c2.Plain = map[string]any{"cnf": "x"}
			return Issue(tk().issuer, testKid, c2, nil, rand.Reader)
		},
		"no kid": func() (string, error) { return Issue(tk().issuer, "", c, nil, rand.Reader) },
		"exp before iat": func() (string, error) {
			c2 := c
			c2.Expiry = c.IssuedAt.Add(-time.Second)
			return Issue(tk().issuer, testKid, c2, nil, rand.Reader)
		},
		"not P-256 holder": func() (string, error) {
			c2 := c
			pub, _, _ := ed25519.GenerateKey(rand.Reader)
			c2.Holder = pub
			return Issue(tk().issuer, testKid, c2, nil, rand.Reader)
		},
		"not P-256 signer": func() (string, error) {
			_, priv, _ := ed25519.GenerateKey(rand.Reader)
			return Issue(priv, testKid, c, nil, rand.Reader)
		},
		"unencodable value": func() (string, error) {
			return Issue(tk().issuer, testKid, c, map[string]any{"x": func() {}}, rand.Reader)
		},
		"rand fails": func() (string, error) {
			return Issue(tk().issuer, testKid, c, map[string]any{"x": 1}, strings.NewReader("short"))
		},
	}
	for name, f := range cases {
		if s, err := f(); err == nil {
			t.Errorf("%s: issued %q", name, s)
		}
	}
}

func TestPresentRefuses(t *testing.T) {
	issued := issueKTP(t)
	if _, err := Present(issued, nil, &KeyBinding{Signer: tk().other, Aud: testAud, Nonce: testNonce, IAT: now}); err == nil {
		t.Error("Present signed with a key other than cnf's")
	}
	if _, err := Present(issued, nil, &KeyBinding{Signer: tk().holder, Aud: testAud, IAT: now}); err == nil {
		t.Error("Present without a nonce")
	}
	if _, err := Present(presentKTP(t), nil, nil); err == nil {
		t.Error("Present of a presentation that has a KB-JWT")
	}
	if _, err := Present(issued+disc(t, "c2FsdA", "nik", "forged")+"~", nil, nil); err == nil {
		t.Error("Present with an unreferenced Disclosure")
	}
}

// TestVerifyRejects is the table of everything Verify must refuse, each
// with its reason.
func TestVerifyRejects(t *testing.T) {
	issued := issueKTP(t)
	good, err := Present(issued, DiscloseNames("nik", "nama", "alamat.kab_kota"), kb(now))
	if err != nil {
		t.Fatal(err)
	}
	gp, _ := split(good)
	ip, _ := split(issued)
	hseg, pseg, sseg, _ := splitJWS(gp.jws)
	payloadRaw, _ := b64.DecodeString(pseg)
	var payload map[string]any
	_ = json.Unmarshal(payloadRaw, &payload)
	withPayload := func(mut func(map[string]any)) map[string]any {
		m := basePayload()
		mut(m)
		return m
	}
	reKB := func(prefix string) string { return withKB(t, prefix, tk().holder, testAud, testNonce, now) }
	nik := disc(t, "c2FsdHNhbHRzYWx0", "nik", "1771015708900002")
	nikDigest := digest(nik)
	hs256 := func() string {
		h := b64.EncodeToString([]byte(`{"alg":"HS256","typ":"dc+sd-jwt","kid":"bengkulu-2026-1"}`))
		mac := hmac.New(sha256.New, []byte("secret"))
		mac.Write([]byte(h + "." + pseg))
		return h + "." + pseg + "." + b64.EncodeToString(mac.Sum(nil)) + "~"
	}
	flip := func(s string, i int) string {
		c := s[i]
		r := byte('A')
		if c == 'A' {
			r = 'B'
		}
		return s[:i] + string(r) + s[i+1:]
	}
	tamperedPayload := func() string {
		m := maps.Clone(payload)
		m["iss"] = "https://evil.example"
		pj, _ := json.Marshal(m)
		return hseg + "." + b64.EncodeToString(pj) + "." + sseg
	}

	cases := []struct {
		name string
		pres string
		mod  func(*VerifyOptions)
		want kredensial.Reason
	}{
		// Algorithms and types.
		{"alg none", b64.EncodeToString([]byte(`{"alg":"none","typ":"dc+sd-jwt","kid":"bengkulu-2026-1"}`)) + "." + pseg + ".~", nil, kredensial.Unsupported},
		{"alg HS256", hs256(), nil, kredensial.Unsupported},
		{"alg ES384", sign(t, tk().issuer, map[string]any{"alg": "ES384", "typ": Typ, "kid": testKid}, payload) + "~", nil, kredensial.Unsupported},
		{"alg RS256", sign(t, tk().issuer, map[string]any{"alg": "RS256", "typ": Typ, "kid": testKid}, payload) + "~", nil, kredensial.Unsupported},
		{"alg lower case", sign(t, tk().issuer, map[string]any{"alg": "es256", "typ": Typ, "kid": testKid}, payload) + "~", nil, kredensial.Unsupported},
		{"typ vc+sd-jwt (legacy)", craft(t, map[string]any{"alg": "ES256", "typ": LegacyTyp, "kid": testKid}, basePayload()), nil, kredensial.Unsupported},
		{"typ JWT", craft(t, map[string]any{"alg": "ES256", "typ": "JWT", "kid": testKid}, basePayload()), nil, kredensial.Unsupported},
		{"typ missing", craft(t, map[string]any{"alg": "ES256", "kid": testKid}, basePayload()), nil, kredensial.Unsupported},
		{"crit header", craft(t, map[string]any{"alg": "ES256", "typ": Typ, "kid": testKid, "crit": []string{"b64"}, "b64": false}, basePayload()), nil, kredensial.Unsupported},
		{"_sd_alg sha-512", craft(t, stdHeader, withPayload(func(m map[string]any) { m["_sd_alg"] = "sha-512" })), nil, kredensial.Unsupported},
		{"vct other type", craft(t, stdHeader, withPayload(func(m map[string]any) { m["vct"] = "urn:other:1" })), nil, kredensial.Unsupported},
		{"holder key Ed25519", craft(t, stdHeader, withPayload(func(m map[string]any) {
			m["cnf"] = map[string]any{"jwk": map[string]any{"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}}
		})), nil, kredensial.Unsupported},
		{"KB typ JWT", stripKB(good) + sign(t, tk().holder, map[string]any{"alg": "ES256", "typ": "JWT"},
			map[string]any{"iat": now.Unix(), "aud": testAud, "nonce": testNonce, "sd_hash": digest(stripKB(good))}), nil, kredensial.Unsupported},
		{"KB alg none", stripKB(good) + b64.EncodeToString([]byte(`{"alg":"none","typ":"kb+jwt"}`)) + "." + b64.EncodeToString([]byte(`{}`)) + ".", nil, kredensial.Unsupported},

		// Issuer trust and signature.
		{"unknown kid", craft(t, map[string]any{"alg": "ES256", "typ": Typ, "kid": "other"}, basePayload()), nil, kredensial.UnknownIssuer},
		{"no kid", craft(t, map[string]any{"alg": "ES256", "typ": Typ}, basePayload()), nil, kredensial.UnknownIssuer},
		{"signature flipped", gp.jws[:len(gp.jws)-5] + flip(gp.jws[len(gp.jws)-5:], 0) + good[len(gp.jws):], nil, kredensial.BadSignature},
		{"payload tampered", tamperedPayload() + good[len(gp.jws):], nil, kredensial.BadSignature},
		{"signed by another key with our kid", sign(t, tk().other, stdHeader, payload) + good[len(gp.jws):], nil, kredensial.BadSignature},
		{"signature empty", hseg + "." + pseg + ".~", nil, kredensial.BadSignature},

		// Disclosures.
		{"unreferenced Disclosure (forged value)", reKB(stripKB(good) + disc(t, "c2FsdHNhbHRzYWx0", "tanggal_lahir", "1999-01-01") + "~"), nil, kredensial.BadDisclosure},
		{"same Disclosure twice", reKB(stripKB(good) + gp.disclosures[0] + "~"), nil, kredensial.BadDisclosure},
		{"Disclosure tampered", reKB(gp.jws + "~" + flip(gp.disclosures[0], 10) + "~" + strings.Join(gp.disclosures[1:], "~") + "~"), nil, kredensial.BadDisclosure},
		{"Disclosure truncated", reKB(gp.jws + "~" + gp.disclosures[0][:len(gp.disclosures[0])-3] + "~"), nil, kredensial.BadDisclosure},
		{"Disclosure overwrites a plain claim", craft(t, stdHeader, withPayload(func(m map[string]any) {
			m["nik"] = "1"
			m["_sd"] = []string{nikDigest}
		}), nik), nil, kredensial.BadDisclosure},
		{"two Disclosures with one name", func() string {
			d2 := disc(t, "b3RoZXJzYWx0", "nik", "2")
			return craft(t, stdHeader, withPayload(func(m map[string]any) { m["_sd"] = []string{nikDigest, digest(d2)} }), nik, d2)
		}(), nil, kredensial.BadDisclosure},
		{"Disclosure named _sd", func() string {
			d := disc(t, "c2FsdA", "_sd", []string{"x"})
			return craft(t, stdHeader, withPayload(func(m map[string]any) { m["_sd"] = []string{digest(d)} }), d)
		}(), nil, kredensial.BadDisclosure},
		{"Disclosure named ...", func() string {
			d := disc(t, "c2FsdA", "...", "x")
			return craft(t, stdHeader, withPayload(func(m map[string]any) { m["_sd"] = []string{digest(d)} }), d)
		}(), nil, kredensial.BadDisclosure},
		{"registered claim exp disclosed", func() string {
			d := disc(t, "c2FsdA", "exp", 4102444800)
			return craft(t, stdHeader, withPayload(func(m map[string]any) { delete(m, "exp"); m["_sd"] = []string{digest(d)} }), d)
		}(), nil, kredensial.BadDisclosure},
		{"array Disclosure referenced from _sd", func() string {
			d := disc(t, "c2FsdA", "DE")
			return craft(t, stdHeader, withPayload(func(m map[string]any) { m["_sd"] = []string{digest(d)} }), d)
		}(), nil, kredensial.BadDisclosure},
		{"object Disclosure referenced from an array", craft(t, stdHeader, withPayload(func(m map[string]any) {
			m["list"] = []any{map[string]any{"...": nikDigest}}
		}), nik), nil, kredensial.BadDisclosure},
		{"digest twice in the payload", craft(t, stdHeader, withPayload(func(m map[string]any) {
			m["_sd"] = []string{nikDigest}
			m["x"] = map[string]any{"_sd": []string{nikDigest}}
		}), nik), nil, kredensial.BadDisclosure},
		{"KB over fewer Disclosures (one dropped after signing)", gp.jws + "~" + strings.Join(gp.disclosures[:len(gp.disclosures)-1], "~") + "~" + gp.kb, nil, kredensial.BadDisclosure},
		{"KB over more Disclosures (one added after signing)", stripKB(good) + ip.disclosures[0] + "~" + gp.kb, nil, kredensial.BadDisclosure},

		// Encoding.
		{"empty", "", nil, kredensial.Unreadable},
		{"plain JWT, no ~", gp.jws, nil, kredensial.BadEncoding},
		{"not a JWS", "abc~", nil, kredensial.BadEncoding},
		{"header not base64url", "e$J.e30.AA~", nil, kredensial.BadEncoding},
		{"header not JSON", b64.EncodeToString([]byte("nope")) + "." + pseg + "." + sseg + "~", nil, kredensial.BadEncoding},
		{"payload not JSON", sign(t, tk().issuer, stdHeader, "just a string") + "~", nil, kredensial.BadEncoding},
		{"payload JSON with trailing data", signRaw(t, tk().issuer, []byte(`{"alg":"ES256","typ":"dc+sd-jwt","kid":"bengkulu-2026-1"}`), append(payloadRaw, []byte(" {}")...)) + "~", nil, kredensial.BadEncoding},
		{"empty Disclosure segment", gp.jws + "~~" + gp.kb, nil, kredensial.BadEncoding},
		{"padding in a Disclosure", gp.jws + "~" + gp.disclosures[0] + "=~", nil, kredensial.BadEncoding},
		{"whitespace", " " + good, nil, kredensial.BadEncoding},
		{"too long", good + strings.Repeat("A", MaxLength), nil, kredensial.BadEncoding},
		{"referenced Disclosure that is not JSON", func() string {
			d := b64.EncodeToString([]byte("not json"))
			return craft(t, stdHeader, withPayload(func(m map[string]any) { m["_sd"] = []string{digest(d)} }), d)
		}(), nil, kredensial.BadEncoding},
		{"referenced Disclosure with 4 elements", func() string {
			d := disc(t, "c2FsdA", "a", 1, 2)
			return craft(t, stdHeader, withPayload(func(m map[string]any) { m["_sd"] = []string{digest(d)} }), d)
		}(), nil, kredensial.BadEncoding},
		{"_sd not an array", craft(t, stdHeader, withPayload(func(m map[string]any) { m["_sd"] = "x" })), nil, kredensial.BadEncoding},
		{"exp missing", craft(t, stdHeader, withPayload(func(m map[string]any) { delete(m, "exp") })), nil, kredensial.BadEncoding},
		{"exp a string", craft(t, stdHeader, withPayload(func(m map[string]any) { m["exp"] = "tomorrow" })), nil, kredensial.BadEncoding},
		{"vct missing", craft(t, stdHeader, withPayload(func(m map[string]any) { delete(m, "vct") })), nil, kredensial.BadEncoding},
		{"iss missing", craft(t, stdHeader, withPayload(func(m map[string]any) { delete(m, "iss") })), nil, kredensial.BadEncoding},
		{"status malformed", craft(t, stdHeader, withPayload(func(m map[string]any) {
			m["status"] = map[string]any{"status_list": map[string]any{"idx": -1, "uri": "x"}}
		})), nil, kredensial.BadEncoding},
		{"cnf without jwk", craft(t, stdHeader, withPayload(func(m map[string]any) { m["cnf"] = map[string]any{"kid": "x"} })), nil, kredensial.BadEncoding},
		{"cnf point not on curve", craft(t, stdHeader, withPayload(func(m map[string]any) {
			m["cnf"] = map[string]any{"jwk": map[string]any{"kty": "EC", "crv": "P-256", "x": b64.EncodeToString(make([]byte, 32)), "y": b64.EncodeToString(make([]byte, 32))}}
		})), nil, kredensial.BadEncoding},
		{"KB payload without sd_hash", stripKB(good) + sign(t, tk().holder, map[string]any{"alg": "ES256", "typ": KBTyp},
			map[string]any{"iat": now.Unix(), "aud": testAud, "nonce": testNonce}), nil, kredensial.BadEncoding},
		{"KB aud as array", stripKB(good) + sign(t, tk().holder, map[string]any{"alg": "ES256", "typ": KBTyp},
			map[string]any{"iat": now.Unix(), "aud": []string{testAud}, "nonce": testNonce, "sd_hash": digest(stripKB(good))}), nil, kredensial.BadEncoding},

		// Validity period.
		{"expired", good, func(o *VerifyOptions) { o.Now = expiry.Add(o.Skew + time.Second) }, kredensial.Expired},
		{"nbf in the future", craft(t, stdHeader, withPayload(func(m map[string]any) { m["nbf"] = now.Add(time.Hour).Unix() })), nil, kredensial.NotYetValid},
		{"iat in the future", craft(t, stdHeader, withPayload(func(m map[string]any) { m["iat"] = now.Add(time.Hour).Unix() })), nil, kredensial.NotYetValid},

		// Holder binding.
		{"KB missing but required", stripKB(good), nil, kredensial.WrongHolder},
		{"KB signed by another key (swapped device)", func() string {
			p, err := present(issued, DiscloseNames("nik"), &KeyBinding{Signer: tk().other, Aud: testAud, Nonce: testNonce, IAT: now}, false)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}(), nil, kredensial.WrongHolder},
		{"KB but no cnf", func() string {
			m := basePayload()
			delete(m, "cnf")
			return craft(t, stdHeader, m)
		}(), nil, kredensial.WrongHolder},
		{"KB wrong nonce", good, func(o *VerifyOptions) { o.Nonce = "another-nonce" }, kredensial.BadNonce},
		{"KB wrong aud", good, func(o *VerifyOptions) { o.Aud = "https://other-verifier.example" }, kredensial.BadNonce},
		{"KB too old", good, func(o *VerifyOptions) { o.Now = now.Add(o.MaxKBAge + time.Second) }, kredensial.StalePresentation},
		{"KB in the future", withKB(t, stripKB(good), tk().holder, testAud, testNonce, now.Add(2*time.Minute)), nil, kredensial.StalePresentation},
		{"KB default max age", withKB(t, stripKB(good), tk().holder, testAud, testNonce, now.Add(-DefaultMaxKBAge-time.Second)),
			func(o *VerifyOptions) { o.MaxKBAge = 0 }, kredensial.StalePresentation},
	}
	// Where several checks give one reason, the detail must name the one
	// the case is about.
	detailWant := map[string]string{
		"signature flipped":                                     "issuer signature",
		"payload tampered":                                      "issuer signature",
		"signed by another key with our kid":                    "issuer signature",
		"unreferenced Disclosure (forged value)":                "not referenced",
		"same Disclosure twice":                                 "twice",
		"Disclosure tampered":                                   "not referenced",
		"Disclosure overwrites a plain claim":                   "overwrite",
		"two Disclosures with one name":                         "overwrite",
		"digest twice in the payload":                           "more than once",
		"KB over fewer Disclosures (one dropped after signing)": "sd_hash",
		"KB over more Disclosures (one added after signing)":    "sd_hash",
		"KB signed by another key (swapped device)":             "not signed by the key in cnf",
		"KB wrong nonce":                                        "nonce",
		"KB wrong aud":                                          "aud",
		"typ vc+sd-jwt (legacy)":                                "typ",
		"alg HS256":                                             "alg",
	}
	seen := map[kredensial.Reason]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := opts()
			if c.mod != nil {
				c.mod(&o)
			}
			v, err := Verify(c.pres, o)
			if err == nil {
				t.Fatalf("accepted: %v", v.Claims)
			}
			t.Logf("%v", err)
			if got := reasonOf(err); got != c.want {
				t.Fatalf("reason %q (%v), want %q", got, err, c.want)
			}
			if d := detailWant[c.name]; d != "" && !strings.Contains(err.Error(), d) {
				t.Fatalf("error %q does not name the cause %q", err, d)
			}
			seen[c.want] = true
		})
	}
	for _, r := range []kredensial.Reason{kredensial.Unreadable, kredensial.Unsupported, kredensial.BadEncoding,
		kredensial.UnknownIssuer, kredensial.BadSignature, kredensial.BadDisclosure, kredensial.Expired,
		kredensial.NotYetValid, kredensial.StalePresentation, kredensial.WrongHolder, kredensial.BadNonce} {
		if !seen[r] {
			t.Errorf("no case covers %s", r)
		}
	}
}

func TestVerifyAccepts(t *testing.T) {
	good := presentKTP(t)
	cases := []struct {
		name string
		pres string
		mod  func(*VerifyOptions)
	}{
		{"exp within skew", good, func(o *VerifyOptions) { o.Now = expiry.Add(o.Skew); o.MaxKBAge = 400 * 24 * time.Hour }},
		{"any vct", good, func(o *VerifyOptions) { o.VCT = "" }},
		{"KB present but not required, no nonce expected", good, func(o *VerifyOptions) { o.RequireKB = false; o.Nonce = ""; o.Aud = "" }},
		{"KB iat within skew in the future", withKB(t, stripKB(good), tk().holder, testAud, testNonce, now.Add(30*time.Second)), nil},
		{"nbf within skew", craft(t, stdHeader, func() map[string]any {
			m := basePayload()
			m["nbf"] = now.Add(30 * time.Second).Unix()
			return m
		}()), nil},
		{"_sd_alg absent (defaults to sha-256)", craft(t, stdHeader, func() map[string]any {
			m := basePayload()
			delete(m, "_sd_alg")
			return m
		}()), nil},
		{"fractional NumericDate", craft(t, stdHeader, func() map[string]any {
			m := basePayload()
			m["exp"] = float64(expiry.Unix()) + 0.5
			return m
		}()), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := opts()
			if c.mod != nil {
				c.mod(&o)
			}
			if _, err := Verify(c.pres, o); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestVerifyMisuse(t *testing.T) {
	good := presentKTP(t)
	for name, o := range map[string]VerifyOptions{
		"no keys":                 {Now: now},
		"no now":                  {Keys: trust},
		"RequireKB without aud":   {Keys: trust, Now: now, RequireKB: true, Nonce: "n"},
		"RequireKB without nonce": {Keys: trust, Now: now, RequireKB: true, Aud: "a"},
	} {
		_, err := Verify(good, o)
		if err == nil || reasonOf(err) != "" {
			t.Errorf("%s: err %v, want a plain error", name, err)
		}
	}
	// A trusted key of the wrong kind is unsupported, not a crash.
	o := opts()
	o.Keys = func(string) (crypto.PublicKey, bool) { pub, _, _ := ed25519.GenerateKey(rand.Reader); return pub, true }
	if _, err := Verify(good, o); reasonOf(err) != kredensial.Unsupported {
		t.Errorf("Ed25519 trusted key: %v", err)
	}
}

func TestErrorMessages(t *testing.T) {
	o := opts()
	o.Nonce = "other"
	_, err := Verify(presentKTP(t), o)
	var ce *kredensial.Error
	if !errors.As(err, &ce) || ce.Reason.Message("en") == "" || !strings.Contains(ce.Detail, "nonce") {
		t.Errorf("error %v", err)
	}
}

func TestJWKRoundTrip(t *testing.T) {
	jwk, err := JWK(&tk().holder.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseJWK(jwk)
	if err != nil || !got.Equal(&tk().holder.PublicKey) {
		t.Fatalf("round trip: %v", err)
	}
	priv := maps.Clone(jwk)
	priv["d"] = "AAAA"
	if _, err := ParseJWK(priv); err == nil {
		t.Error("accepted a private JWK")
	}
	if _, err := ParseJWK("x"); err == nil {
		t.Error("accepted a string")
	}
	var _ *ecdsa.PublicKey = got
}

// TestRegisteredClaimsOnlySigned checks that status and cnf are read from
// the issuer-signed payload only: a member of either that only a Disclosure
// supplies (processing puts it in place in Claims) does not count.
func TestRegisteredClaimsOnlySigned(t *testing.T) {
	jwk, err := JWK(&tk().holder.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	idx := disc(t, "c2FsdA", "idx", 7)
	x := disc(t, "c2FsdDI", "x", jwk["x"])
	noX := maps.Clone(jwk)
	delete(noX, "x")
	for name, c := range map[string]struct {
		payload     func(m map[string]any)
		disclosures []string
		path        string
	}{
		"status_list idx disclosed": {func(m map[string]any) {
			m["status"] = map[string]any{"status_list": map[string]any{"uri": statusURI, "_sd": []string{digest(idx)}}}
		}, []string{idx}, "status.status_list.idx"},
		"cnf.jwk x disclosed": {func(m map[string]any) {
			noX["_sd"] = []string{digest(x)}
			m["cnf"] = map[string]any{"jwk": noX}
		}, []string{x}, "cnf.jwk.x"},
	} {
		t.Run(name, func(t *testing.T) {
			m := basePayload()
			c.payload(m)
			pres := craft(t, stdHeader, m, c.disclosures...)
			_, err := Verify(pres, opts())
			if reasonOf(err) != kredensial.BadEncoding {
				t.Fatalf("err %v, want bad_encoding", err)
			}
			// The same Disclosure is processed into Claims when the
			// registered claims are complete without it.
			delete(m, "status")
			m["cnf"] = map[string]any{"jwk": jwk}
			m["extra"] = map[string]any{"_sd": []string{digest(c.disclosures[0])}}
			v, err := Verify(craft(t, stdHeader, m, c.disclosures...), opts())
			if err != nil {
				t.Fatal(err)
			}
			if len(v.Disclosed) != 1 || v.Disclosed[0] != "extra."+c.path[strings.LastIndexByte(c.path, '.')+1:] {
				t.Errorf("disclosed %v", v.Disclosed)
			}
		})
	}
}
