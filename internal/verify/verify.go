// Package verify is ikd's one verifier core for both credential formats:
// the IKD1: QR presentation (package qrcred) and the SD-JWT VC presentation
// (package sdjwt), checked against a cached trust list (package trustlist)
// and the status lists it embeds. The server API, `ikd verify` and the
// offline verifier page (compiled to WebAssembly) all call Verify.
//
// The package is pure: no I/O, no clock (Options.Now), and it never panics
// on any input.
//
// # Order of checks
//
//  1. no trust list, or one past its valid_until: trust_list_stale (a
//     verifier never silently accepts with an old list: a revocation may be
//     missing from it)
//  2. the format: input starting with "IKD" is a QR presentation, input
//     holding '~' after a compact JWS is an SD-JWT presentation, anything
//     else is unreadable; then every check of qrcred.Verify or sdjwt.Verify,
//     with the trust list's keys as they verify at Now (a retired key until
//     its verify_until)
//  3. the status: the entry's current status from Options.EntryStatus
//     when it answers (the online path), else the status list token for
//     the credential's status URI, from Options.StatusToken first and else
//     the one embedded in the trust list, checked with
//     statuslist.VerifyToken against the trust list's keys, then the
//     credential's entry: revoked, suspended; no usable token:
//     status_unavailable (or trust_list_stale when the token has expired). A
//     credential without a status entry is status_unavailable too: ikd
//     issues none without one, and a verifier must be able to tell a revoked
//     credential (MOSIP #1712).
//
// A printed card (assisted mode, for a resident with no smartphone) is a
// QR presentation with no device signature: qrcred.Verify accepts it with
// no 90-second rule and no nonce, Result.Printed says so, and its status
// is checked like any other credential's.
package verify

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/kredensial"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
	"github.com/ikd-project/ikd/internal/kredensial/sdjwt"
	"github.com/ikd-project/ikd/internal/statuslist"
	"github.com/ikd-project/ikd/internal/trustlist"
)

// Formats of Result.Format.
const (
	FormatQR    = "qr"
	FormatSDJWT = "sd-jwt"
)

// MaxInput is the longest input Verify reads.
const MaxInput = sdjwt.MaxLength

// Options are the verifier's trust, time and expectations.
type Options struct {
	// Trust is the cached, parsed trust list. Required.
	Trust *trustlist.List
	// Now is the verification time. Required: the package reads no clock.
	Now time.Time
	// Nonce is the nonce the verifier showed the holder; empty requires none
	// for a QR presentation.
	Nonce string
	// Aud is the audience an SD-JWT key-binding JWT must name.
	Aud string
	// RequireKB demands a key-binding JWT on an SD-JWT presentation (Aud
	// and Nonce must then be set).
	RequireKB bool
	// StatusToken returns a status list token for a URI fetched separately
	// (fresher than the embedded one); nil or false falls back to the token
	// embedded in the trust list.
	StatusToken func(uri string) (string, bool)
	// EntryStatus returns the current status of entry idx of the status
	// list at uri from the issuer's own records (the online path, where a
	// suspension or revocation must count at once, however old the trust
	// list's tokens are). When it answers (ok), no token is consulted; ok
	// false falls back to the tokens; an error is status_unavailable.
	EntryStatus func(uri string, idx uint64) (s statuslist.Status, ok bool, err error)
}

// Result is the verifier's answer. It is JSON-ready (the WebAssembly
// verifier returns it as JSON).
type Result struct {
	Valid     bool              `json:"valid"`
	Reason    kredensial.Reason `json:"reason,omitempty"`
	MessageID string            `json:"message_id,omitempty"`
	MessageEN string            `json:"message_en,omitempty"`
	// Detail is a technical detail for logs, never the user-facing message.
	Detail string `json:"detail,omitempty"`
	Format string `json:"format,omitempty"` // "qr" or "sd-jwt"
	// Profile is the QR profile (dasar, usia, foto) or the SD-JWT vct.
	Profile string `json:"profile,omitempty"`
	// Printed is a printed card (assisted mode, qrcred's cetak claim): a
	// foto QR bound to no device and signed by nobody at the counter, so
	// the verifier must say "kartu cetak" and compare the face (Claims
	// foto). It stays set when only the status fails (a revoked card says
	// it is a revoked printed card).
	Printed bool `json:"printed,omitempty"`
	// Claims holds only what was disclosed: nama, nik, tanggal_lahir,
	// jenis_kelamin, age_over_17, age_over_21, foto_hash (hex), foto (a
	// data: URL), and for SD-JWT any other disclosed claim.
	Claims   map[string]any `json:"claims,omitempty"`
	Issuer   string         `json:"issuer,omitempty"`
	SignedAt time.Time      `json:"signed_at,omitzero"` // when the holder signed (QR device signature, KB-JWT iat)
	Expiry   time.Time      `json:"expiry,omitzero"`
	// TrustAge is how old the trust list is (since its iat).
	TrustAge time.Duration `json:"trust_age_ns"`
	// Stale is, for trust_list_stale, how far past its valid_until the list is.
	Stale time.Duration `json:"stale_ns,omitempty"`
}

