package qrcred

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/kredensial"
)

// Prefix starts every ikd QR presentation of this version. The digit is
// the format version: other versions are recognised and refused as
// unsupported. Version 2 carries the resident claims under integer labels
// (the private claim-key table, see the package documentation); version
// 1 had text keys.
const Prefix = "IKD1:"

// MaxNonceSize caps the verifier nonce a presentation may carry.
const MaxNonceSize = 64

// maxText is the most a QR code can hold in alphanumeric mode (version 40,
// level L). Longer text cannot have come from a QR code.
const maxText = 4296

// Present wraps an issuer CWT in a presentation signed by the holder's
// device key at time at, with the verifier's nonce when it gave one, and
// returns it as Prefix + base45, ready for a QR code in alphanumeric mode.
// device must be the key the CWT's cnf names; the issuer signature is not
// checked here (ParseIssued does that).
func Present(issuerCWT []byte, device crypto.Signer, at time.Time, nonce []byte) (string, error) {
	if device == nil {
		return "", errors.New("qrcred: present: nil device signer")
	}
	if len(nonce) > MaxNonceSize {
		return "", fmt.Errorf("qrcred: present: nonce of %d bytes, at most %d", len(nonce), MaxNonceSize)
	}
	if !inDateRange(at) {
		return "", fmt.Errorf("qrcred: present: time %v out of range", at)
	}
	msg, err := decodeSign1(issuerCWT, "issuer")
	if err != nil {
		return "", fmt.Errorf("qrcred: present: %w", err)
	}
	cred, err := credentialOf(msg.payload)
	if err != nil {
		return "", fmt.Errorf("qrcred: present: %w", err)
	}
	if cred.Printed || cred.DeviceKey == nil {
		return "", errors.New("qrcred: present: a printed card is shown as it is (PrintedText), with no device signature")
	}
	if pub, ok := device.Public().(*ecdsa.PublicKey); !ok || !pub.Equal(cred.DeviceKey) {
		return "", errors.New("qrcred: present: the device key is not the one the credential's cnf names")
	}
	return present(issuerCWT, device, at, nonce)
}

// present signs without checking that device matches cnf (tests use it to
// make wrong-holder presentations).
func present(issuerCWT []byte, device crypto.Signer, at time.Time, nonce []byte) (string, error) {
	p := presentation{Credential: issuerCWT, SignedAt: dateOf(at)}
	if len(nonce) > 0 {
		p.Nonce = nonce
	}
	payload, err := encMode.Marshal(&p)
	if err != nil {
		return "", fmt.Errorf("qrcred: present: %w", err)
	}
	signed, err := sign1(device, nil, payload)
	if err != nil {
		return "", fmt.Errorf("qrcred: present: %w", err)
	}
	return Prefix + string(base45Encode(signed)), nil
}

// decodeText strips the prefix and base45-decodes the rest.
func decodeText(text string) ([]byte, error) {
	// Some scanners end what they read with a line break; base45 has none.
	text = strings.TrimRight(text, "\r\n")
	if !strings.HasPrefix(text, Prefix) {
		if v, ok := versionPrefix(text); ok {
			return nil, kredensial.Fail(kredensial.Unsupported, "format version %q; this verifier reads %s", v, Prefix)
		}
		return nil, kredensial.Fail(kredensial.Unreadable, "does not start with %s", Prefix)
	}
	body := text[len(Prefix):]
	if len(text) > maxText {
		return nil, kredensial.Fail(kredensial.BadEncoding, "%d characters, more than a QR code holds", len(text))
	}
	if body == "" {
		return nil, kredensial.Fail(kredensial.BadEncoding, "nothing after %s", Prefix)
	}
	raw, err := base45Decode(body)
	if err != nil {
		return nil, kredensial.Fail(kredensial.BadEncoding, "%v", err)
	}
	return raw, nil
}

// versionPrefix recognises "IKD<digits>:" and returns the version prefix.
func versionPrefix(text string) (string, bool) {
	if !strings.HasPrefix(text, "IKD") {
		return "", false
	}
	i := 3
	for i < len(text) && i < 12 && text[i] >= '0' && text[i] <= '9' {
		i++
	}
	if i == 3 || i >= len(text) || text[i] != ':' {
		return "", false
	}
	return text[:i+1], true
}

// KeyID returns the key ID ikd puts in an issuer CWT's kid for pub: the
// first 8 bytes of its RFC 7638 JWK thumbprint (the one package kms names
// keys by), as EU DCC shortens certificate hashes to 8 bytes. It keeps the
// QR code small; 64 bits are plenty to tell a province's keys apart.
func KeyID(pub *ecdsa.PublicKey) ([]byte, error) {
	if !isP256(pub) {
		return nil, errors.New("qrcred: KeyID: not a P-256 key")
	}
	b, err := pub.Bytes()
	if err != nil {
		return nil, fmt.Errorf("qrcred: KeyID: %w", err)
	}
	enc := base64.RawURLEncoding
	sum := sha256.Sum256([]byte(`{"crv":"P-256","kty":"EC","x":"` + enc.EncodeToString(b[1:33]) +
		`","y":"` + enc.EncodeToString(b[33:65]) + `"}`))
	return sum[:8], nil
}

// KeyIDFromThumbprint returns the kid for a key named by its base64url
// RFC 7638 thumbprint (kms.Key.ID).
func KeyIDFromThumbprint(thumbprint string) ([]byte, error) {
	sum, err := base64.RawURLEncoding.DecodeString(thumbprint)
	if err != nil || len(sum) != sha256.Size {
		return nil, fmt.Errorf("qrcred: %q is not a base64url SHA-256 thumbprint", thumbprint)
	}
	return sum[:8], nil
}

// KeysByID returns a KeyFunc over a fixed set of public keys, each found
// under its KeyID.
func KeysByID(pubs ...*ecdsa.PublicKey) (KeyFunc, error) {
	type entry struct {
		kid []byte
		pub *ecdsa.PublicKey
	}
	var es []entry
	for _, p := range pubs {
		kid, err := KeyID(p)
		if err != nil {
			return nil, err
		}
		es = append(es, entry{kid, p})
	}
	return func(kid []byte) (crypto.PublicKey, bool) {
		for _, e := range es {
			if bytes.Equal(e.kid, kid) {
				return e.pub, true
			}
		}
		return nil, false
	}, nil
}

func isP256(pub *ecdsa.PublicKey) bool { return pub != nil && pub.Curve == elliptic.P256() }
