// Package jws signs and verifies compact JSON Web Signatures with ES256
// (RFC 7515, RFC 7518 §3.4), the one algorithm ikd accepts. Callers read
// and check the header themselves (alg, typ, kid, crit); this package only
// joins, signs and checks the signature, with no general JOSE library, so
// the offline verifier compiled to WebAssembly stays small.
package jws

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
)

// b64 is base64url without padding, strict: no stray characters.
var b64 = base64.RawURLEncoding.Strict()

// Sign returns the compact JWS header.payload.signature: header marshalled
// to JSON, payload as given, and an ES256 signature by s, which must hold a
// P-256 key (an *ecdsa.PrivateKey or an HSM's crypto.Signer).
func Sign(s crypto.Signer, rand io.Reader, header any, payload []byte) (string, error) {
	if s == nil {
		return "", errors.New("jws: nil signer")
	}
	if pub, ok := s.Public().(*ecdsa.PublicKey); !ok || pub.Curve != elliptic.P256() {
		return "", fmt.Errorf("jws: signer key is %T, want ECDSA P-256", s.Public())
	}
	hj, err := json.Marshal(header)
	if err != nil {
		return "", fmt.Errorf("jws: header: %w", err)
	}
	input := b64.EncodeToString(hj) + "." + b64.EncodeToString(payload)
	sum := sha256.Sum256([]byte(input))
	der, err := s.Sign(rand, sum[:], crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("jws: sign: %w", err)
	}
	raw, err := RawSignature(der)
	if err != nil {
		return "", err
	}
	return input + "." + b64.EncodeToString(raw), nil
}

// RawSignature converts an ASN.1 DER ECDSA P-256 signature to the 64-byte
// r||s form of JWS and COSE.
func RawSignature(der []byte) ([]byte, error) {
	var sig struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(der, &sig); err != nil || len(rest) != 0 || sig.R == nil || sig.S == nil ||
		sig.R.Sign() <= 0 || sig.S.Sign() <= 0 || sig.R.BitLen() > 256 || sig.S.BitLen() > 256 {
		return nil, errors.New("jws: the signer returned a malformed ECDSA signature")
	}
	raw := make([]byte, 64)
	sig.R.FillBytes(raw[:32])
	sig.S.FillBytes(raw[32:])
	return raw, nil
}

// Segments splits a compact JWS into its three base64url segments.
func Segments(compact string) (header, payload, signature string, err error) {
	parts := strings.Split(compact, ".")
	if len(parts) != 3 {
		return "", "", "", errors.New("jws: not three dot-separated segments")
	}
	return parts[0], parts[1], parts[2], nil
}

// Verify checks the ES256 signature of a compact JWS against key and
// returns the decoded payload. It does not read the header.
func Verify(compact string, key *ecdsa.PublicKey) ([]byte, error) {
	h, p, s, err := Segments(compact)
	if err != nil {
		return nil, err
	}
	sig, err := b64.DecodeString(s)
	if err != nil || len(sig) != 64 {
		return nil, errors.New("jws: the signature is not 64 bytes of base64url")
	}
	payload, err := b64.DecodeString(p)
	if err != nil {
		return nil, errors.New("jws: the payload is not base64url")
	}
	if key == nil || key.Curve != elliptic.P256() {
		return nil, errors.New("jws: the key is not ECDSA P-256")
	}
	sum := sha256.Sum256([]byte(h + "." + p))
	if !ecdsa.Verify(key, sum[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return nil, errors.New("jws: the signature does not verify")
	}
	return payload, nil
}

// DecodeJSON decodes exactly one JSON value from data (a JWS header or
// payload), keeping numbers as json.Number so that no claim loses
// precision, and refusing trailing data.
func DecodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after JSON value")
	}
	return nil
}
