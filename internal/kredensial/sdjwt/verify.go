package sdjwt

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/json"
	"errors"
	"math"
	"time"

	"github.com/ikd-project/ikd/internal/kredensial"
)

// DefaultMaxKBAge is how old a Key Binding JWT may be when
// VerifyOptions.MaxKBAge is zero.
const DefaultMaxKBAge = 5 * time.Minute

// VerifyOptions says what Verify trusts and expects.
type VerifyOptions struct {
	// Keys returns the trusted issuer key (an *ecdsa.PublicKey on P-256)
	// for a JWS kid, or false when the kid is unknown. Required.
	Keys func(kid string) (crypto.PublicKey, bool)
	// Now is the verification time. Required: the package never reads the
	// clock.
	Now time.Time
	// Skew is the clock difference tolerated for exp, nbf, iat and the
	// KB-JWT's iat.
	Skew time.Duration
	// RequireKB demands a Key Binding JWT; Aud and Nonce must then be set.
	RequireKB bool
	// Aud and Nonce are what the KB-JWT must carry. When a KB-JWT is
	// present they are compared whenever they are not empty.
	Aud, Nonce string
	// MaxKBAge is how old the KB-JWT's iat may be (DefaultMaxKBAge when 0).
	MaxKBAge time.Duration
	// VCT is the expected credential type; "" accepts any.
	VCT string
}

// Verified is what a successful Verify returns.
type Verified struct {
	// Claims is the processed payload (RFC 9901 section 7.1): the plain
	// claims and the disclosed ones in place, _sd and _sd_alg removed.
	// Numbers are json.Number.
	Claims map[string]any
	// Disclosed lists, sorted, the paths of the claims revealed by
	// Disclosures ("nik", "alamat.kab_kota", "nationalities[0]").
	Disclosed []string
	Issuer    string    // iss
	KeyID     string    // kid of the issuer's key
	VCT       string    // vct
	IssuedAt  time.Time // iat; zero when absent
	NotBefore time.Time // nbf; zero when absent
	Expiry    time.Time // exp
	// HolderKey is the key bound in cnf.jwk; nil when the credential is
	// not holder-bound.
	HolderKey *ecdsa.PublicKey
	// Status is the status list entry to check; nil when the credential
	// has none.
	Status *StatusRef
	// KeyBinding describes the verified KB-JWT; nil when there was none.
	KeyBinding *KeyBindingInfo
}

// KeyBindingInfo is what a verified Key Binding JWT said.
type KeyBindingInfo struct {
	IssuedAt time.Time // iat: when the holder signed
	Aud      string    // aud: the verifier it was made for
	Nonce    string    // nonce: the verifier's nonce
}

// readHeader decodes and checks a JWS protected header: alg must be
// ES256, typ must be typ, and crit and b64 must be absent. Members are read
// by their exact names.
func readHeader(sc *scratch, seg, typ string) (kid string, err *kredensial.Error) {
	raw, e := sc.decode(seg)
	if e != nil {
		return "", kredensial.Fail(kredensial.BadEncoding, "%s header is not base64url: %v", typ, e)
	}
	v, e := sc.parseJSON(raw)
	h, _ := v.(map[string]any)
	if e != nil || h == nil {
		return "", kredensial.Fail(kredensial.BadEncoding, "%s header is not a JSON object", typ)
	}
	if alg, _ := h["alg"].(string); alg != Alg {
		return "", kredensial.Fail(kredensial.Unsupported, "%s alg %v: only ES256 is accepted", typ, h["alg"])
	}
	if t, _ := h["typ"].(string); t != typ {
		return "", kredensial.Fail(kredensial.Unsupported, "typ %v, want %s", h["typ"], typ)
	}
	if _, crit := h["crit"]; crit {
		return "", kredensial.Fail(kredensial.Unsupported, "%s header has crit", typ)
	}
	if _, b64opt := h["b64"]; b64opt {
		return "", kredensial.Fail(kredensial.Unsupported, "%s header has b64", typ)
	}
	if k, present := h["kid"]; present {
		ks, ok := k.(string)
		if !ok {
			return "", kredensial.Fail(kredensial.BadEncoding, "kid is not a string")
		}
		return ks, nil
	}
	return "", nil
}

