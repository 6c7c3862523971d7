package statuslist_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/ikd-project/ikd/internal/statuslist"
)

// The draft's 2-bit example, decoded.
func ExampleDecode() {
	l, err := statuslist.Decode(2, "eNo76fITAAPfAgc")
	if err != nil {
		panic(err)
	}
	for i := range 4 {
		s, _ := l.Get(i)
		fmt.Println(i, s)
	}
	fmt.Printf("% x\n", l.Bytes())
	// Output:
	// 0 INVALID
	// 1 SUSPENDED
	// 2 VALID
	// 3 0x03
	// c9 44 f9
}

// The issuer revokes a credential and publishes a new token; a verifier
// checks the credential's entry.
func ExampleVerifyToken() {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	uri := "https://ikd.bengkulu.example.go.id/status/1"
	now := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)

	list, _ := statuslist.New(100_000, 2)
	_ = list.Set(4711, statuslist.Revoked)
	token, err := statuslist.SignToken(key, "status-2026-1", statuslist.Token{
		Subject: uri, IssuedAt: now, Expiry: now.Add(24 * time.Hour), TTL: time.Hour, List: list,
	})
	if err != nil {
		panic(err)
	}

	keys := func(kid string) (crypto.PublicKey, bool) { return &key.PublicKey, kid == "status-2026-1" }
	tok, err := statuslist.VerifyToken(token, keys, now.Add(10*time.Minute), uri)
	if err != nil {
		panic(err)
	}
	fmt.Println(tok.List.Check(4711))
	fmt.Println(tok.List.Check(4712))
	fmt.Println("refresh after", tok.FreshUntil().Format(time.RFC3339))

	// Two days later the cached copy is stale.
	_, err = statuslist.VerifyToken(token, keys, now.Add(48*time.Hour), uri)
	fmt.Println(err)
	// Output:
	// revoked: status list entry 4711 is INVALID
	// <nil>
	// refresh after 2026-04-01T09:00:00Z
	// trust_list_stale: status list token expired at 2026-04-02T08:00:00Z, 24h0m0s ago
}
