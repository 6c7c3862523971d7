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
	"github.com/ikd-project/ikd/internal/kredensial/jws"
	"io"
	"strings"
	"sync"
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
		if !sdjwtChar[s[i]] {
			return false
		}
	}
	return true
}

// sdjwtChar marks the bytes base64URLOnly accepts.
var sdjwtChar = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~'
	}
	return t
}()

// scratch holds the buffers that one verification reuses for hashing,
// base64url and JSON decoding, so that none of them allocates per segment.
// Nothing a verification returns points into them.
type scratch struct {
	in, out []byte
	stack   []any    // jsonParser.stack
	keys    []string // jsonParser.keys
	der     [2 + 2*(2+33)]byte
}

// scratchPool keeps scratches between verifications.
var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// maxPooled is the largest buffer a scratch keeps when it is put back.
const maxPooled = 64 << 10

// newScratch returns a scratch sized for segments of an n-byte input. Give
// it back with put when done.
func newScratch(n int) *scratch {
	sc := scratchPool.Get().(*scratch)
	if cap(sc.in) < n {
		sc.in = make([]byte, 0, n)
	}
	if m := b64.DecodedLen(n); cap(sc.out) < m {
		sc.out = make([]byte, 0, m)
	}
	return sc
}

// put returns sc to the pool, unless it grew too large to keep.
func (sc *scratch) put() {
	if cap(sc.in) > maxPooled || cap(sc.out) > maxPooled || cap(sc.stack) > maxPooled || cap(sc.keys) > maxPooled {
		return
	}
	scratchPool.Put(sc)
}

// sum returns the SHA-256 of s.
func (sc *scratch) sum(s string) [sha256.Size]byte {
	sc.in = append(sc.in[:0], s...)
	return sha256.Sum256(sc.in)
}

// digest is digest(s) with sc's buffers.
func (sc *scratch) digest(s string) string {
	h := sc.sum(s)
	var enc [digestLen]byte
	b64.Encode(enc[:], h[:])
	return string(enc[:])
}

// digestLen is the length of a base64url SHA-256 digest.
const digestLen = (sha256.Size*8 + 5) / 6

// matchesDigest reports whether d is the base64url SHA-256 of s.
func (sc *scratch) matchesDigest(d, s string) bool {
	if len(d) != digestLen {
		return false
	}
	h := sc.sum(s)
	var enc [digestLen]byte
	b64.Encode(enc[:], h[:])
	return string(enc[:]) == d
}

// decode decodes the base64url (unpadded, strict) s.
func (sc *scratch) decode(s string) (string, error) {
	sc.in = append(sc.in[:0], s...)
	n := b64.DecodedLen(len(s))
	if cap(sc.out) < n {
		sc.out = make([]byte, n)
	}
	n, err := b64.Decode(sc.out[:n], sc.in)
	if err != nil {
		return "", err
	}
	return string(sc.out[:n]), nil
}

// sigLen is the length of a base64url ES256 signature (64 bytes, r || s).
const sigLen = (64*8 + 5) / 6

// checkES256 checks the base64url ES256 signature sig of the JWS signing
// input against key, which must be a P-256 key.
func (sc *scratch) checkES256(input, sig string, key *ecdsa.PublicKey) error {
	var raw [64]byte
	if key == nil || key.Curve != elliptic.P256() {
		return errors.New("the key is not ECDSA P-256")
	}
	if len(sig) != sigLen {
		return errors.New("the signature is not 64 bytes of base64url")
	}
	sc.in = append(sc.in[:0], sig...)
	if n, err := b64.Decode(raw[:], sc.in); err != nil || n != len(raw) {
		return errors.New("the signature is not 64 bytes of base64url")
	}
	h := sc.sum(input)
	if !verifyRaw(key, h[:], &raw, &sc.der) {
		return errors.New("the signature does not verify")
	}
	return nil
}

// verifyRaw checks the r || s signature sig of hash with
// ecdsa.VerifyASN1, encoding it to DER in buf rather than through big.Int
// as ecdsa.Verify does.
func verifyRaw(key *ecdsa.PublicKey, hash []byte, sig *[64]byte, buf *[2 + 2*(2+33)]byte) bool {
	r, s := bytes.TrimLeft(sig[:32], "\x00"), bytes.TrimLeft(sig[32:], "\x00")
	if len(r) == 0 || len(s) == 0 {
		return false // r and s must be positive
	}
	der := append(buf[:0], 0x30, 0)
	der = appendDERInt(der, r)
	der = appendDERInt(der, s)
	der[1] = byte(len(der) - 2)
	return ecdsa.VerifyASN1(key, hash, der)
}

// appendDERInt appends the DER INTEGER of the positive big-endian b, which
// has no leading zero byte.
func appendDERInt(der, b []byte) []byte {
	if b[0]&0x80 != 0 {
		der = append(der, 0x02, byte(len(b)+1), 0)
	} else {
		der = append(der, 0x02, byte(len(b)))
	}
	return append(der, b...)
}