// readObject decodes the JSON object of a verified JWS payload; sd says
// whether it is an SD-JWT payload, to read with parseSD.
func (sc *scratch) readObject(body string, sd bool) (map[string]any, bool) {
	v, err := sc.parse(body, sd)
	m, _ := v.(map[string]any)
	return m, err == nil && m != nil
}

// Verify checks an SD-JWT VC, with or without a Key Binding JWT, strictly
// per RFC 9901 and draft-ietf-oauth-sd-jwt-vc, and returns the disclosed
// claims. Every verification failure is a *kredensial.Error; the package
// documentation lists which check gives which reason.
func Verify(presentation string, opts VerifyOptions) (*Verified, error) {
	if opts.Keys == nil || opts.Now.IsZero() {
		return nil, errors.New("sdjwt: VerifyOptions needs Keys and Now")
	}
	if opts.RequireKB && (opts.Aud == "" || opts.Nonce == "") {
		return nil, errors.New("sdjwt: RequireKB needs Aud and Nonce")
	}
	v, err := verify(presentation, opts)
	if err != nil {
		return nil, err // keep a nil *kredensial.Error from becoming a non-nil error
	}
	return v, nil
}

func verify(presentation string, opts VerifyOptions) (*Verified, *kredensial.Error) {
	p, cerr := split(presentation)
	if cerr != nil {
		return nil, cerr
	}
	hseg, pseg, sseg, ok := splitJWS(p.jws)
	if !ok {
		return nil, kredensial.Fail(kredensial.BadEncoding, "issuer-signed JWT is not a compact JWS")
	}
	sc := newScratch(len(presentation))
	defer sc.put()
	kid, cerr := readHeader(sc, hseg, Typ)
	if cerr != nil {
		return nil, cerr
	}
	key, ok := opts.Keys(kid)
	if !ok || key == nil {
		return nil, kredensial.Fail(kredensial.UnknownIssuer, "no trusted key with kid %q", kid)
	}
	ecKey, ok := key.(*ecdsa.PublicKey)
	if !ok || ecKey.Curve != elliptic.P256() {
		return nil, kredensial.Fail(kredensial.Unsupported, "trusted key %q is %T, not ECDSA P-256", kid, key)
	}
	body, err := sc.decode(pseg)
	if err != nil {
		return nil, kredensial.Fail(kredensial.BadEncoding, "payload is not base64url: %v", err)
	}
	if err := sc.checkES256(p.jws[:len(hseg)+1+len(pseg)], sseg, ecKey); err != nil {
		return nil, kredensial.Fail(kredensial.BadSignature, "issuer signature (kid %q): %v", kid, err)
	}
	payload, ok := sc.readObject(body, true)
	if !ok {
		return nil, kredensial.Fail(kredensial.BadEncoding, "payload is not a JSON object")
	}
	if alg, ok := payload["_sd_alg"]; ok && alg != SDAlg {
		if _, isStr := alg.(string); !isStr {
			return nil, kredensial.Fail(kredensial.BadEncoding, "_sd_alg is not a string")
		}
		return nil, kredensial.Fail(kredensial.Unsupported, "_sd_alg %v: only sha-256 is accepted", alg)
	}

	byDigest, list, digests, cerr := sc.decodeAll(payload, p.disclosures)
	if cerr != nil {
		return nil, cerr
	}
	// Registered claims are read from the signed payload only, before
	// process changes it in place; their failures come after process's.
	out, regErr := registered(payload, opts)
	claims, disclosed, cerr := processSized(payload, byDigest, list, digests)
	if cerr != nil {
		return nil, cerr
	}
	if regErr != nil {
		return nil, regErr
	}
	out.Claims, out.Disclosed, out.KeyID = claims, disclosed, kid

	if p.kb == "" {
		if opts.RequireKB {
			return nil, kredensial.Fail(kredensial.WrongHolder, "no Key Binding JWT: the presentation does not prove the holder's device")
		}
		return out, nil
	}
	kb, cerr := verifyKB(sc, p, out.HolderKey, opts)
	if cerr != nil {
		return nil, cerr
	}
	out.KeyBinding = kb
	return out, nil
}

