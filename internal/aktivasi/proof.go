package aktivasi

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/kms"
	"github.com/ikd-project/ikd/internal/store"
)

// ProofType is the typ of an OpenID4VCI key proof JWT.
const ProofType = "openid4vci-proof+jwt"

// Proof windows: how old a proof may be, and how far in the future its iat
// may lie (clock skew of the phone).
const (
	ProofMaxAge = 5 * time.Minute
	ProofSkew   = 30 * time.Second
)

// Proof is a verified proof of possession of the device key.
type Proof struct {
	Key        *ecdsa.PublicKey
	Thumbprint string // RFC 7638, the device's identity in ikd
	Nonce      string // the c_nonce it signed; the caller consumes it
}

// ErrInvalidProof matches (errors.Is) every failure of VerifyProof, which
// are also errs.Invalid with a user-safe message: the credential endpoint's
// invalid_proof.
var ErrInvalidProof = errors.New("activation: invalid key proof")

type proofError struct{ err *errs.Error }

func (e *proofError) Error() string   { return e.err.Error() }
func (e *proofError) Unwrap() []error { return []error{ErrInvalidProof, e.err} }

func invalidProof(en, id string) error {
	return &proofError{errs.New(errs.Invalid, "bukti kunci perangkat tidak sah: "+id, "invalid key proof: "+en)}
}

// VerifyProof checks a key proof JWT: typ openid4vci-proof+jwt, ES256, the
// device's P-256 public key in the jwk header and its signature, aud equal
// to the issuer, a fresh iat and a nonce. It does not consume the nonce.
func VerifyProof(raw, issuer string, now time.Time) (Proof, error) {
	return verifyKeyJWT(raw, ProofType, issuer, now)
}

// DeviceRequestType is the typ of the JWT by which a bound wallet signs
// its own requests (package dompet): the same claims as a key proof, with
// aud the URL of the endpoint it calls.
const DeviceRequestType = "ikd-dompet+jwt"

// VerifyDeviceRequest checks a wallet's signed request as VerifyProof
// checks a key proof, with typ DeviceRequestType and aud the endpoint's
// URL. It does not consume the nonce (ConsumeNonce does) nor look the
// device up.
func VerifyDeviceRequest(raw, endpoint string, now time.Time) (Proof, error) {
	return verifyKeyJWT(raw, DeviceRequestType, endpoint, now)
}

// ConsumeNonce uses up a c_nonce from Nonce; ErrInvalidNonce when it is
// unknown, used or expired.
func (s *Service) ConsumeNonce(ctx context.Context, nonce string) error {
	if err := s.Store.ConsumeNonce(ctx, hashSecret(nonce), s.Now().UTC()); err != nil {
		if store.IsNotFound(err) {
			return ErrInvalidNonce
		}
		return fmt.Errorf("consume nonce: %w", err)
	}
	return nil
}

// verifyKeyJWT checks a JWT of type typ signed by the P-256 key in its jwk
// header, for audience aud, fresh at now, with a nonce.
func verifyKeyJWT(raw, typ, aud string, now time.Time) (Proof, error) {
	jws, err := jose.ParseSigned(raw, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil || len(jws.Signatures) != 1 {
		return Proof{}, invalidProof("not an ES256 JWS", "bukan JWS ES256")
	}
	h := jws.Signatures[0].Protected
	if got, _ := h.ExtraHeaders[jose.HeaderType].(string); got != typ {
		return Proof{}, invalidProof("typ must be "+typ, "typ harus "+typ)
	}
	if h.JSONWebKey == nil || !h.JSONWebKey.IsPublic() {
		return Proof{}, invalidProof("the jwk header must hold the device's public key", "header jwk harus berisi kunci publik perangkat")
	}
	pub, ok := h.JSONWebKey.Key.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return Proof{}, invalidProof("the device key must be P-256", "kunci perangkat harus P-256")
	}
	payload, err := jws.Verify(pub)
	if err != nil {
		return Proof{}, invalidProof("bad signature", "tanda tangan salah")
	}
	var c struct {
		Aud   json.RawMessage `json:"aud"`
		IAT   *int64          `json:"iat"`
		Nonce string          `json:"nonce"`
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return Proof{}, invalidProof("the payload is not JSON", "isi bukan JSON")
	}
	if !audience(c.Aud, aud) {
		return Proof{}, invalidProof("aud must be "+aud, "aud harus "+aud)
	}
	if c.IAT == nil {
		return Proof{}, invalidProof("iat is missing", "iat tidak ada")
	}
	iat := time.Unix(*c.IAT, 0)
	if iat.After(now.Add(ProofSkew)) || iat.Before(now.Add(-ProofMaxAge)) {
		return Proof{}, invalidProof("iat is not fresh", "iat tidak baru")
	}
	if c.Nonce == "" {
		return Proof{}, invalidProof("nonce is missing", "nonce tidak ada")
	}
	tp, err := kms.Thumbprint(pub)
	if err != nil {
		return Proof{}, invalidProof("bad device key", "kunci perangkat rusak")
	}
	return Proof{Key: pub, Thumbprint: tp, Nonce: c.Nonce}, nil
}

// audience reports whether aud (a string or an array of strings) names want.
func audience(aud json.RawMessage, want string) bool {
	var one string
	if json.Unmarshal(aud, &one) == nil {
		return one == want
	}
	var many []string
	if json.Unmarshal(aud, &many) == nil {
		for _, a := range many {
			if a == want {
				return true
			}
		}
	}
	return false
}
