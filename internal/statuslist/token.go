package statuslist

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/kredensial/jws"

	"github.com/ikd-project/ikd/internal/kredensial"
)

// Header values of a status list token.
const (
	TokenTyp = "statuslist+jwt" // JOSE typ
	Alg      = "ES256"          // the only algorithm signed or accepted
)

// Leeway is the clock difference VerifyToken tolerates on iat and exp.
const Leeway = time.Minute

// Token is a status list token's content.
type Token struct {
	// Subject is the token's URI (sub), the uri that credentials carry in
	// status.status_list. Required.
	Subject string
	// Issuer is iss; omitted when empty.
	Issuer string
	// IssuedAt is iat. Required.
	IssuedAt time.Time
	// Expiry is exp: past it the token must not be used. Omitted when zero.
	Expiry time.Time
	// TTL is ttl: how long a verifier may cache the token before it should
	// fetch a fresh one. Omitted when zero.
	TTL time.Duration
	// KeyID is the kid of the signing key (set by VerifyToken).
	KeyID string
	// List is the status list. Required.
	List *List
}

// FreshUntil returns when a cached copy of the token should be replaced:
// IssuedAt + TTL, or Expiry when there is no TTL (zero when neither).
func (t *Token) FreshUntil() time.Time {
	if t.TTL > 0 {
		return t.IssuedAt.Add(t.TTL)
	}
	return t.Expiry
}

type statusListClaim struct {
	Bits int    `json:"bits"`
	Lst  string `json:"lst"`
}

type tokenClaims struct {
	Sub        string          `json:"sub"`
	Iss        string          `json:"iss,omitempty"`
	Iat        int64           `json:"iat"`
	Exp        int64           `json:"exp,omitempty"`
	TTL        int64           `json:"ttl,omitempty"`
	StatusList statusListClaim `json:"status_list"`
}

// SignToken signs t as a status list token: a JWT with the header
// {"alg": "ES256", "typ": "statuslist+jwt", "kid": kid} and the claims sub,
// iss, iat, exp, ttl and status_list {bits, lst}. The signer must hold a
// P-256 key (an *ecdsa.PrivateKey or an HSM's crypto.Signer).
func SignToken(signer crypto.Signer, kid string, t Token) (string, error) {
	if signer == nil {
		return "", errors.New("statuslist: nil signer")
	}
	if pub, ok := signer.Public().(*ecdsa.PublicKey); !ok || pub.Curve != elliptic.P256() {
		return "", fmt.Errorf("statuslist: signer key is %T, want ECDSA P-256", signer.Public())
	}
	if kid == "" || t.Subject == "" || t.IssuedAt.IsZero() || t.List == nil {
		return "", errors.New("statuslist: kid, Subject, IssuedAt and List are required")
	}
	if t.TTL < 0 || (t.TTL > 0 && t.TTL < time.Second) {
		return "", errors.New("statuslist: TTL must be at least a second")
	}
	c := tokenClaims{
		Sub: t.Subject, Iss: t.Issuer, Iat: t.IssuedAt.Unix(),
		TTL:        int64(t.TTL / time.Second),
		StatusList: statusListClaim{Bits: t.List.bits, Lst: t.List.Encode()},
	}
	if t.Expiry.IsZero() {
		return "", errors.New("statuslist: a token needs an Expiry")
	}
	{
		if !t.Expiry.After(t.IssuedAt) {
			return "", errors.New("statuslist: Expiry must follow IssuedAt")
		}
		c.Exp = t.Expiry.Unix()
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	header := struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
		Kid string `json:"kid"`
	}{Alg, TokenTyp, kid}
	tok, err := jws.Sign(signer, rand.Reader, header, payload)
	if err != nil {
		return "", fmt.Errorf("statuslist: %w", err)
	}
	return tok, nil
}

// unavailable is the reason for every unusable token but an expired one.
func unavailable(format string, args ...any) *kredensial.Error {
	return kredensial.Fail(kredensial.StatusUnavailable, "status list token: "+format, args...)
}

// VerifyToken checks a status list token and returns its content: ES256
// with a trusted key (keys maps a kid to an *ecdsa.PublicKey on P-256),
// typ statuslist+jwt, sub equal to uri (the uri in the credential), iat
// not after now + Leeway, now not after exp + Leeway, and a well-formed
// status_list. Failures are *kredensial.Error: trust_list_stale when the
// token has expired, status_unavailable otherwise (see the package
// documentation).
func VerifyToken(token string, keys func(kid string) (crypto.PublicKey, bool), now time.Time, uri string) (*Token, error) {
	if keys == nil || now.IsZero() {
		return nil, errors.New("statuslist: VerifyToken needs keys and now")
	}
	t, err := verifyToken(token, keys, now, uri)
	if err != nil {
		return nil, err
	}
	return t, nil
}

