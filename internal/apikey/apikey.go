// Package apikey makes the bearer secrets that machines and officers
// present to the API: 256 random bits behind a recognisable prefix, shown
// once and stored only as their SHA-256 hex.
package apikey

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// New returns a fresh secret, prefix followed by 256 random bits in
// base64url, and its Hash.
func New(prefix string) (key, hash string) {
	var b [32]byte
	rand.Read(b[:]) // never fails (crypto/rand panics rather)
	key = prefix + base64.RawURLEncoding.EncodeToString(b[:])
	return key, Hash(key)
}

// Hash returns the SHA-256 hex of a secret, the form the store keeps.
func Hash(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}
