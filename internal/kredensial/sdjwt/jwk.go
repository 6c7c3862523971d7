package sdjwt

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"errors"
	"fmt"
)

// JWK returns the public JWK (RFC 7517) of a P-256 key, as it goes into
// cnf.jwk: {"kty": "EC", "crv": "P-256", "x": ..., "y": ...}.
func JWK(pub crypto.PublicKey) (map[string]any, error) {
	k, ok := pub.(*ecdsa.PublicKey)
	if !ok || k.Curve != elliptic.P256() {
		return nil, fmt.Errorf("sdjwt: key is %T, want an ECDSA P-256 public key", pub)
	}
	raw, err := k.Bytes() // 0x04 || x || y
	if err != nil {
		return nil, fmt.Errorf("sdjwt: %w", err)
	}
	return map[string]any{
		"kty": "EC",
		"crv": "P-256",
		"x":   b64.EncodeToString(raw[1:33]),
		"y":   b64.EncodeToString(raw[33:65]),
	}, nil
}

// errUnsupportedKey marks a well-formed JWK of a kind ikd does not accept.
var errUnsupportedKey = errors.New("not an EC P-256 key")

// ParseJWK reads a public P-256 JWK (as decoded from JSON into a map) and
// checks that the point is on the curve. Private members ("d") are refused.
func ParseJWK(v any) (*ecdsa.PublicKey, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("JWK is not an object")
	}
	kty, _ := m["kty"].(string)
	crv, _ := m["crv"].(string)
	if kty != "EC" || crv != "P-256" {
		return nil, fmt.Errorf("%w: kty %q crv %q", errUnsupportedKey, kty, crv)
	}
	if _, ok := m["d"]; ok {
		return nil, errors.New("JWK holds a private key")
	}
	xs, ok1 := m["x"].(string)
	ys, ok2 := m["y"].(string)
	if !ok1 || !ok2 {
		return nil, errors.New("JWK x or y missing")
	}
	x, err1 := b64.DecodeString(xs)
	y, err2 := b64.DecodeString(ys)
	if err1 != nil || err2 != nil || len(x) != 32 || len(y) != 32 {
		return nil, errors.New("JWK x or y is not 32 base64url bytes")
	}
	pt := make([]byte, 0, 65)
	pt = append(pt, 4)
	pt = append(pt, x...)
	pt = append(pt, y...)
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), pt)
	if err != nil {
		return nil, fmt.Errorf("JWK point: %w", err)
	}
	return pub, nil
}
