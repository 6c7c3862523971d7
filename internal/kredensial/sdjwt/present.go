package sdjwt

import (
	"crypto"
	"crypto/ecdsa"
	cryptorand "crypto/rand"
	"errors"
	"fmt"
	"github.com/ikd-project/ikd/internal/kredensial/jws"
	"strings"
	"time"
)

// KeyBinding is what the holder signs into the Key Binding JWT.
type KeyBinding struct {
	Signer crypto.Signer // the device key; its public key must be the one in cnf.jwk
	Aud    string        // the verifier (its client or origin identifier)
	Nonce  string        // the verifier's fresh nonce
	IAT    time.Time     // the signing time (the package reads no clock)
}

// Present turns an issued SD-JWT (as Issue returns it) into a presentation
// holding only the Disclosures for which disclose returns true, in their
// issued order. disclose is asked for each Disclosure's path ("nik",
// "alamat.kab_kota"); when a nested claim is chosen, the Disclosure of the
// object that holds it is included too. [DiscloseNames] builds disclose
// from a list.
//
// With kb nil the presentation ends with '~' and has no Key Binding JWT.
// Otherwise a KB-JWT ({"typ": "kb+jwt", "alg": "ES256"}; iat, aud, nonce
// and sd_hash over everything up to the last '~') is appended, signed by
// kb.Signer, which must hold the key the credential binds in cnf.jwk.
//
// Present does not check the issuer's signature; it checks that every
// Disclosure decodes and is referenced.
func Present(issued string, disclose func(path string) bool, kb *KeyBinding) (string, error) {
	return present(issued, disclose, kb, true)
}

// DiscloseNames returns a disclose function for Present that chooses the
// given paths and everything beneath them: "alamat" chooses the address
// object and all its members, "alamat.kab_kota" only that member.
func DiscloseNames(paths ...string) func(string) bool {
	return func(p string) bool {
		for _, want := range paths {
			if p == want || strings.HasPrefix(p, want+".") || strings.HasPrefix(p, want+"[") {
				return true
			}
		}
		return false
	}
}

// Paths lists, in issued order, the path of every Disclosure in an issued
// SD-JWT: what a wallet can offer the resident to choose from.
func Paths(issued string) ([]string, error) {
	_, list, err := decodeIssued(issued)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(list))
	for i, d := range list {
		out[i] = d.path
	}
	return out, nil
}

// decodeIssued parses an issuance and places every Disclosure in the tree.
func decodeIssued(issued string) (parts, []*disclosure, error) {
	p, cerr := split(issued)
	if cerr != nil {
		return parts{}, nil, fmt.Errorf("sdjwt: %w", cerr)
	}
	if p.kb != "" {
		return parts{}, nil, errors.New("sdjwt: input already holds a Key Binding JWT")
	}
	_, pseg, _, ok := splitJWS(p.jws)
	if !ok {
		return parts{}, nil, errors.New("sdjwt: issuer-signed JWT is not a compact JWS")
	}
	body, err := b64.DecodeString(pseg)
	if err != nil {
		return parts{}, nil, fmt.Errorf("sdjwt: payload: %w", err)
	}
	var payload map[string]any
	if err := jws.DecodeJSON(body, &payload); err != nil || payload == nil {
		return parts{}, nil, errors.New("sdjwt: payload is not a JSON object")
	}
	byDigest, list, cerr := decodeAll(payload, p.disclosures)
	if cerr != nil {
		return parts{}, nil, fmt.Errorf("sdjwt: %w", cerr)
	}
	if _, _, cerr := process(payload, byDigest, list); cerr != nil {
		return parts{}, nil, fmt.Errorf("sdjwt: %w", cerr)
	}
	return p, list, nil
}

// present is Present; checkHolder false lets tests sign the KB-JWT with a
// key other than the bound one.
func present(issued string, disclose func(string) bool, kb *KeyBinding, checkHolder bool) (string, error) {
	if disclose == nil {
		disclose = func(string) bool { return false }
	}
	p, list, err := decodeIssued(issued)
	if err != nil {
		return "", err
	}
	keep := map[*disclosure]bool{}
	for _, d := range list {
		if disclose(d.path) {
			for a := d; a != nil && !keep[a]; a = a.parent {
				keep[a] = true
			}
		}
	}
	var b strings.Builder
	b.WriteString(p.jws)
	b.WriteByte('~')
	for _, d := range list {
		if keep[d] {
			b.WriteString(d.enc)
			b.WriteByte('~')
		}
	}
	prefix := b.String()
	if kb == nil {
		return prefix, nil
	}
	if kb.Aud == "" || kb.Nonce == "" || kb.IAT.IsZero() {
		return "", errors.New("sdjwt: KeyBinding needs Aud, Nonce and IAT")
	}
	signerKey, err := checkSigner(kb.Signer)
	if err != nil {
		return "", err
	}
	if checkHolder {
		bound, err := boundKey(p.jws)
		if err != nil {
			return "", err
		}
		if !bound.Equal(signerKey) {
			return "", errors.New("sdjwt: the KeyBinding signer is not the key bound in cnf.jwk")
		}
	}
	body, err := marshal(struct {
		IAT    int64  `json:"iat"`
		Aud    string `json:"aud"`
		Nonce  string `json:"nonce"`
		SDHash string `json:"sd_hash"`
	}{kb.IAT.Unix(), kb.Aud, kb.Nonce, digest(prefix)})
	if err != nil {
		return "", err
	}
	jwt, err := signJWS(kb.Signer, cryptorand.Reader, jwsHeader{Alg: Alg, Typ: KBTyp}, body)
	if err != nil {
		return "", err
	}
	return prefix + jwt, nil
}

// boundKey reads cnf.jwk from the (unverified) issuer-signed JWT.
func boundKey(compact string) (*ecdsa.PublicKey, error) {
	_, pseg, _, _ := splitJWS(compact)
	body, err := b64.DecodeString(pseg)
	if err != nil {
		return nil, err
	}
	var payload struct {
		Cnf struct {
			JWK map[string]any `json:"jwk"`
		} `json:"cnf"`
	}
	if err := jws.DecodeJSON(body, &payload); err != nil {
		return nil, fmt.Errorf("sdjwt: payload: %w", err)
	}
	if payload.Cnf.JWK == nil {
		return nil, errors.New("sdjwt: the credential binds no holder key (cnf.jwk)")
	}
	k, err := ParseJWK(payload.Cnf.JWK)
	if err != nil {
		return nil, fmt.Errorf("sdjwt: cnf.jwk: %w", err)
	}
	return k, nil
}
