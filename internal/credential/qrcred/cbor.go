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
// List §6.2) and of the presentation map.
const (
	claimIss    = 1
	claimExp    = 4
	claimNbf    = 5
	claimIat    = 6
	claimCti    = 7
	claimCnf    = 8
	claimStatus = 65535

	presCredential = 1
	presSignedAt   = 2
	presNonce      = 3
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
)

func init() {
	var err error
	if encMode, err = cbor.CoreDetEncOptions().EncMode(); err != nil {
		panic(err)
	}
	decMode, err = cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		IndefLength:       cbor.IndefLengthForbidden,
		TagsMd:            cbor.TagsForbidden,
		FieldNameMatching: cbor.FieldNameMatchingCaseSensitive,
		MaxNestedLevels:   16,
		MaxArrayElements:  64,
		MaxMapPairs:       64,
		UTF8:              cbor.UTF8RejectInvalid,
	}.DecMode()
	if err != nil {
		panic(err)
	}
}

// cwtClaims is the issuer CWT's claims set. Registered claims have integer
// labels; ikd's own claims are text-keyed. Deterministic encoding sorts
// them: 1, 4, 5, 6, 7, 8, 65535, then the text keys by length and bytes.
type cwtClaims struct {
	Iss    string       `cbor:"1,keyasint,omitempty"`
	Exp    *numericDate `cbor:"4,keyasint,omitempty"`
	Nbf    *numericDate `cbor:"5,keyasint,omitempty"`
	Iat    *numericDate `cbor:"6,keyasint,omitempty"`
	Cti    []byte       `cbor:"7,keyasint,omitempty"`
	Cnf    *cnfClaim    `cbor:"8,keyasint,omitempty"`
	Status *statusClaim `cbor:"65535,keyasint,omitempty"`

	Profile      string `cbor:"p,omitempty"`
	Nama         string `cbor:"nama,omitempty"`
	NIK          string `cbor:"nik,omitempty"`
	TanggalLahir string `cbor:"tanggal_lahir,omitempty"`
	JenisKelamin string `cbor:"jenis_kelamin,omitempty"`
	FotoHash     []byte `cbor:"foto_hash,omitempty"`
	Foto         []byte `cbor:"foto,omitempty"`
	AgeOver17    *bool  `cbor:"age_over_17,omitempty"`
	AgeOver21    *bool  `cbor:"age_over_21,omitempty"`
}

// cnfClaim is the RFC 8747 confirmation claim holding a COSE_Key.
type cnfClaim struct {
	Key *coseKey `cbor:"1,keyasint"`
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
