// Package trustlist is the signed trust list an offline verifier caches:
// the province's issuer public keys and its current status list tokens, in
// one JWS that a verifier downloads when it has a network and uses when it
// has none.
//
// # Format
//
// A JWS compact serialization, ES256 on P-256, header
// {"alg": "ES256", "typ": "ikd-trust-list+jwt", "kid": <signing key ID>},
// payload:
//
//	{
//	  "iss": "https://ikd.bengkuluprov.go.id",
//	  "iat": 1795000000,            // unix seconds
//	  "valid_until": 1795086400,    // unix seconds; past it the list is stale
//	  "keys": [ {"kty": "EC", "crv": "P-256", "x": …, "y": …,
//	             "kid": <kms key ID: RFC 7638 thumbprint, base64url>,
//	             "verify_until": 1800000000 /* retired keys only */ } ],
//	  "status_lists": [ {"uri": …, "token": <statuslist+jwt>} ]
//	}
//
// Withdrawn keys are left out; a retired key carries verify_until, after
// which KeySet no longer returns it.
//
// # Root of trust
//
// The list is self-signed: Parse checks the signature with the key the
// header's kid names among the list's own keys. That proves only that the
// list is internally consistent. A verifier must pin the province's root of
// trust separately, by passing Pinned to Parse (keys it got out of band:
// compiled in, configured by the operator, or the previous list's keys);
// the signing key must then be pinned too. Parse without Pinned is for
// tests and for a first download the operator checks by other means.
//
// # Staleness
//
// Past valid_until Parse still returns the list (a verifier with no
// network must be able to say how old its copy is), but List.Stale reports
// it, and package verify refuses to accept anything with a stale list
// (trust_list_stale).
//
// The package is pure: no I/O and no clock.
package trustlist

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	jwsig "github.com/ikd-project/ikd/internal/kredensial/jws"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/kredensial"
	"github.com/ikd-project/ikd/internal/kredensial/sdjwt"
)

// Typ is the JOSE typ of a trust list.
const Typ = "ikd-trust-list+jwt"

// MaxSkew is how far in the future a trust list's iat may be (a verifier's
// clock running slow).
const MaxSkew = 5 * time.Minute

// MaxLength is the longest trust list Parse reads (4 MiB).
const MaxLength = 4 << 20

var b64 = base64.RawURLEncoding

// Key is one trusted issuer key.
type Key struct {
	ID          string           // kms key ID: RFC 7638 thumbprint, base64url
	Public      *ecdsa.PublicKey // P-256
	VerifyUntil time.Time        // zero: no limit (the active key); else a retired key's window end
}

// Verifies reports whether signatures by k are accepted at t.
func (k Key) Verifies(t time.Time) bool {
	return k.VerifyUntil.IsZero() || !t.After(k.VerifyUntil)
}

// StatusList is an embedded status list token and the URI credentials name it by.
type StatusList struct {
	URI   string `json:"uri"`
	Token string `json:"token"`
}

// List is a trust list's content.
type List struct {
	Issuer      string
	IssuedAt    time.Time
	ValidUntil  time.Time
	IssuerKeys  []Key
	StatusLists []StatusList
	// SignedBy is the kid of the key that signed the list (set by Parse).
	SignedBy string
}

type jsonList struct {
	Iss         string           `json:"iss"`
	Iat         int64            `json:"iat"`
	ValidUntil  int64            `json:"valid_until"`
	Keys        []map[string]any `json:"keys"`
	StatusLists []StatusList     `json:"status_lists"`
}

// Thumbprint returns the RFC 7638 JWK thumbprint of a P-256 key, base64url:
// the key ID package kms gives it.
func Thumbprint(pub *ecdsa.PublicKey) (string, error) {
	if pub == nil || pub.Curve != elliptic.P256() {
		return "", errors.New("trustlist: not a P-256 key")
	}
	b, err := pub.Bytes()
	if err != nil {
		return "", fmt.Errorf("trustlist: %w", err)
	}
	x, y := b64.EncodeToString(b[1:33]), b64.EncodeToString(b[33:65])
	sum := sha256.Sum256([]byte(`{"crv":"P-256","kty":"EC","x":"` + x + `","y":"` + y + `"}`))
	return b64.EncodeToString(sum[:]), nil
}

