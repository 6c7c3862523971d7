package qrcred

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"

	"github.com/fxamacker/cbor/v2"
	"github.com/veraison/go-cose"

	"github.com/ikd-project/ikd/internal/kredensial"
)

// sign1 signs payload as a tagged COSE_Sign1 (tag 18) with ES256; kid,
// when not nil, goes into the protected header next to alg.
func sign1(signer crypto.Signer, kid, payload []byte) ([]byte, error) {
	if signer == nil {
		return nil, errors.New("nil signer")
	}
	if pub, ok := signer.Public().(*ecdsa.PublicKey); !ok || pub.Curve != elliptic.P256() {
		return nil, fmt.Errorf("signer key is %T, want an ECDSA P-256 key for ES256", signer.Public())
	}
	s, err := cose.NewSigner(cose.AlgorithmES256, signer)
	if err != nil {
		return nil, err
	}
	msg := cose.NewSign1Message()
	msg.Headers.Protected.SetAlgorithm(cose.AlgorithmES256)
	if kid != nil {
		msg.Headers.Protected[cose.HeaderLabelKeyID] = kid
	}
	msg.Payload = payload
	if err := msg.Sign(rand.Reader, nil, s); err != nil {
		return nil, err
	}
	return msg.MarshalCBOR()
}

// coseSign1 is a COSE_Sign1 array (RFC 9052 §4.2) as read by the
// verifier. Reading it with fxamacker/cbor directly rather than through
// go-cose's Sign1Message halves the verifier's overhead over the two
// signature checks (go-cose validates and copies every header into maps);
// go-cose still makes every COSE_Sign1 this package signs, and the tests
// check that it verifies them.
type coseSign1 struct {
	_           struct{} `cbor:",toarray"`
	Protected   []byte
	Unprotected unprotectedHeader
	Payload     []byte
	Signature   []byte
}

// protectedHeader holds the protected header parameters ikd reads; others
// are ignored unless listed in crit.
type protectedHeader struct {
	Alg  cbor.RawMessage `cbor:"1,keyasint"`
	Crit cbor.RawMessage `cbor:"2,keyasint"`
	Kid  []byte          `cbor:"4,keyasint"`
}

type unprotectedHeader struct {
	Kid []byte `cbor:"4,keyasint"`
}

// sign1Msg is a decoded COSE_Sign1 whose alg is ES256.
type sign1Msg struct {
	protected []byte // the serialized protected header, as signed
	kid       []byte // from the protected header, else the unprotected one
	payload   []byte
	signature []byte
}

// decodeSign1 reads a COSE_Sign1, tagged (18) or untagged, and checks that
// its protected alg is ES256. Which layer it is ("issuer" or "device")
// goes into the failure's detail.
func decodeSign1(b []byte, layer string) (*sign1Msg, error) {
	if len(b) > 0 && b[0] == 0xd2 { // tag 18
		b = b[1:]
	}
	if len(b) == 0 || b[0] != 0x84 { // an array of 4
		return nil, kredensial.Fail(kredensial.BadEncoding, "%s layer is not a COSE_Sign1", layer)
	}
	var m coseSign1
	if err := decMode.Unmarshal(b, &m); err != nil {
		return nil, kredensial.Fail(kredensial.BadEncoding, "%s COSE_Sign1: %v", layer, err)
	}
	if m.Payload == nil {
		return nil, kredensial.Fail(kredensial.BadEncoding, "%s COSE_Sign1 has a detached payload", layer)
	}
	var h protectedHeader
	if len(m.Protected) > 0 {
		if err := decMode.Unmarshal(m.Protected, &h); err != nil {
			return nil, kredensial.Fail(kredensial.BadEncoding, "%s protected header: %v", layer, err)
		}
	}
	if h.Crit != nil {
		return nil, kredensial.Fail(kredensial.Unsupported, "%s protected header lists critical parameters", layer)
	}
	if h.Alg == nil {
		return nil, kredensial.Fail(kredensial.Unsupported, "%s COSE_Sign1 has no protected alg", layer)
	}
	var alg int64
	if err := decMode.Unmarshal(h.Alg, &alg); err != nil {
		return nil, kredensial.Fail(kredensial.Unsupported, "%s COSE_Sign1 alg %v is not a registered integer", layer, h.Alg)
	}
	if alg != int64(cose.AlgorithmES256) {
		return nil, kredensial.Fail(kredensial.Unsupported, "%s COSE_Sign1 alg %v, only ES256 (-7) is accepted", layer, cose.Algorithm(alg))
	}
	if len(m.Signature) != 64 {
		return nil, kredensial.Fail(kredensial.BadEncoding, "%s ES256 signature of %d bytes, not 64", layer, len(m.Signature))
	}
	// A kid in the clear (as EU DCC verifiers accept) cannot let a forgery
	// through: the signature must still verify with the key it names.
	kid := h.Kid
	if len(kid) == 0 {
		kid = m.Unprotected.Kid
	}
	return &sign1Msg{protected: m.Protected, kid: kid, payload: m.Payload, signature: m.Signature}, nil
}

// verify checks m's ES256 signature with pub. The signature covers the
// CBOR Sig_structure ["Signature1", protected, external_aad, payload] with
// an empty external_aad (RFC 9052 §4.4), and is r‖s, 32 bytes each
// (RFC 9053 §2.1).
func (m *sign1Msg) verify(pub *ecdsa.PublicKey) error {
	tbs, err := encMode.Marshal([]any{"Signature1", m.protected, []byte{}, m.payload})
	if err != nil {
		return err
	}
	h := sha256.Sum256(tbs)
	r := new(big.Int).SetBytes(m.signature[:32])
	s := new(big.Int).SetBytes(m.signature[32:])
	if !ecdsa.Verify(pub, h[:], r, s) {
		return errors.New("ES256 signature does not verify")
	}
	return nil
}
