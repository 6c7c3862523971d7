package qrcred

import (
	"crypto"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"time"

	"github.com/ikd-project/ikd/internal/kredensial"
)

// MaxKidSize caps the issuer key ID. ikd uses 8 bytes (see KeyID); the cap
// only bounds what a verifier will look up.
const MaxKidSize = 64

// Issue returns an issuer CWT: a tagged COSE_Sign1 (ES256, protected alg
// and kid) over the deterministic CBOR claims of c for profile. signer
// must hold a P-256 key; kid names it for verifiers (see KeyID).
func Issue(signer crypto.Signer, kid []byte, c Claims, profile Profile) ([]byte, error) {
	payload, err := issuerPayload(c, profile)
	if err != nil {
		return nil, fmt.Errorf("qrcred: issue %s: %w", profile, err)
	}
	if len(kid) == 0 || len(kid) > MaxKidSize {
		return nil, fmt.Errorf("qrcred: issue: kid of %d bytes, want 1 to %d", len(kid), MaxKidSize)
	}
	out, err := sign1(signer, kid, payload)
	if err != nil {
		return nil, fmt.Errorf("qrcred: issue: %w", err)
	}
	return out, nil
}

// issuerPayload encodes the claims set of c for profile.
func issuerPayload(c Claims, profile Profile) ([]byte, error) {
	if !profile.Known() {
		return nil, fmt.Errorf("unknown profile %q", profile)
	}
	switch {
	case c.Issuer == "":
		return nil, errors.New("empty Issuer")
	case len(c.CTI) == 0:
		return nil, errors.New("empty CTI")
	case c.IAT.IsZero() || c.Exp.IsZero():
		return nil, errors.New("IAT and Exp are required")
	case !c.Exp.After(c.IAT):
		return nil, errors.New("Exp is not after IAT")
	case !c.NBF.IsZero() && !c.Exp.After(c.NBF):
		return nil, errors.New("Exp is not after NBF")
	case c.Status.URI == "":
		return nil, errors.New("empty Status.URI")
	case !inDateRange(c.IAT) || !inDateRange(c.Exp) || !c.NBF.IsZero() && !inDateRange(c.NBF):
		return nil, errors.New("a time before 1970 or after 9999")
	}
	cw := cwtClaims{
		Iss:    c.Issuer,
		Exp:    dateOf(c.Exp),
		Iat:    dateOf(c.IAT),
		Cti:    c.CTI,
		Status: &statusClaim{StatusList: &statusList{Idx: &c.Status.Idx, URI: c.Status.URI}},
	}
	switch {
	case c.Printed && profile != Foto:
		return nil, fmt.Errorf("a printed card is of profile %s, not %s", Foto, profile)
	case c.Printed && c.DeviceKey != nil:
		return nil, errors.New("a printed card is bound to no device: DeviceKey must be nil")
	case !c.Printed:
		key, err := coseKeyOf(c.DeviceKey)
		if err != nil {
			return nil, fmt.Errorf("DeviceKey: %w", err)
		}
		cw.Cnf = &cnfClaim{Key: key}
	}
	if !c.NBF.IsZero() {
		cw.Nbf = dateOf(c.NBF)
	}
	var err error
	if cw.IKD, err = subjectClaims(profile, c.Resident, c.IAT); err != nil {
		return nil, err
	}
	if c.Printed {
		t := true
		cw.IKD.Cetak = &t
	}
	return encMode.Marshal(&cw)
}

func inDateRange(t time.Time) bool { return t.Unix() >= 0 && t.Unix() <= maxDate }

// KeyFunc returns the trusted issuer public key with the given key ID, and
// whether there is one. Keys that are withdrawn, or retired and past their
// verification window, must not be returned.
type KeyFunc func(kid []byte) (crypto.PublicKey, bool)