// Sign signs l as a trust list with signer (a P-256 key), naming it kid,
// which must be the ID of one of l's keys with the same public key.
func Sign(signer crypto.Signer, kid string, l List) (string, error) {
	pub, ok := signer.Public().(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return "", errors.New("trustlist: signer is not ECDSA P-256")
	}
	if l.IssuedAt.IsZero() || l.ValidUntil.IsZero() || !l.ValidUntil.After(l.IssuedAt) {
		return "", errors.New("trustlist: IssuedAt and ValidUntil are required, ValidUntil after IssuedAt")
	}
	found := false
	jl := jsonList{Iss: l.Issuer, Iat: l.IssuedAt.Unix(), ValidUntil: l.ValidUntil.Unix(), StatusLists: l.StatusLists}
	for _, k := range l.IssuerKeys {
		id, err := Thumbprint(k.Public)
		if err != nil {
			return "", err
		}
		if k.ID != id {
			return "", fmt.Errorf("trustlist: key ID %q is not its thumbprint %q", k.ID, id)
		}
		m, err := sdjwt.JWK(k.Public)
		if err != nil {
			return "", err
		}
		m["kid"] = k.ID
		if !k.VerifyUntil.IsZero() {
			m["verify_until"] = k.VerifyUntil.Unix()
		}
		jl.Keys = append(jl.Keys, m)
		if k.ID == kid && k.Public.Equal(pub) {
			found = true
		}
	}
	if !found {
		return "", fmt.Errorf("trustlist: signing key %q is not one of the list's keys", kid)
	}
	if jl.StatusLists == nil {
		jl.StatusLists = []StatusList{}
	}
	payload, err := json.Marshal(jl)
	if err != nil {
		return "", err
	}
	out, err := jwsig.Sign(signer, rand.Reader, map[string]string{"alg": "ES256", "typ": Typ, "kid": kid}, payload)
	if err != nil {
		return "", fmt.Errorf("trustlist: %w", err)
	}
	return out, nil
}

