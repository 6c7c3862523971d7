package qrcred

import (
	"crypto/subtle"
	"errors"
	"time"

	"github.com/ikd-project/ikd/internal/kredensial"
)

// DefaultMaxAge is how long after the device signed it a presentation is
// accepted: the wallet re-signs its QR code every 90 seconds.
const DefaultMaxAge = 90 * time.Second

// DefaultSkew is the clock difference tolerated between the holder's
// phone, the issuer and the verifier.
const DefaultSkew = 30 * time.Second

// VerifyOptions are the verifier's trust and time.
type VerifyOptions struct {
	// Keys returns trusted issuer keys by kid. Required.
	Keys KeyFunc
	// Now is the verifier's time. Required: the package reads no clock.
	Now time.Time
	// MaxAge is how old the device signature may be; zero means
	// DefaultMaxAge.
	MaxAge time.Duration
	// Skew is the clock difference tolerated on exp, nbf, iat and on a
	// device signature from the future; zero means DefaultSkew, a
	// negative value none at all.
	Skew time.Duration
	// Nonce is the nonce the verifier gave the holder; the presentation
	// must carry exactly it. Empty means none is required (a nonce the
	// presentation carries anyway is then ignored).
	Nonce []byte
}

// Verify checks an IKD1 presentation (Prefix), as read from a QR code, and returns
// what it proves. Every failure is a *kredensial.Error whose Reason says
// why. The checks run in this order, and the first that fails answers:
//
//  1. not starting with Prefix: unreadable; another "IKD<n>:" version:
//     unsupported
//  2. bad base45, not a COSE_Sign1, a malformed presentation map:
//     bad_encoding; a device-layer alg other than ES256: unsupported
//  3. the issuer COSE_Sign1 malformed: bad_encoding; its alg not ES256:
//     unsupported
//  4. no trusted key for its kid: unknown_issuer (a trusted key that is
//     not P-256: unsupported)
//  5. the issuer signature fails: bad_signature
//  6. claims missing, of the wrong type, or not those of the profile:
//     bad_encoding; a profile this package does not know: unsupported
//  7. the device signature fails with the key in cnf: wrong_holder
//  8. now at or past exp: expired; before nbf or iat: not_yet_valid
//     (each with Skew's leeway)
//  9. the device signature older than MaxAge, or more than Skew in the
//     future: stale_presentation
//  10. a nonce required and missing or different: bad_nonce
//
// Claims are read only once the issuer signature over them holds. Verify
// does not check the status list: the caller looks Verified.Status up in
// its cached list. Misuse (nil Keys, zero Now) returns a plain error.
func Verify(text string, opts VerifyOptions) (*Verified, error) {
	if opts.Keys == nil {
		return nil, errors.New("qrcred: Verify: nil Keys")
	}
	if opts.Now.IsZero() {
		return nil, errors.New("qrcred: Verify: zero Now")
	}
	maxAge, skew := opts.MaxAge, opts.Skew
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	switch {
	case skew == 0:
		skew = DefaultSkew
	case skew < 0:
		skew = 0
	}

	raw, err := decodeText(text)
	if err != nil {
		return nil, err
	}
	outer, err := decodeSign1(raw, "device")
	if err != nil {
		return nil, err
	}
	if len(outer.kid) > 0 {
		// Only the issuer layer names a key: this is an issuer CWT shown
		// as it is, which only a printed card may be.
		return verifyPrinted(raw, opts, skew)
	}
	var p presentation
	if err := decMode.Unmarshal(outer.payload, &p); err != nil {
		return nil, kredensial.Fail(kredensial.BadEncoding, "presentation: %v", err)
	}
	if len(p.Credential) == 0 || p.SignedAt == nil {
		return nil, kredensial.Fail(kredensial.BadEncoding, "presentation lacks the credential (1) or the signing time (2)")
	}
	cred, err := ParseIssued(p.Credential, opts.Keys)
	if err != nil {
		return nil, err
	}
	if cred.Printed || cred.DeviceKey == nil {
		return nil, kredensial.Fail(kredensial.BadEncoding, "a printed card inside a device presentation")
	}
	if err := outer.verify(cred.DeviceKey); err != nil {
		return nil, kredensial.Fail(kredensial.WrongHolder, "device signature does not verify with the cnf key: %v", err)
	}

	now := opts.Now
	if err := checkTimes(cred, now, skew); err != nil {
		return nil, err
	}
	signed := p.SignedAt.time()
	if age := now.Sub(signed); age > maxAge {
		return nil, kredensial.Fail(kredensial.StalePresentation, "signed %s ago, more than %s", age.Truncate(time.Second), maxAge)
	}
	if ahead := signed.Sub(now); ahead > skew {
		return nil, kredensial.Fail(kredensial.StalePresentation,
			"signed %s in the future: the phone's or this device's clock is wrong", ahead.Truncate(time.Second))
	}
	if len(opts.Nonce) > 0 {
		if p.Nonce == nil {
			return nil, kredensial.Fail(kredensial.BadNonce, "the presentation carries no nonce")
		}
		if subtle.ConstantTimeCompare(p.Nonce, opts.Nonce) != 1 {
			return nil, kredensial.Fail(kredensial.BadNonce, "the presentation's nonce is not the one given")
		}
	}
	return &Verified{Credential: *cred, SignedAt: signed, Nonce: p.Nonce}, nil
}

// checkTimes checks a credential's exp, nbf and iat at now with skew's
// leeway.
func checkTimes(cred *Credential, now time.Time, skew time.Duration) error {
	if !now.Before(cred.Exp.Add(skew)) {
		return kredensial.Fail(kredensial.Expired, "expired at %s", cred.Exp.Format(time.RFC3339))
	}
	if !cred.NBF.IsZero() && now.Add(skew).Before(cred.NBF) {
		return kredensial.Fail(kredensial.NotYetValid, "not before %s", cred.NBF.Format(time.RFC3339))
	}
	if now.Add(skew).Before(cred.IAT) {
		return kredensial.Fail(kredensial.NotYetValid, "issued at %s, in the future", cred.IAT.Format(time.RFC3339))
	}
	return nil
}
