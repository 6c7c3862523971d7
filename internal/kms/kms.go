// Package kms keeps the province's issuer keys: ES256 (P-256) keys that sign
// credentials and status lists. Callers get a crypto.Signer and never touch
// key material, so a hardware security module can replace the file store
// later without changing them.
//
// The file store keeps one PEM file per key (mode 0600), optionally
// encrypted with a passphrase (argon2id + AES-256-GCM), and a keys.json that
// records each key's state. Exactly one key is active and signs; a rotation
// makes a new active key and retires the old one, which keeps verifying
// until the last credential it signed has expired; withdrawing a key stops
// it verifying at once (for a compromised key).
package kms

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"
)

// State is where a key is in its life.
type State string

// Key states.
const (
	Active    State = "active"    // signs new credentials
	Retired   State = "retired"   // signs nothing; verifies until VerifyUntil
	Withdrawn State = "withdrawn" // verifies nothing (compromised or obsolete)
)

// Key is one issuer key.
type Key struct {
	ID      string // RFC 7638 JWK thumbprint, base64url
	State   State
	Created time.Time
	Retired time.Time // when it stopped signing; zero while active
	// VerifyUntil is the end of the verification window of a retired key:
	// the last expiry of what it signed. Zero while active.
	VerifyUntil time.Time
	Public      *ecdsa.PublicKey
	signer      crypto.Signer
}

// Signer returns the key's signer. It is nil for a key that is not active.
func (k Key) Signer() crypto.Signer {
	if k.State != Active {
		return nil
	}
	return k.signer
}

// Verifies reports whether signatures by k are accepted at t.
func (k Key) Verifies(t time.Time) bool {
	switch k.State {
	case Active:
		return true
	case Retired:
		return t.Before(k.VerifyUntil)
	}
	return false
}

// ErrNoKey means no key has that ID.
var ErrNoKey = errors.New("kms: no such key")

// Thumbprint returns the RFC 7638 JWK thumbprint of a P-256 public key,
// which ikd uses as the key ID.
func Thumbprint(pub *ecdsa.PublicKey) (string, error) {
	b, err := pub.Bytes() // uncompressed point 0x04 || X || Y
	if err != nil {
		return "", fmt.Errorf("encode public key: %w", err)
	}
	enc := base64.RawURLEncoding
	x, y := enc.EncodeToString(b[1:33]), enc.EncodeToString(b[33:65])
	sum := sha256.Sum256([]byte(`{"crv":"P-256","kty":"EC","x":"` + x + `","y":"` + y + `"}`))
	return enc.EncodeToString(sum[:]), nil
}