// Parse checks a trust list's signature and returns its content. The
// signing key is the list's own key named by the header's kid; when pinned
// is not nil it must also return that kid, with the same key (see the
// package documentation on the root of trust). Parse does not refuse a
// stale list: check List.Stale; now serves only to refuse a list issued
// more than MaxSkew in the future (not_yet_valid: a clock that is wrong).
// Failures are *kredensial.Error: bad_encoding
// for a malformed list, unsupported for another alg or typ, unknown_issuer
// for a signing key that is not in the list or not pinned, bad_signature.
func Parse(jws string, now time.Time, pinned func(kid string) (crypto.PublicKey, bool)) (*List, error) {
	jws = strings.TrimSpace(jws)
	if len(jws) > MaxLength {
		return nil, kredensial.Fail(kredensial.BadEncoding, "trust list longer than %d bytes", MaxLength)
	}
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		return nil, kredensial.Fail(kredensial.BadEncoding, "trust list is not a compact JWS")
	}
	hb, err1 := b64.DecodeString(parts[0])
	pb, err2 := b64.DecodeString(parts[1])
	sig, err3 := b64.DecodeString(parts[2])
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, kredensial.Fail(kredensial.BadEncoding, "trust list base64url: %v", err)
	}
	var hdr map[string]any
	if err := json.Unmarshal(hb, &hdr); err != nil {
		return nil, kredensial.Fail(kredensial.BadEncoding, "trust list header: %v", err)
	}
	if hdr["alg"] != "ES256" {
		return nil, kredensial.Fail(kredensial.Unsupported, "trust list alg %v", hdr["alg"])
	}
	if hdr["typ"] != Typ {
		return nil, kredensial.Fail(kredensial.Unsupported, "trust list typ %v", hdr["typ"])
	}
	if _, ok := hdr["crit"]; ok {
		return nil, kredensial.Fail(kredensial.Unsupported, "trust list crit header")
	}
	kid, _ := hdr["kid"].(string)
	var jl jsonList
	if err := json.Unmarshal(pb, &jl); err != nil {
		return nil, kredensial.Fail(kredensial.BadEncoding, "trust list payload: %v", err)
	}
	if jl.Iat <= 0 || jl.ValidUntil <= jl.Iat {
		return nil, kredensial.Fail(kredensial.BadEncoding, "trust list iat %d, valid_until %d", jl.Iat, jl.ValidUntil)
	}
	if iat := time.Unix(jl.Iat, 0); !now.IsZero() && iat.After(now.Add(MaxSkew)) {
		return nil, kredensial.Fail(kredensial.NotYetValid, "trust list issued at %s, after now %s", iat.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	l := &List{Issuer: jl.Iss, IssuedAt: time.Unix(jl.Iat, 0).UTC(), ValidUntil: time.Unix(jl.ValidUntil, 0).UTC(), StatusLists: jl.StatusLists, SignedBy: kid}
	var signing *ecdsa.PublicKey
	seen := map[string]bool{}
	for i, m := range jl.Keys {
		pub, err := sdjwt.ParseJWK(m)
		if err != nil {
			return nil, kredensial.Fail(kredensial.BadEncoding, "trust list key %d: %v", i, err)
		}
		id, _ := m["kid"].(string)
		if tp, _ := Thumbprint(pub); tp != id {
			return nil, kredensial.Fail(kredensial.BadEncoding, "trust list key %d: kid %q is not its thumbprint", i, id)
		}
		if seen[id] {
			return nil, kredensial.Fail(kredensial.BadEncoding, "trust list key %q repeated", id)
		}
		seen[id] = true
		k := Key{ID: id, Public: pub}
		if v, ok := m["verify_until"]; ok {
			f, ok := v.(float64)
			if !ok || f <= 0 || f > 1<<40 {
				return nil, kredensial.Fail(kredensial.BadEncoding, "trust list key %q: bad verify_until", id)
			}
			k.VerifyUntil = time.Unix(int64(f), 0).UTC()
		}
		if id == kid {
			signing = pub
		}
		l.IssuerKeys = append(l.IssuerKeys, k)
	}
	for i, s := range l.StatusLists {
		if s.URI == "" || s.Token == "" {
			return nil, kredensial.Fail(kredensial.BadEncoding, "trust list status list %d: uri and token required", i)
		}
	}
	if signing == nil {
		return nil, kredensial.Fail(kredensial.UnknownIssuer, "trust list signed by %q, which is not one of its keys", kid)
	}
	if pinned != nil {
		p, ok := pinned(kid)
		pk, _ := p.(*ecdsa.PublicKey)
		if !ok || pk == nil || !pk.Equal(signing) {
			return nil, kredensial.Fail(kredensial.UnknownIssuer, "trust list signing key %q is not pinned", kid)
		}
	}
	if len(sig) != 64 {
		return nil, kredensial.Fail(kredensial.BadSignature, "trust list signature is %d bytes, want 64", len(sig))
	}
	if _, err := jwsig.Verify(jws, signing); err != nil {
		return nil, kredensial.Fail(kredensial.BadSignature, "trust list signature does not verify")
	}
	return l, nil
}

// Stale reports whether now is past the list's valid_until, and by how
// much (zero when it is not stale).
func (l *List) Stale(now time.Time) (time.Duration, bool) {
	if now.After(l.ValidUntil) {
		return now.Sub(l.ValidUntil), true
	}
	return 0, false
}

// Age is how long ago the list was issued.
func (l *List) Age(now time.Time) time.Duration { return now.Sub(l.IssuedAt) }

// StatusToken returns the embedded status list token for uri.
func (l *List) StatusToken(uri string) (string, bool) {
	for _, s := range l.StatusLists {
		if s.URI == uri {
			return s.Token, true
		}
	}
	return "", false
}

// KeySet is the list's keys as they verify at one time: a key past its
// verify_until is not returned.
type KeySet struct {
	keys []Key
	at   time.Time
}

// Keys returns the list's keys as they verify at t. The lookup needs a time
// because a retired key verifies only until its verify_until.
func (l *List) Keys(t time.Time) KeySet { return KeySet{keys: l.IssuerKeys, at: t} }

// ByKID looks a key up by its full kid (kms key ID), for sdjwt and
// statuslist. Its signature is sdjwt.VerifyOptions.Keys's.
func (s KeySet) ByKID(kid string) (crypto.PublicKey, bool) {
	for _, k := range s.keys {
		if k.ID == kid && k.Verifies(s.at) {
			return k.Public, true
		}
	}
	return nil, false
}

// ByShortKID looks a key up by the 8-byte kid of qrcred (the first 8 bytes
// of the thumbprint). Its signature is qrcred.KeyFunc's.
func (s KeySet) ByShortKID(kid []byte) (crypto.PublicKey, bool) {
	if len(kid) != 8 {
		return nil, false
	}
	for _, k := range s.keys {
		full, err := b64.DecodeString(k.ID)
		if err != nil || len(full) < 8 {
			continue
		}
		if string(full[:8]) == string(kid) && k.Verifies(s.at) {
			return k.Public, true
		}
	}
	return nil, false
}
