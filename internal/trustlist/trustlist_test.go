package trustlist_test

import (
	"crypto"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/kredensial"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
	"github.com/ikd-project/ikd/internal/trustlist"
	"github.com/ikd-project/ikd/internal/verify/verifytest"
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func reason(err error) kredensial.Reason {
	if ce, ok := err.(*kredensial.Error); ok {
		return ce.Reason
	}
	return ""
}

func TestRoundTrip(t *testing.T) {
	f := verifytest.New(t, now)
	old, oldID := verifytest.NewKey(t)
	until := now.Add(time.Hour)
	jws := f.TrustList(trustlist.Key{ID: oldID, Public: &old.PublicKey, VerifyUntil: until})
	hdr, _ := base64.RawURLEncoding.DecodeString(strings.Split(jws, ".")[0])
	if !strings.Contains(string(hdr), `"typ":"ikd-trust-list+jwt"`) || !strings.Contains(string(hdr), f.KID) {
		t.Errorf("header %s", hdr)
	}
	l, err := trustlist.Parse(jws, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if l.Issuer != verifytest.Issuer || !l.IssuedAt.Equal(now.Add(-time.Hour)) || !l.ValidUntil.Equal(now.Add(24*time.Hour)) ||
		len(l.IssuerKeys) != 2 || !l.IssuerKeys[1].VerifyUntil.Equal(until) || l.SignedBy != f.KID {
		t.Fatalf("%+v", l)
	}
	if tok, ok := l.StatusToken(verifytest.StatusURI); !ok || tok == "" {
		t.Error("no embedded status token")
	}
	ks := l.Keys(now)
	if k, ok := ks.ByKID(f.KID); !ok || !k.(crypto.PublicKey).(interface{ Equal(crypto.PublicKey) bool }).Equal(&f.Key.PublicKey) {
		t.Error("ByKID")
	}
	short, _ := qrcred.KeyID(&old.PublicKey)
	if _, ok := ks.ByShortKID(short); !ok {
		t.Error("ByShortKID before verify_until")
	}
	if _, ok := l.Keys(until.Add(time.Second)).ByShortKID(short); ok {
		t.Error("retired key returned after verify_until")
	}
	if _, ok := l.Keys(until.Add(time.Second)).ByKID(oldID); ok {
		t.Error("retired key returned after verify_until")
	}
	if _, ok := ks.ByShortKID(short[:7]); ok {
		t.Error("short prefix accepted")
	}
	if d, stale := l.Stale(now); stale || d != 0 {
		t.Error("fresh list stale")
	}
	if d, stale := l.Stale(now.Add(26 * time.Hour)); !stale || d != 2*time.Hour {
		t.Errorf("stale %v %v", d, stale)
	}
	// past valid_until Parse still returns it
	if _, err := trustlist.Parse(jws, now.Add(1000*time.Hour), nil); err != nil {
		t.Error(err)
	}
}

func TestPinned(t *testing.T) {
	f := verifytest.New(t, now)
	jws := f.TrustList()
	pin := func(kid string) (crypto.PublicKey, bool) { return &f.Key.PublicKey, kid == f.KID }
	if _, err := trustlist.Parse(jws, now, pin); err != nil {
		t.Fatal(err)
	}
	g := verifytest.New(t, now)
	other := func(kid string) (crypto.PublicKey, bool) { return &g.Key.PublicKey, kid == g.KID }
	if _, err := trustlist.Parse(jws, now, other); reason(err) != kredensial.UnknownIssuer {
		t.Fatalf("unpinned signer: %v", err)
	}
	liar := func(kid string) (crypto.PublicKey, bool) { return &g.Key.PublicKey, true }
	if _, err := trustlist.Parse(jws, now, liar); reason(err) != kredensial.UnknownIssuer {
		t.Fatalf("pinned kid with another key: %v", err)
	}
}

func TestParseRejects(t *testing.T) {
	f := verifytest.New(t, now)
	jws := f.TrustList()
	parts := strings.Split(jws, ".")
	g := verifytest.New(t, now)
	// g's list with f's payload: signature by the wrong key
	gparts := strings.Split(g.TrustList(), ".")
	sig := []byte(parts[2])
	if sig[5] == 'A' {
		sig[5] = 'B'
	} else {
		sig[5] = 'A'
	}
	// signer not in the list: sign with g's key a list holding only f's key
	_, err := trustlist.Sign(g.Key, g.KID, trustlist.List{IssuedAt: now, ValidUntil: now.Add(time.Hour),
		IssuerKeys: []trustlist.Key{{ID: f.KID, Public: &f.Key.PublicKey}}})
	if err == nil {
		t.Error("Sign with a key not in the list")
	}
	enc := base64.RawURLEncoding.EncodeToString
	for _, c := range []struct {
		name, jws string
		want      kredensial.Reason
	}{
		{"not a jws", "hello", kredensial.BadEncoding},
		{"bad base64", "a.b.!", kredensial.BadEncoding},
		{"tampered signature", parts[0] + "." + parts[1] + "." + string(sig), kredensial.BadSignature},
		{"other header, kid not in list", gparts[0] + "." + parts[1] + "." + gparts[2], kredensial.UnknownIssuer},
		{"alg none", enc([]byte(`{"alg":"none","typ":"ikd-trust-list+jwt"}`)) + "." + parts[1] + ".", kredensial.Unsupported},
		{"wrong typ", enc([]byte(`{"alg":"ES256","typ":"JWT","kid":"x"}`)) + "." + parts[1] + "." + parts[2], kredensial.Unsupported},
		{"bad payload", parts[0] + "." + enc([]byte(`{"iat":"x"}`)) + "." + parts[2], kredensial.BadEncoding},
		{"kid not thumbprint", parts[0] + "." + enc([]byte(`{"iat":1,"valid_until":2,"keys":[{"kty":"EC","crv":"P-256","x":"`+
			enc(make([]byte, 32))+`","y":"`+enc(make([]byte, 32))+`","kid":"x"}]}`)) + "." + parts[2], kredensial.BadEncoding},
	} {
		if _, err := trustlist.Parse(c.jws, now, nil); reason(err) != c.want {
			t.Errorf("%s: %v, want %s", c.name, err, c.want)
		}
	}
}

func TestParseFromTheFuture(t *testing.T) {
	f := verifytest.New(t, now)
	jws := f.TrustList() // issued an hour before now
	if _, err := trustlist.Parse(jws, now.Add(-2*time.Hour), nil); reason(err) != kredensial.NotYetValid {
		t.Fatalf("list issued after now: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	fx := verifytest.New(f, now)
	f.Add(fx.TrustList())
	f.Add("a.b.c")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		l, err := trustlist.Parse(s, now, nil)
		if err == nil {
			l.Keys(now).ByKID("x")
			l.Keys(now).ByShortKID([]byte("12345678"))
			l.Stale(now)
		} else if reason(err) == "" {
			t.Fatalf("not a kredensial.Error: %v", err)
		}
	})
}
