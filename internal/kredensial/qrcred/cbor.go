package qrcred

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// CBOR labels of the CWT claims (RFC 8392 §4, RFC 8747 §3.1, Token Status
// List §6.2), of ikd's private claim and of the presentation map.
const (
	claimIss    = 1
	claimExp    = 4
	claimNbf    = 5
	claimIat    = 6
	claimCti    = 7
	claimCnf    = 8
	claimStatus = 65535
	// claimIKD holds ikd's resident claims, keyed by the labels below. It
	// is in the private-use range of the CWT Claims registry (below
	// -65536, RFC 8392 §9.1), as EU DCC nests its payload under one claim.
	claimIKD = -65537

	presCredential = 1
	presSignedAt   = 2
	presNonce      = 3
)

// Labels of the private claim-key table: the members of the claimIKD map.
const (
	labelProfile      = 1 // uint: profileCodes
	labelNama         = 2 // tstr
	labelNIK          = 3 // tstr of 16 digits
	labelTanggalLahir = 4 // int: days since 1970-01-01 (RFC 8943, untagged)
	labelJenisKelamin = 5 // tstr: "L" or "P"
	labelFotoHash     = 6 // bstr of FotoHashSize bytes
	labelFoto         = 7 // bstr: JPEG thumbnail
	labelAgeOver17    = 8 // bool
	labelAgeOver21    = 9 // bool
	// labelCetak marks a printed card (assisted mode): true, and only in a
	// foto CWT with no cnf. Absent in every credential a phone holds.
	labelCetak = 10 // bool: true
)

var (
	// encMode is RFC 8949 §4.2.1 core deterministic encoding: map keys
	// (and struct fields) sorted bytewise, shortest forms, no indefinite
	// lengths.
	encMode cbor.EncMode
	// decMode reads untrusted input: duplicate keys, indefinite lengths
	// and tags are errors, struct fields match case-sensitively, and sizes
	// are capped well below anything a QR code can carry.
	decMode cbor.DecMode
	// strictMode is decMode that also rejects map keys the struct does not
	// name: the CWT claims set and ikd's claim map carry no unknown labels.
	strictMode cbor.DecMode
)

func init() {
	var err error
	if encMode, err = cbor.CoreDetEncOptions().EncMode(); err != nil {
		panic(err)
	}
	opts := cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		IndefLength:       cbor.IndefLengthForbidden,
		TagsMd:            cbor.TagsForbidden,
		FieldNameMatching: cbor.FieldNameMatchingCaseSensitive,
		MaxNestedLevels:   16,
		MaxArrayElements:  64,
		MaxMapPairs:       64,
		UTF8:              cbor.UTF8RejectInvalid,
	}
	if decMode, err = opts.DecMode(); err != nil {
		panic(err)
	}
	opts.ExtraReturnErrors = cbor.ExtraDecErrorUnknownField
	if strictMode, err = opts.DecMode(); err != nil {
		panic(err)
	}
}

// cwtClaims is the issuer CWT's claims set: the registered claims and
// ikd's one private claim, all with integer labels. Deterministic
// encoding sorts them 1, 4, 5, 6, 7, 8, 65535, -65537. It is decoded with
// strictMode: any other label is an error.
type cwtClaims struct {
	Iss    string       `cbor:"1,keyasint,omitempty"`
	Exp    *numericDate `cbor:"4,keyasint,omitempty"`
	Nbf    *numericDate `cbor:"5,keyasint,omitempty"`
	Iat    *numericDate `cbor:"6,keyasint,omitempty"`
	Cti    []byte       `cbor:"7,keyasint,omitempty"`
	Cnf    *cnfClaim    `cbor:"8,keyasint,omitempty"`
	Status *statusClaim `cbor:"65535,keyasint,omitempty"`
	IKD    *ikdClaims   `cbor:"-65537,keyasint,omitempty"`
}

// ikdClaims is the private claim-key table (claimIKD): the profile and
// the profile's resident claims, with one-byte labels. Unknown labels are
// errors (strictMode).
type ikdClaims struct {
	Profile      uint64 `cbor:"1,keyasint,omitempty"`
	Nama         string `cbor:"2,keyasint,omitempty"`
	NIK          string `cbor:"3,keyasint,omitempty"`
	TanggalLahir *int64 `cbor:"4,keyasint,omitempty"`
	JenisKelamin string `cbor:"5,keyasint,omitempty"`
	FotoHash     []byte `cbor:"6,keyasint,omitempty"`
	Foto         []byte `cbor:"7,keyasint,omitempty"`
	AgeOver17    *bool  `cbor:"8,keyasint,omitempty"`
	AgeOver21    *bool  `cbor:"9,keyasint,omitempty"`
	Cetak        *bool  `cbor:"10,keyasint,omitempty"`
}

// cnfClaim is the RFC 8747 confirmation claim holding a COSE_Key.
type cnfClaim struct {
	Key *coseKey `cbor:"1,keyasint"`
}

// UnmarshalCBOR reads cnf leniently (decMode): a COSE_Key may carry
// parameters ikd does not use.
func (c *cnfClaim) UnmarshalCBOR(b []byte) error {
	type plain cnfClaim
	return decMode.Unmarshal(b, (*plain)(c))
}