// registered reads and checks the registered claims of the signed
// payload: iss, vct, exp, iat, nbf, status and cnf.
func registered(payload map[string]any, opts VerifyOptions) (*Verified, *kredensial.Error) {
	out := &Verified{}
	var ok bool
	var cerr *kredensial.Error
	if out.Issuer, ok = payload["iss"].(string); !ok || out.Issuer == "" {
		return nil, kredensial.Fail(kredensial.BadEncoding, "iss missing or not a string")
	}
	if out.VCT, ok = payload["vct"].(string); !ok || out.VCT == "" {
		return nil, kredensial.Fail(kredensial.BadEncoding, "vct missing or not a string")
	}
	if opts.VCT != "" && out.VCT != opts.VCT {
		return nil, kredensial.Fail(kredensial.Unsupported, "vct %q, want %q", out.VCT, opts.VCT)
	}
	var present bool
	if out.Expiry, present, cerr = numericDate(payload, "exp"); cerr != nil {
		return nil, cerr
	} else if !present {
		return nil, kredensial.Fail(kredensial.BadEncoding, "exp missing")
	}
	if out.IssuedAt, _, cerr = numericDate(payload, "iat"); cerr != nil {
		return nil, cerr
	}
	if out.NotBefore, _, cerr = numericDate(payload, "nbf"); cerr != nil {
		return nil, cerr
	}
	now := opts.Now
	if now.After(out.Expiry.Add(opts.Skew)) {
		return nil, kredensial.Fail(kredensial.Expired, "expired at %s", out.Expiry.UTC().Format(time.RFC3339))
	}
	if !out.NotBefore.IsZero() && now.Add(opts.Skew).Before(out.NotBefore) {
		return nil, kredensial.Fail(kredensial.NotYetValid, "not valid before %s", out.NotBefore.UTC().Format(time.RFC3339))
	}
	if !out.IssuedAt.IsZero() && now.Add(opts.Skew).Before(out.IssuedAt) {
		return nil, kredensial.Fail(kredensial.NotYetValid, "issued in the future, at %s", out.IssuedAt.UTC().Format(time.RFC3339))
	}
	if out.Status, cerr = statusRef(payload); cerr != nil {
		return nil, cerr
	}
	if cnf, ok := payload["cnf"]; ok {
		m, ok := cnf.(map[string]any)
		if !ok || m["jwk"] == nil {
			return nil, kredensial.Fail(kredensial.BadEncoding, "cnf is not an object with a jwk")
		}
		hk, err := ParseJWK(m["jwk"])
		if errors.Is(err, errUnsupportedKey) {
			return nil, kredensial.Fail(kredensial.Unsupported, "cnf.jwk: %v", err)
		} else if err != nil {
			return nil, kredensial.Fail(kredensial.BadEncoding, "cnf.jwk: %v", err)
		}
		out.HolderKey = hk
	}

	return out, nil
}