func verifyToken(token string, keys func(kid string) (crypto.PublicKey, bool), now time.Time, uri string) (*Token, *kredensial.Error) {
	if len(token) > 4*MaxBytes {
		return nil, unavailable("%d bytes is too long", len(token))
	}
	segs := strings.Split(token, ".")
	if len(segs) != 3 {
		return nil, unavailable("not a compact JWS")
	}
	hraw, err := b64.DecodeString(segs[0])
	if err != nil {
		return nil, unavailable("header is not base64url")
	}
	var h map[string]any
	if err := jws.DecodeJSON(hraw, &h); err != nil || h == nil {
		return nil, unavailable("header is not a JSON object")
	}
	if alg, _ := h["alg"].(string); alg != Alg {
		return nil, unavailable("alg %v, only ES256 is accepted", h["alg"])
	}
	if typ, _ := h["typ"].(string); typ != TokenTyp {
		return nil, unavailable("typ %v, want %s", h["typ"], TokenTyp)
	}
	if h["crit"] != nil || h["b64"] != nil {
		return nil, unavailable("crit or b64 header")
	}
	kid, _ := h["kid"].(string)
	key, ok := keys(kid)
	if !ok || key == nil {
		return nil, unavailable("no trusted key with kid %q", kid)
	}
	ecKey, ok := key.(*ecdsa.PublicKey)
	if !ok || ecKey.Curve != elliptic.P256() {
		return nil, unavailable("trusted key %q is %T, not ECDSA P-256", kid, key)
	}
	payload, err := jws.Verify(token, ecKey)
	if err != nil {
		return nil, unavailable("bad signature (kid %q): %v", kid, err)
	}
	var c map[string]any
	if err := jws.DecodeJSON(payload, &c); err != nil || c == nil {
		return nil, unavailable("payload is not a JSON object")
	}
	out := &Token{KeyID: kid}
	var ok1 bool
	if out.Subject, ok1 = c["sub"].(string); !ok1 || out.Subject != uri {
		return nil, unavailable("sub %v is not the credential's status list %q", c["sub"], uri)
	}
	if iss, present := c["iss"]; present {
		if out.Issuer, ok1 = iss.(string); !ok1 {
			return nil, unavailable("iss is not a string")
		}
	}
	var cerr *kredensial.Error
	if out.IssuedAt, cerr = numericDate(c["iat"], "iat", true); cerr != nil {
		return nil, cerr
	}
	// exp is required: a token that never expires could be replayed after a
	// revocation for ever.
	if out.Expiry, cerr = numericDate(c["exp"], "exp", true); cerr != nil {
		return nil, cerr
	}
	if v, present := c["ttl"]; present {
		n, ok := v.(json.Number)
		ttl, err := n.Int64()
		if !ok || err != nil || ttl <= 0 || ttl > math.MaxInt64/int64(time.Second) {
			return nil, unavailable("ttl %v is not a positive number of seconds", v)
		}
		out.TTL = time.Duration(ttl) * time.Second
	}
	if out.IssuedAt.After(now.Add(Leeway)) {
		return nil, unavailable("issued in the future, at %s", out.IssuedAt.UTC().Format(time.RFC3339))
	}
	if !out.Expiry.IsZero() && now.After(out.Expiry.Add(Leeway)) {
		return nil, kredensial.Fail(kredensial.TrustListStale, "status list token expired at %s, %s ago",
			out.Expiry.UTC().Format(time.RFC3339), now.Sub(out.Expiry).Round(time.Second))
	}
	sl, ok := c["status_list"].(map[string]any)
	if !ok {
		return nil, unavailable("no status_list object")
	}
	bn, ok := sl["bits"].(json.Number)
	bits, err := bn.Int64()
	if !ok || err != nil || !validBits(int(bits)) {
		return nil, unavailable("status_list bits %v, want 1, 2, 4 or 8", sl["bits"])
	}
	lst, ok := sl["lst"].(string)
	if !ok {
		return nil, unavailable("status_list lst is not a string")
	}
	if out.List, err = Decode(int(bits), lst); err != nil {
		return nil, unavailable("%v", err)
	}
	return out, nil
}

// numericDate reads a NumericDate claim value (nil when absent).
func numericDate(v any, name string, required bool) (time.Time, *kredensial.Error) {
	if v == nil {
		if required {
			return time.Time{}, unavailable("%s missing", name)
		}
		return time.Time{}, nil
	}
	n, ok := v.(json.Number)
	f, err := n.Float64()
	if !ok || err != nil || math.IsNaN(f) || f < 0 || f > 1e11 {
		return time.Time{}, unavailable("%s %v is not a NumericDate", name, v)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
}