// coseKey is an RFC 9052 §7 / RFC 9053 §7.1.1 EC2 key: kty 2, crv 1
// (P-256), x as a 32-byte big-endian coordinate, and y either as the
// 32-byte coordinate or, in point compression, as a boolean holding its
// sign bit (the low bit of y). ikd writes the compressed form, 33 bytes
// shorter; it reads both. Other parameters (kid, alg) are ignored.
type coseKey struct {
	Kty int64           `cbor:"1,keyasint"`
	Crv int64           `cbor:"-1,keyasint"`
	X   []byte          `cbor:"-2,keyasint"`
	Y   cbor.RawMessage `cbor:"-3,keyasint"`
}

// statusClaim is the Token Status List CWT claim (label 65535).
type statusClaim struct {
	StatusList *statusList `cbor:"status_list"`
}

// UnmarshalCBOR reads the status claim leniently (decMode), as Token
// Status List lets it grow members.
func (c *statusClaim) UnmarshalCBOR(b []byte) error {
	type plain statusClaim
	return decMode.Unmarshal(b, (*plain)(c))
}

type statusList struct {
	Idx *uint64 `cbor:"idx"`
	URI string  `cbor:"uri"`
}

// presentation is the payload of the device-signed COSE_Sign1.
type presentation struct {
	Credential []byte       `cbor:"1,keyasint"`
	SignedAt   *numericDate `cbor:"2,keyasint"`
	Nonce      []byte       `cbor:"3,keyasint,omitempty"`
}

// maxDate is 9999-12-31T23:59:59Z: later NumericDates are rejected so that
// no arithmetic on them can overflow.
const maxDate = 253402300799

// numericDate is an RFC 8392 NumericDate: seconds since the epoch, an
// integer or (read only) a float.
type numericDate int64

func dateOf(t time.Time) *numericDate {
	d := numericDate(t.Unix())
	return &d
}

func (d *numericDate) time() time.Time {
	if d == nil {
		return time.Time{}
	}
	return time.Unix(int64(*d), 0).UTC()
}

// UnmarshalCBOR accepts an unsigned or negative integer or a finite float
// between 0 and maxDate.
func (d *numericDate) UnmarshalCBOR(b []byte) error {
	var v any
	if err := decMode.Unmarshal(b, &v); err != nil {
		return err
	}
	var n int64
	switch x := v.(type) {
	case uint64:
		if x > maxDate {
			return fmt.Errorf("date %d out of range", x)
		}
		n = int64(x)
	case int64:
		return fmt.Errorf("negative date %d", x)
	case float64:
		if math.IsNaN(x) || x < 0 || x > maxDate {
			return fmt.Errorf("date %v out of range", x)
		}
		n = int64(x)
	default:
		return fmt.Errorf("date is a %T, not a number", v)
	}
	*d = numericDate(n)
	return nil
}

// MarshalCBOR writes the integer form.
func (d numericDate) MarshalCBOR() ([]byte, error) { return encMode.Marshal(int64(d)) }

// COSE_Key parameter values.
const (
	coseKtyEC2  = 2
	coseCrvP256 = 1
)

// CBOR simple values false and true: a compressed point's y.
var (
	cborFalse = cbor.RawMessage{0xf4}
	cborTrue  = cbor.RawMessage{0xf5}
)

// coseKeyOf returns pub as a compressed COSE_Key.
func coseKeyOf(pub *ecdsa.PublicKey) (*coseKey, error) {
	if !isP256(pub) {
		return nil, errors.New("not a P-256 public key")
	}
	b, err := pub.Bytes() // 0x04 || X || Y
	if err != nil {
		return nil, err
	}
	y := cborFalse
	if b[64]&1 == 1 {
		y = cborTrue
	}
	return &coseKey{Kty: coseKtyEC2, Crv: coseCrvP256, X: b[1:33], Y: y}, nil
}

func (k *coseKey) publicKey() (*ecdsa.PublicKey, error) {
	if k == nil {
		return nil, errors.New("no COSE_Key")
	}
	if k.Kty != coseKtyEC2 || k.Crv != coseCrvP256 {
		return nil, fmt.Errorf("COSE_Key kty %d crv %d, want EC2 (2) P-256 (1)", k.Kty, k.Crv)
	}
	if len(k.X) != 32 {
		return nil, fmt.Errorf("COSE_Key x of %d bytes, want 32", len(k.X))
	}
	var p [65]byte
	p[0] = 4
	copy(p[1:], k.X)
	switch {
	case bytes.Equal(k.Y, cborFalse), bytes.Equal(k.Y, cborTrue):
		c := make([]byte, 33)
		c[0] = 2 | k.Y[0]&1 // 0xf4 → 0x02 (even y), 0xf5 → 0x03 (odd y)
		copy(c[1:], k.X)
		x, y := elliptic.UnmarshalCompressed(elliptic.P256(), c)
		if x == nil {
			return nil, errors.New("COSE_Key: x is not on P-256")
		}
		y.FillBytes(p[33:])
	default:
		var yb []byte
		if err := decMode.Unmarshal(k.Y, &yb); err != nil || len(yb) != 32 {
			return nil, errors.New("COSE_Key y is neither a sign bit nor 32 bytes")
		}
		copy(p[33:], yb)
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), p[:])
	if err != nil {
		return nil, fmt.Errorf("COSE_Key: %w", err)
	}
	return pub, nil
}