// ParseIssued checks an issuer CWT's signature with the key keys returns
// for its kid, and its structure, and returns the credential. It checks no
// times and no holder signature: a wallet uses it to read what it holds,
// Verify uses it for the inner layer of a presentation. Failures are
// *kredensial.Error values.
func ParseIssued(cwt []byte, keys KeyFunc) (*Credential, error) {
	if keys == nil {
		return nil, errors.New("qrcred: ParseIssued: nil KeyFunc")
	}
	msg, err := decodeSign1(cwt, "issuer")
	if err != nil {
		return nil, err
	}
	kid := msg.kid
	if len(kid) == 0 {
		return nil, kredensial.Fail(kredensial.UnknownIssuer, "issuer COSE_Sign1 has no kid")
	}
	if len(kid) > MaxKidSize {
		return nil, kredensial.Fail(kredensial.UnknownIssuer, "kid of %d bytes", len(kid))
	}
	k, ok := keys(kid)
	if !ok || k == nil {
		return nil, kredensial.Fail(kredensial.UnknownIssuer, "no trusted issuer key with kid %x", kid)
	}
	pub, ok := k.(*ecdsa.PublicKey)
	if !ok || !isP256(pub) {
		return nil, kredensial.Fail(kredensial.Unsupported, "issuer key %x is a %T, not ECDSA P-256", kid, k)
	}
	if err := msg.verify(pub); err != nil {
		return nil, kredensial.Fail(kredensial.BadSignature, "issuer signature (kid %x): %v", kid, err)
	}
	cred, err := credentialOf(msg.payload)
	if err != nil {
		return nil, err
	}
	cred.Kid = kid
	return cred, nil
}

// credentialOf decodes and checks a CWT claims set.
func credentialOf(payload []byte) (*Credential, error) {
	var c cwtClaims
	if err := strictMode.Unmarshal(payload, &c); err != nil {
		return nil, kredensial.Fail(kredensial.BadEncoding, "CWT claims: %v", err)
	}
	if c.IKD == nil || c.IKD.Profile == 0 {
		return nil, kredensial.Fail(kredensial.BadEncoding, "CWT has no profile (claim %d, label %d)", claimIKD, labelProfile)
	}
	if _, ok := profileOfCode(c.IKD.Profile); !ok {
		return nil, kredensial.Fail(kredensial.Unsupported, "profile %d", c.IKD.Profile)
	}
	switch {
	case c.Iss == "":
		return nil, kredensial.Fail(kredensial.BadEncoding, "CWT has no iss")
	case c.Exp == nil || c.Iat == nil:
		return nil, kredensial.Fail(kredensial.BadEncoding, "CWT lacks exp or iat")
	case len(c.Cti) == 0:
		return nil, kredensial.Fail(kredensial.BadEncoding, "CWT has no cti")
	case c.IKD.Cetak != nil && !*c.IKD.Cetak:
		return nil, kredensial.Fail(kredensial.BadEncoding, "cetak claim (label %d) is false; it is true or absent", labelCetak)
	case c.IKD.Cetak != nil && c.Cnf != nil:
		return nil, kredensial.Fail(kredensial.BadEncoding, "a printed card (cetak) carries a cnf")
	case c.IKD.Cetak != nil && c.IKD.Profile != profileCodes[Foto]:
		return nil, kredensial.Fail(kredensial.BadEncoding, "a printed card (cetak) is not of profile foto")
	case c.Cnf == nil && c.IKD.Cetak == nil:
		return nil, kredensial.Fail(kredensial.BadEncoding, "CWT has no cnf")
	case c.Status == nil || c.Status.StatusList == nil || c.Status.StatusList.Idx == nil || c.Status.StatusList.URI == "":
		return nil, kredensial.Fail(kredensial.BadEncoding, "CWT lacks status.status_list idx and uri")
	}
	var dev *ecdsa.PublicKey
	if c.Cnf != nil {
		var err error
		if dev, err = c.Cnf.Key.publicKey(); err != nil {
			return nil, kredensial.Fail(kredensial.BadEncoding, "cnf: %v", err)
		}
	}
	p, d, err := disclosedOf(c.IKD)
	if err != nil {
		return nil, kredensial.Fail(kredensial.BadEncoding, "claims: %v", err)
	}
	return &Credential{
		Profile:   p,
		Claims:    d,
		Issuer:    c.Iss,
		CTI:       c.Cti,
		IAT:       c.Iat.time(),
		NBF:       c.Nbf.time(),
		Exp:       c.Exp.time(),
		DeviceKey: dev,
		Status:    Status{Idx: *c.Status.StatusList.Idx, URI: c.Status.StatusList.URI},
		Printed:   c.IKD.Cetak != nil,
	}, nil
}