func (r *Result) fail(err error) Result {
	var ce *kredensial.Error
	if errors.As(err, &ce) {
		r.Reason, r.Detail = ce.Reason, ce.Detail
	} else {
		// misuse of a format package (e.g. RequireKB without Aud): the
		// verifier was set up wrong; nothing can be accepted.
		r.Reason, r.Detail = kredensial.Unsupported, err.Error()
	}
	r.Valid = false
	r.MessageID, r.MessageEN = r.Reason.Message("id"), r.Reason.Message("en")
	r.Claims = nil
	return *r
}

// Verify checks input (a QR presentation text or an SD-JWT presentation)
// against opts and returns the answer; see the package documentation for
// the order of checks. It never panics.
func Verify(input string, opts Options) (res Result) {
	defer func() {
		if p := recover(); p != nil {
			res = Result{}
			res.fail(kredensial.Fail(kredensial.BadEncoding, "internal error: %v", p))
		}
	}()
	if opts.Trust == nil {
		return res.fail(kredensial.Fail(kredensial.TrustListStale, "no trust list"))
	}
	if opts.Now.IsZero() {
		return res.fail(errors.New("verify: Now is required"))
	}
	res.TrustAge = opts.Trust.Age(opts.Now)
	if d, stale := opts.Trust.Stale(opts.Now); stale {
		res.Stale = d
		return res.fail(kredensial.Fail(kredensial.TrustListStale, "trust list valid until %s, %s ago", opts.Trust.ValidUntil.Format(time.RFC3339), d.Round(time.Second)))
	}
	input = strings.TrimSpace(input)
	if len(input) > MaxInput {
		return res.fail(kredensial.Fail(kredensial.Unreadable, "input longer than %d bytes", MaxInput))
	}
	keys := opts.Trust.Keys(opts.Now)
	var uri string
	var idx uint64
	var hasStatus bool
	switch {
	case strings.HasPrefix(input, "IKD"):
		res.Format = FormatQR
		var nonce []byte
		if opts.Nonce != "" {
			nonce = []byte(opts.Nonce)
		}
		v, err := qrcred.Verify(input, qrcred.VerifyOptions{Keys: keys.ByShortKID, Now: opts.Now, Nonce: nonce})
		if err != nil {
			return res.fail(err)
		}
		res.Profile, res.Issuer, res.SignedAt, res.Expiry = string(v.Profile), v.Issuer, v.SignedAt, v.Exp
		res.Printed = v.Printed
		res.Claims = qrClaims(v.Claims)
		uri, idx, hasStatus = v.Status.URI, v.Status.Idx, v.Status.URI != ""
	case looksSDJWT(input):
		res.Format = FormatSDJWT
		v, err := sdjwt.Verify(input, sdjwt.VerifyOptions{Keys: keys.ByKID, Now: opts.Now, Skew: qrcred.DefaultSkew,
			RequireKB: opts.RequireKB, Aud: opts.Aud, Nonce: opts.Nonce})
		if err != nil {
			return res.fail(err)
		}
		res.Profile, res.Issuer, res.Expiry = v.VCT, v.Issuer, v.Expiry
		if v.KeyBinding != nil {
			res.SignedAt = v.KeyBinding.IssuedAt
		}
		res.Claims = sdClaims(v)
		if v.Status != nil && v.Status.Idx >= 0 {
			uri, idx, hasStatus = v.Status.URI, uint64(v.Status.Idx), true
		}
	default:
		return res.fail(kredensial.Fail(kredensial.Unreadable, "neither an IKD QR presentation nor an SD-JWT"))
	}
	if !hasStatus {
		return res.fail(kredensial.Fail(kredensial.StatusUnavailable, "the credential has no status list entry"))
	}
	if err := checkStatus(opts, keys, uri, idx); err != nil {
		return res.fail(err)
	}
	res.Valid = true
	return res
}

