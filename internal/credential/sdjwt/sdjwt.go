package sdjwt

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/ikd-project/ikd/internal/credential/jws"
	"io"
	"strings"
)

// Header and claim values ikd writes and requires.
const (
	// Typ is the JOSE typ of an issued SD-JWT VC.
	Typ = "dc+sd-jwt"
	// LegacyTyp is the SD-JWT VC typ of older drafts. Verify rejects it.
	LegacyTyp = "vc+sd-jwt"
	// KBTyp is the JOSE typ of a Key Binding JWT.
	KBTyp = "kb+jwt"
	// Alg is the only JWS algorithm ikd signs or accepts.
	Alg = "ES256"
	// SDAlg is the only _sd_alg ikd writes or accepts.
	SDAlg = "sha-256"
	// DecoyBlock is what every _sd array is padded to a multiple of with
	// decoy digests.
	DecoyBlock = 8
	// MaxLength is the longest presentation Verify reads (256 KiB).
	MaxLength = 256 << 10
)

// Reserved claim names: set by Issue from Claims, never selectively
// disclosable, and read by Verify only from the issuer-signed payload.
var reserved = map[string]bool{
	"iss": true, "iat": true, "nbf": true, "exp": true, "vct": true,
	"cnf": true, "status": true, "_sd": true, "_sd_alg": true, "...": true,
}

var b64 = base64.RawURLEncoding.Strict()

// digest is the base64url SHA-256 of s, as RFC 9901 computes a
// Disclosure's digest and the KB-JWT's sd_hash.
func digest(s string) string {
	h := sha256.Sum256([]byte(s))
	return b64.EncodeToString(h[:])
}

// marshal encodes v as compact JSON without HTML escaping.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// jwsHeader is the protected header ikd writes.
type jwsHeader struct {
	Alg string `json:"alg"`
	Typ string `json:"typ"`
	Kid string `json:"kid,omitempty"`
}

// checkSigner returns the signer's P-256 public key, or an error when the
// signer holds anything else.
func checkSigner(s crypto.Signer) (*ecdsa.PublicKey, error) {
	if s == nil {
		return nil, errors.New("sdjwt: nil signer")
	}
	pub, ok := s.Public().(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return nil, fmt.Errorf("sdjwt: signer key is %T, want an ECDSA P-256 key", s.Public())
	}
	return pub, nil
}

// signJWS returns the compact ES256 JWS of payload with the given header,
// signed by s (any crypto.Signer holding a P-256 key, such as an HSM).
func signJWS(s crypto.Signer, rand io.Reader, h jwsHeader, payload []byte) (string, error) {
	if _, err := checkSigner(s); err != nil {
		return "", err
	}
	out, err := jws.Sign(s, rand, h, payload)
	if err != nil {
		return "", fmt.Errorf("sdjwt: %w", err)
	}
	return out, nil
}

// splitJWS splits a compact JWS into its three segments. The signature may
// be empty (alg "none"), so that the header check can name the problem.
func splitJWS(s string) (header, payload, sig string, ok bool) {
	header, rest, ok1 := strings.Cut(s, ".")
	payload, sig, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || strings.Contains(sig, ".") || header == "" || payload == "" {
		return "", "", "", false
	}
	return header, payload, sig, true
}

// base64URLOnly reports whether s holds only base64url characters and the
// separators of an SD-JWT ('.' and '~').
func base64URLOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '~':
		default:
			return false
		}
	}
	return true
}
