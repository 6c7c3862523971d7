package qrcred

import (
	"errors"
	"fmt"
	"time"

	"github.com/ikd-project/ikd/internal/kredensial"
)

// Printed cards (assisted mode). A resident with no smartphone gets a
// card printed at the counter whose QR code is a foto issuer CWT with no
// cnf and the cetak claim (label 10, true), written Prefix + base45 of the
// issuer COSE_Sign1 itself: there is no device layer, so no device
// signature, no signing time and no nonce. The card is a bearer
// credential: the verifier must compare the face the CWT carries with the
// person in front of them, and the status list revokes it like any other
// credential. Verify tells the two apart by the outer COSE_Sign1: only
// the issuer layer names a key (kid); a device presentation never does.

// PrintedText returns the QR text of a printed card's issuer CWT: Prefix
// + base45 of the CWT as it is. The CWT must be a printed card (Printed,
// no cnf); its signature is not checked here.
func PrintedText(issuerCWT []byte) (string, error) {
	msg, err := decodeSign1(issuerCWT, "issuer")
	if err != nil {
		return "", fmt.Errorf("qrcred: printed text: %w", err)
	}
	cred, err := credentialOf(msg.payload)
	if err != nil {
		return "", fmt.Errorf("qrcred: printed text: %w", err)
	}
	if !cred.Printed || len(msg.kid) == 0 {
		return "", errors.New("qrcred: printed text: not a printed card (no cetak claim, or no kid)")
	}
	return Prefix + string(base45Encode(issuerCWT)), nil
}

// verifyPrinted checks an issuer CWT shown as it is: the issuer
// signature, that it is a printed card, and its times. A verifier nonce
// is not asked of it: a printed card cannot answer one, which is why the
// verifier says it is a printed card and shows the face.
func verifyPrinted(raw []byte, opts VerifyOptions, skew time.Duration) (*Verified, error) {
	cred, err := ParseIssued(raw, opts.Keys)
	if err != nil {
		return nil, err
	}
	if !cred.Printed || cred.DeviceKey != nil {
		// A phone's issuer CWT copied without its device signature.
		return nil, kredensial.Fail(kredensial.WrongHolder, "an issuer CWT with no device signature that is not a printed card")
	}
	if err := checkTimes(cred, opts.Now, skew); err != nil {
		return nil, err
	}
	return &Verified{Credential: *cred}, nil
}
