package trustlist

import (
	"slices"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/kredensial"
)

// PinError is the failure of ParsePinnedIDs for a list that is well
// signed, but by a key that is not pinned. It unwraps to a
// *kredensial.Error with reason unknown_issuer.
type PinError struct {
	SignedBy string   // the ID of the key that signed the list
	Pinned   []string // the pinned key IDs
}

// Error names the signing key and the pins.
func (e *PinError) Error() string {
	return "trustlist: signed by key " + e.SignedBy + ", which is not pinned (" + strings.Join(e.Pinned, ",") + ")"
}

// Unwrap returns the unknown_issuer failure.
func (e *PinError) Unwrap() error {
	return kredensial.Fail(kredensial.UnknownIssuer, "trust list signing key %q is not pinned", e.SignedBy)
}

// ParsePinnedIDs is Parse with the root of trust pinned by key IDs (RFC
// 7638 thumbprints, as package kms and `ikd keys list` name keys) instead
// of keys. Parse checks that every key of a list is named by its own
// thumbprint and that the signature verifies with the key the header
// names, so a list whose signing key ID is pinned is signed by the pinned
// key. A list signed by another key fails with a *PinError. With no ids
// it is Parse without pinning.
func ParsePinnedIDs(jws string, now time.Time, ids []string) (*List, error) {
	l, err := Parse(jws, now, nil)
	if err != nil || len(ids) == 0 {
		return l, err
	}
	if !slices.Contains(ids, l.SignedBy) {
		return nil, &PinError{SignedBy: l.SignedBy, Pinned: ids}
	}
	return l, nil
}

// ParsePins parses a list of pinned key IDs separated by commas or
// spaces (a --pin flag, IKD_TRUST_PIN or a pin file). Each must look
// like a key ID: 43 characters of base64url, a SHA-256 thumbprint.
func ParsePins(s string) ([]string, error) {
	var out []string
	for _, id := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' || r == '\r' }) {
		if b, err := b64.DecodeString(id); err != nil || len(b) != 32 {
			return nil, errs.Newf(errs.Invalid,
				"%q bukan ID kunci (43 karakter base64url, seperti yang dicetak ikd keys list)",
				"%q is not a key ID (43 characters of base64url, as ikd keys list prints them)", id)
		}
		out = append(out, id)
	}
	return out, nil
}
