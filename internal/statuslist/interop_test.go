package statuslist

import (
	"crypto"
	"crypto/ecdsa"
	"encoding/json"
	"github.com/ikd-project/ikd/internal/ikdtest/nodetest"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// publicJWK marshals a public key with go-jose, for node.
func publicJWK(t testing.TB, k *ecdsa.PublicKey) json.RawMessage {
	t.Helper()
	b, err := jose.JSONWebKey{Key: k}.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type jsVerifyOut struct {
	OK       bool           `json:"ok"`
	Header   map[string]any `json:"header"`
	Claims   map[string]any `json:"claims"`
	Bits     int            `json:"bits"`
	Size     int            `json:"size"`
	Statuses []int          `json:"statuses"`
	Error    string         `json:"error"`
}

// TestInteropGoToJS: a Go-signed status list token of 2,000,000 entries
// (1% revoked, some suspended) is verified by jose and decoded by
// @sd-jwt/jwt-status-list, which must read the same statuses.
func TestInteropGoToJS(t *testing.T) {
	nodetest.Dir(t)
	k, _ := keys()
	l, _ := New(2_000_000, 2)
	r := rand.New(rand.NewPCG(7, 7))
	var idx []int
	for range 20_000 {
		i := r.IntN(l.Len())
		_ = l.Set(i, Revoked)
		if len(idx) < 200 {
			idx = append(idx, i)
		}
	}
	for range 100 {
		i := r.IntN(l.Len())
		_ = l.Set(i, Suspended)
		idx = append(idx, i)
	}
	for range 100 {
		idx = append(idx, r.IntN(l.Len()))
	}
	idx = append(idx, 0, l.Len()-1)
	tok := Token{Subject: testURI, Issuer: "https://ikd.bengkulu.example.go.id", IssuedAt: tokenNow,
		Expiry: tokenNow.Add(24 * time.Hour), TTL: time.Hour, List: l}
	signed, err := SignToken(k, testKid, tok)
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]any{"token": signed, "jwk": publicJWK(t, &k.PublicKey), "currentDate": tokenNow.Add(time.Minute).Unix(), "indexes": idx}
	var out jsVerifyOut
	nodetest.Run(t, "statuslist-verify.mjs", in, &out)
	if !out.OK {
		t.Fatalf("jose / @sd-jwt/jwt-status-list rejected the token: %s", out.Error)
	}
	if out.Header["typ"] != TokenTyp || out.Header["kid"] != testKid || out.Bits != 2 || out.Size < l.Len() {
		t.Errorf("header %v bits %d size %d", out.Header, out.Bits, out.Size)
	}
	if out.Claims["sub"] != testURI || out.Claims["ttl"] != 3600.0 {
		t.Errorf("claims %v", out.Claims)
	}
	revoked, suspended := 0, 0
	for n, i := range idx {
		want, _ := l.Get(i)
		if out.Statuses[n] != int(want) {
			t.Errorf("entry %d: JS reads %d, Go wrote %d", i, out.Statuses[n], want)
		}
		switch want {
		case Revoked:
			revoked++
		case Suspended:
			suspended++
		}
	}
	if revoked == 0 || suspended == 0 {
		t.Fatalf("sample has %d revoked, %d suspended entries", revoked, suspended)
	}

	// An expired token and a tampered one are refused by jose.
	for name, c := range map[string]struct {
		token string
		at    time.Time
	}{
		"expired":  {signed, tokenNow.Add(25 * time.Hour)},
		"tampered": {signed[:len(signed)-4] + strings.Repeat("A", 4), tokenNow},
	} {
		in := map[string]any{"token": c.token, "jwk": publicJWK(t, &k.PublicKey), "currentDate": c.at.Unix(), "indexes": []int{0}}
		var out jsVerifyOut
		nodetest.Run(t, "statuslist-verify.mjs", in, &out)
		if out.OK {
			t.Errorf("%s token accepted by jose", name)
		}
	}
}

// TestInteropJSToGo: lists and tokens made by @sd-jwt/jwt-status-list and
// jose decode and verify in Go.
func TestInteropJSToGo(t *testing.T) {
	nodetest.Dir(t)
	for _, bits := range []int{1, 2, 4, 8} {
		r := rand.New(rand.NewPCG(uint64(bits), 9))
		size := 10_000
		set := map[int]int{}
		for range 150 {
			set[r.IntN(size)] = 1 + r.IntN(1<<bits-1)
		}
		var pairs [][2]int
		for i, s := range set {
			pairs = append(pairs, [2]int{i, s})
		}
		in := map[string]any{"size": size, "bits": bits, "set": pairs, "sub": testURI,
			"iat": tokenNow.Unix(), "exp": tokenNow.Add(time.Hour).Unix(), "ttl": 600, "kid": "js-1"}
		var out struct {
			Lst   string          `json:"lst"`
			Token string          `json:"token"`
			JWK   json.RawMessage `json:"jwk"`
		}
		nodetest.Run(t, "statuslist-create.mjs", in, &out)

		check := func(what string, l *List) {
			t.Helper()
			if l.Len() < size {
				t.Fatalf("bits %d %s: Len %d < %d", bits, what, l.Len(), size)
			}
			for i := range size {
				got, _ := l.Get(i)
				if int(got) != set[i] {
					t.Fatalf("bits %d %s: entry %d = %d, JS set %d", bits, what, i, got, set[i])
				}
			}
		}
		l, err := Decode(bits, out.Lst)
		if err != nil {
			t.Fatalf("bits %d: Decode of the JS lst: %v", bits, err)
		}
		check("lst", l)

		var jwk jose.JSONWebKey
		if err := jwk.UnmarshalJSON(out.JWK); err != nil {
			t.Fatal(err)
		}
		keys := func(kid string) (crypto.PublicKey, bool) { return jwk.Key, kid == "js-1" }
		tok, err := VerifyToken(out.Token, keys, tokenNow.Add(time.Minute), testURI)
		if err != nil {
			t.Fatalf("bits %d: VerifyToken of the jose-signed token: %v", bits, err)
		}
		check("token", tok.List)
		if tok.TTL != 10*time.Minute || !tok.Expiry.Equal(tokenNow.Add(time.Hour)) {
			t.Errorf("token %+v", tok)
		}
		if _, err := VerifyToken(out.Token, keys, tokenNow.Add(2*time.Hour), testURI); err == nil {
			t.Error("expired JS token accepted")
		}
	}
}
