package sdjwt

import (
	"crypto"
	cryptorand "crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// StatusRef points at a credential's entry in a Token Status List
// (draft-ietf-oauth-status-list): the claim status.status_list.{idx, uri}.
type StatusRef struct {
	Idx int    // index of the entry in the list
	URI string // URI of the status list token (its sub claim)
}

// Claims are the registered, always-visible claims of an issued SD-JWT VC.
type Claims struct {
	Issuer    string           // iss; required
	IssuedAt  time.Time        // iat; required
	NotBefore time.Time        // nbf; omitted when zero
	Expiry    time.Time        // exp; required, after IssuedAt
	VCT       string           // vct; required, e.g. VCTKTPDigital
	Holder    crypto.PublicKey // cnf.jwk: the holder's device key (*ecdsa.PublicKey, P-256); omitted when nil
	Status    *StatusRef       // status.status_list; omitted when nil
	// Plain holds further always-visible claims. Their names must not
	// clash with the registered claims or with the disclosable ones.
	Plain map[string]any
}

// Issue signs an SD-JWT VC and returns its issuance form:
// <issuer-signed JWT>~<Disclosure>~...~<Disclosure>~
//
// The JWS header is {"alg": "ES256", "typ": "dc+sd-jwt", "kid": kid}; the
// signer must hold a P-256 key (an *ecdsa.PrivateKey or an HSM's
// crypto.Signer). Every entry of sd becomes a Disclosure with a 128-bit salt
// read from rand (crypto/rand when nil). An entry whose value is a
// map[string]any is issued as a recursive Disclosure whose members are
// Disclosures too (see the package documentation); any other value must be
// JSON-encodable and is disclosed whole. Digests are sorted and padded with
// decoys to a multiple of DecoyBlock.
func Issue(signer crypto.Signer, kid string, c Claims, sd map[string]any, rand io.Reader) (string, error) {
	if rand == nil {
		rand = cryptorand.Reader
	}
	if _, err := checkSigner(signer); err != nil {
		return "", err
	}
	if kid == "" {
		return "", errors.New("sdjwt: empty kid")
	}
	if c.Issuer == "" || c.VCT == "" {
		return "", errors.New("sdjwt: iss and vct are required")
	}
	if c.IssuedAt.IsZero() || c.Expiry.IsZero() || !c.Expiry.After(c.IssuedAt) {
		return "", errors.New("sdjwt: iat and exp are required and exp must follow iat")
	}
	payload := map[string]any{
		"iss":     c.Issuer,
		"iat":     c.IssuedAt.Unix(),
		"exp":     c.Expiry.Unix(),
		"vct":     c.VCT,
		"_sd_alg": SDAlg,
	}
	if !c.NotBefore.IsZero() {
		payload["nbf"] = c.NotBefore.Unix()
	}
	if c.Holder != nil {
		jwk, err := JWK(c.Holder)
		if err != nil {
			return "", err
		}
		payload["cnf"] = map[string]any{"jwk": jwk}
	}
	if c.Status != nil {
		if c.Status.Idx < 0 || c.Status.URI == "" {
			return "", errors.New("sdjwt: status needs idx >= 0 and a uri")
		}
		payload["status"] = map[string]any{"status_list": map[string]any{"idx": c.Status.Idx, "uri": c.Status.URI}}
	}
	for k, v := range c.Plain {
		if reserved[k] {
			return "", fmt.Errorf("sdjwt: plain claim %q is reserved", k)
		}
		if err := checkValue(v, 0); err != nil {
			return "", fmt.Errorf("sdjwt: plain claim %q: %w", k, err)
		}
		if _, clash := sd[k]; clash {
			return "", fmt.Errorf("sdjwt: claim %q is both plain and disclosable", k)
		}
		payload[k] = v
	}

	var disclosures []string
	digests, err := discloseAll(sd, true, rand, &disclosures)
	if err != nil {
		return "", err
	}
	if len(digests) > 0 {
		payload["_sd"] = digests
	}
	body, err := marshal(payload)
	if err != nil {
		return "", fmt.Errorf("sdjwt: payload: %w", err)
	}
	jws, err := signJWS(signer, rand, jwsHeader{Alg: Alg, Typ: Typ, Kid: kid}, body)
	if err != nil {
		return "", err
	}
	var out strings.Builder
	out.WriteString(jws)
	out.WriteByte('~')
	for _, d := range disclosures {
		out.WriteString(d)
		out.WriteByte('~')
	}
	return out.String(), nil
}

// discloseAll makes a Disclosure of every claim in claims (in name order,
// appending their encodings to out) and returns the sorted digests padded
// with decoys. At the top level a map value becomes a recursive Disclosure.
func discloseAll(claims map[string]any, top bool, rand io.Reader, out *[]string) ([]string, error) {
	names := make([]string, 0, len(claims))
	for k := range claims {
		names = append(names, k)
	}
	slices.Sort(names)
	var digests []string
	for _, name := range names {
		if name == "" || name == "_sd" || name == "..." || (top && reserved[name]) {
			return nil, fmt.Errorf("sdjwt: claim name %q cannot be disclosable", name)
		}
		value := claims[name]
		if err := checkValue(value, 0); err != nil {
			return nil, fmt.Errorf("sdjwt: claim %q: %w", name, err)
		}
		var children []string
		if m, ok := value.(map[string]any); ok && top {
			sub, err := discloseAll(m, false, rand, &children)
			if err != nil {
				return nil, err
			}
			value = map[string]any{}
			if len(sub) > 0 {
				value = map[string]any{"_sd": sub}
			}
		}
		enc, err := newDisclosure(rand, name, value)
		if err != nil {
			return nil, err
		}
		digests = append(digests, digest(enc))
		*out = append(*out, enc)
		*out = append(*out, children...)
	}
	if len(digests) == 0 {
		return nil, nil
	}
	for len(digests)%DecoyBlock != 0 {
		d, err := decoy(rand)
		if err != nil {
			return nil, err
		}
		digests = append(digests, d)
	}
	slices.Sort(digests)
	return digests, nil
}

// checkValue refuses claim values that verifiers would read as SD-JWT
// structure: an object member named _sd or "...", at any depth.
func checkValue(v any, depth int) error {
	if depth > maxDepth {
		return errors.New("nested too deeply")
	}
	switch t := v.(type) {
	case map[string]any:
		for k, c := range t {
			if k == "_sd" || k == "..." {
				return fmt.Errorf("holds an object member named %q", k)
			}
			if err := checkValue(c, depth+1); err != nil {
				return err
			}
		}
	case []any:
		for _, c := range t {
			if err := checkValue(c, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// newDisclosure encodes [salt, name, value] with a fresh 128-bit salt.
func newDisclosure(rand io.Reader, name string, value any) (string, error) {
	salt := make([]byte, 16)
	if _, err := io.ReadFull(rand, salt); err != nil {
		return "", fmt.Errorf("sdjwt: salt: %w", err)
	}
	raw, err := marshal([]any{b64.EncodeToString(salt), name, value})
	if err != nil {
		return "", fmt.Errorf("sdjwt: claim %q: %w", name, err)
	}
	return b64.EncodeToString(raw), nil
}

// decoy returns a decoy digest: the hash of 128 random bits, which no
// Disclosure can match.
func decoy(rand io.Reader) (string, error) {
	r := make([]byte, 16)
	if _, err := io.ReadFull(rand, r); err != nil {
		return "", fmt.Errorf("sdjwt: decoy: %w", err)
	}
	h := sha256.Sum256(r)
	return b64.EncodeToString(h[:]), nil
}