// checkStatus finds a usable token for uri and checks entry idx.
func checkStatus(opts Options, keys trustlist.KeySet, uri string, idx uint64) error {
	if opts.EntryStatus != nil {
		s, ok, err := opts.EntryStatus(uri, idx)
		if err != nil {
			return kredensial.Fail(kredensial.StatusUnavailable, "status of %s entry %d: %v", uri, idx, err)
		}
		if ok {
			return s.Check(idx)
		}
	}
	var tokens []string
	if opts.StatusToken != nil {
		if t, ok := opts.StatusToken(uri); ok {
			tokens = append(tokens, t)
		}
	}
	if t, ok := opts.Trust.StatusToken(uri); ok {
		tokens = append(tokens, t)
	}
	if len(tokens) == 0 {
		return kredensial.Fail(kredensial.StatusUnavailable, "no status list token for %s", uri)
	}
	var last error
	for _, t := range tokens {
		tok, err := statuslist.VerifyToken(t, keys.ByKID, opts.Now, uri)
		if err != nil {
			last = err
			continue
		}
		if idx >= uint64(tok.List.Len()) {
			return kredensial.Fail(kredensial.StatusUnavailable, "index %d outside the status list", idx)
		}
		return tok.List.Check(int(idx))
	}
	return last
}

// looksSDJWT reports whether s starts with a compact JWS followed by '~'.
func looksSDJWT(s string) bool {
	i := strings.IndexByte(s, '~')
	if i <= 0 {
		return false
	}
	return strings.Count(s[:i], ".") == 2
}

func qrClaims(d qrcred.Disclosed) map[string]any {
	m := map[string]any{}
	put := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	put("nama", d.Nama)
	put("nik", d.NIK)
	put("tanggal_lahir", d.TanggalLahir)
	put("jenis_kelamin", d.JenisKelamin)
	if len(d.FotoHash) > 0 {
		m["foto_hash"] = hex.EncodeToString(d.FotoHash)
	}
	if len(d.Foto) > 0 {
		m["foto"] = "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(d.Foto)
	}
	if d.AgeOver17 != nil {
		m["age_over_17"] = *d.AgeOver17
	}
	if d.AgeOver21 != nil {
		m["age_over_21"] = *d.AgeOver21
	}
	return m
}

// registered claims that are not the resident's.
var registered = map[string]bool{"iss": true, "iat": true, "nbf": true, "exp": true, "vct": true, "cnf": true, "status": true, "sub": true}

func sdClaims(v *sdjwt.Verified) map[string]any {
	m := map[string]any{}
	for _, p := range v.Disclosed {
		top, _, _ := strings.Cut(p, ".")
		top, _, _ = strings.Cut(top, "[")
		if registered[top] {
			continue
		}
		if c, ok := v.Claims[top]; ok {
			m[top] = c
		}
	}
	return m
}

// VerifyWithTrustList parses trustJWS (without a pinned root: the caller
// got it from the province over HTTPS or checks its signer separately) and
// verifies input against it at now with the verifier's nonce. A trust list
// that does not parse answers with its failure's reason.
func VerifyWithTrustList(input, trustJWS string, now time.Time, nonce string) Result {
	return VerifyPinned(input, trustJWS, "", now, nonce)
}

// VerifyPinned is VerifyWithTrustList with the province's root of trust
// pinned: pins lists key IDs (comma- or space-separated, as ikd keys list
// prints them), and a trust list signed by any other key answers
// unknown_issuer, as do malformed pins. Empty pins pin nothing. It is the
// entry of the WebAssembly verifier, which has only strings to pass.
func VerifyPinned(input, trustJWS, pins string, now time.Time, nonce string) Result {
	var res Result
	if now.IsZero() {
		return res.fail(errors.New("verify: Now is required"))
	}
	ids, err := trustlist.ParsePins(pins)
	if err != nil {
		return res.fail(kredensial.Fail(kredensial.UnknownIssuer, "pinned keys: %s", errs.Message(err, "en", err.Error())))
	}
	l, err := trustlist.ParsePinnedIDs(trustJWS, now, ids)
	if err != nil {
		return res.fail(err)
	}
	return Verify(input, Options{Trust: l, Now: now, Nonce: nonce})
}