// verifyKB checks the Key Binding JWT: signed by the holder key, bound to
// the presented Disclosures (sd_hash), the verifier's aud and nonce, and
// fresh.
func verifyKB(sc *scratch, p parts, holder *ecdsa.PublicKey, opts VerifyOptions) (*KeyBindingInfo, *kredensial.Error) {
	hseg, pseg, sseg, ok := splitJWS(p.kb)
	if !ok {
		return nil, kredensial.Fail(kredensial.BadEncoding, "Key Binding JWT is not a compact JWS")
	}
	if _, cerr := readHeader(sc, hseg, KBTyp); cerr != nil {
		return nil, cerr
	}
	if holder == nil {
		return nil, kredensial.Fail(kredensial.WrongHolder, "a Key Binding JWT, but the credential has no cnf key")
	}
	body, err := sc.decode(pseg)
	if err == nil {
		err = sc.checkES256(p.kb[:len(hseg)+1+len(pseg)], sseg, holder)
	}
	if err != nil {
		return nil, kredensial.Fail(kredensial.WrongHolder, "Key Binding JWT is not signed by the key in cnf: %v", err)
	}
	kb, ok := sc.readObject(body, false)
	if !ok {
		return nil, kredensial.Fail(kredensial.BadEncoding, "Key Binding JWT payload is not a JSON object")
	}
	sdHash, ok1 := kb["sd_hash"].(string)
	aud, ok2 := kb["aud"].(string)
	nonce, ok3 := kb["nonce"].(string)
	if !ok1 || !ok2 || !ok3 {
		return nil, kredensial.Fail(kredensial.BadEncoding, "Key Binding JWT needs string sd_hash, aud and nonce")
	}
	iat, present, cerr := numericDate(kb, "iat")
	if cerr != nil {
		return nil, cerr
	}
	if !present {
		return nil, kredensial.Fail(kredensial.BadEncoding, "Key Binding JWT has no iat")
	}
	if !sc.matchesDigest(sdHash, p.prefix) {
		return nil, kredensial.Fail(kredensial.BadDisclosure, "sd_hash does not match the presented Disclosures (one was added or removed after the holder signed)")
	}
	if opts.Nonce != "" && nonce != opts.Nonce {
		return nil, kredensial.Fail(kredensial.BadNonce, "nonce %q, want %q", nonce, opts.Nonce)
	}
	if opts.Aud != "" && aud != opts.Aud {
		return nil, kredensial.Fail(kredensial.BadNonce, "aud %q, want %q", aud, opts.Aud)
	}
	maxAge := opts.MaxKBAge
	if maxAge <= 0 {
		maxAge = DefaultMaxKBAge
	}
	if iat.After(opts.Now.Add(opts.Skew)) {
		return nil, kredensial.Fail(kredensial.StalePresentation, "Key Binding JWT issued in the future, at %s", iat.UTC().Format(time.RFC3339))
	}
	if age := opts.Now.Sub(iat); age > maxAge {
		return nil, kredensial.Fail(kredensial.StalePresentation, "Key Binding JWT is %s old, more than %s", age.Round(time.Second), maxAge)
	}
	return &KeyBindingInfo{IssuedAt: iat, Aud: aud, Nonce: nonce}, nil
}

// numericDate reads a JWT NumericDate claim (seconds since the epoch).
func numericDate(m map[string]any, name string) (time.Time, bool, *kredensial.Error) {
	v, ok := m[name]
	if !ok {
		return time.Time{}, false, nil
	}
	n, ok := v.(json.Number)
	if !ok {
		return time.Time{}, true, kredensial.Fail(kredensial.BadEncoding, "%s is not a number", name)
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || f < 0 || f > 1e11 {
		return time.Time{}, true, kredensial.Fail(kredensial.BadEncoding, "%s is not a valid NumericDate", name)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true, nil
}

// statusRef reads status.status_list.{idx, uri} when present.
func statusRef(payload map[string]any) (*StatusRef, *kredensial.Error) {
	st, ok := payload["status"]
	if !ok {
		return nil, nil
	}
	m, _ := st.(map[string]any)
	sl, _ := m["status_list"].(map[string]any)
	if sl == nil {
		return nil, kredensial.Fail(kredensial.BadEncoding, "status has no status_list object")
	}
	n, ok1 := sl["idx"].(json.Number)
	uri, ok2 := sl["uri"].(string)
	if !ok1 || !ok2 || uri == "" {
		return nil, kredensial.Fail(kredensial.BadEncoding, "status_list needs a numeric idx and a uri")
	}
	idx, err := n.Int64()
	if err != nil || idx < 0 || idx > math.MaxInt32 {
		return nil, kredensial.Fail(kredensial.BadEncoding, "status_list idx %s is not a non-negative integer", n)
	}
	return &StatusRef{Idx: int(idx), URI: uri}, nil
}
