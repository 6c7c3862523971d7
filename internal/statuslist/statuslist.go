// Package statuslist implements the IETF Token Status List
// (draft-ietf-oauth-status-list): a compressed array of 1, 2, 4 or 8 bits
// per credential, published as a signed JWT, that tells verifiers whether a
// credential is valid, revoked or suspended.
//
// ikd uses 2 bits per entry: 0 valid, 1 revoked (the draft's INVALID),
// 2 suspended; 3 is the draft's application-specific value and unused.
// A credential points at its entry with status.status_list.{idx, uri}.
//
// The package is pure: no I/O and no clock (the time is a parameter).
//
// # Encoding
//
// Entry i occupies bits [i*bits, (i+1)*bits) of the byte array, counting
// from the least significant bit of byte 0. The array is compressed with
// DEFLATE in the zlib format (RFC 1950) at the best compression level and
// base64url-encoded without padding: the "lst" of a status list. Different
// zlib implementations compress to different bytes, so compare lists after
// decoding, never lst strings.
//
// # Status list tokens and failure reasons
//
// [SignToken] signs a status list token (typ statuslist+jwt, ES256) and
// [VerifyToken] checks one. A status list token that cannot be used does not
// make the credential it is consulted for bad, so VerifyToken maps every
// failure to one of two reasons, with the cause in the detail:
//
//	trust_list_stale    the token is past its exp (beyond Leeway): the
//	                    verifier holds an old copy and must refresh it
//	status_unavailable  anything else: malformed, wrong typ or alg, unknown
//	                    kid, bad signature, issued in the future, sub not the
//	                    URI the credential points to, bad bits or lst
//
// The token's ttl is a caching hint, not a validity limit: [Token.FreshUntil]
// says when a verifier should fetch a new copy, and VerifyToken still
// accepts the token after it. [List.Check] turns an entry into nil (valid),
// revoked, suspended or status_unavailable.
package statuslist

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"errors"
	"fmt"
	"io"

	"github.com/ikd-project/ikd/internal/kredensial"
)

// Status is the value of one entry.
type Status uint8

// Status values defined by the draft, as ikd uses them.
const (
	Valid     Status = 0 // VALID
	Revoked   Status = 1 // INVALID in the draft: revoked for good
	Suspended Status = 2 // SUSPENDED: may become valid again
)

// String returns the draft's name for s, or its number.
func (s Status) String() string {
	switch s {
	case Valid:
		return "VALID"
	case Revoked:
		return "INVALID"
	case Suspended:
		return "SUSPENDED"
	}
	return fmt.Sprintf("0x%02X", uint8(s))
}

// MaxBytes is the largest byte array New makes and Decode inflates, against
// compression bombs: 16 MiB, 64 million 2-bit entries.
const MaxBytes = 16 << 20

var b64 = base64.RawURLEncoding.Strict()

// List is a status list of Len entries of Bits bits each.
type List struct {
	bits int
	size int
	data []byte
}

func validBits(bits int) bool { return bits == 1 || bits == 2 || bits == 4 || bits == 8 }

// New returns a list of size entries of bits bits (1, 2, 4 or 8), all Valid.
func New(size, bits int) (*List, error) {
	if !validBits(bits) {
		return nil, fmt.Errorf("statuslist: bits %d, want 1, 2, 4 or 8", bits)
	}
	if size <= 0 || (size*bits+7)/8 > MaxBytes {
		return nil, fmt.Errorf("statuslist: size %d out of range", size)
	}
	return &List{bits: bits, size: size, data: make([]byte, (size*bits+7)/8)}, nil
}

// Bits returns the number of bits per entry.
func (l *List) Bits() int { return l.bits }

// Len returns the number of entries. A decoded list has every entry its
// bytes can hold (a multiple of 8/Bits), since the encoding does not
// record the size.
func (l *List) Len() int { return l.size }

// Bytes returns a copy of the uncompressed byte array.
func (l *List) Bytes() []byte { return bytes.Clone(l.data) }

// Get returns entry i.
func (l *List) Get(i int) (Status, error) {
	if i < 0 || i >= l.size {
		return 0, fmt.Errorf("statuslist: index %d out of range [0, %d)", i, l.size)
	}
	bit := i * l.bits
	mask := byte(1<<l.bits - 1)
	return Status(l.data[bit/8] >> (bit % 8) & mask), nil
}

// Set sets entry i to s, which must fit in Bits bits.
func (l *List) Set(i int, s Status) error {
	if i < 0 || i >= l.size {
		return fmt.Errorf("statuslist: index %d out of range [0, %d)", i, l.size)
	}
	if int(s) >= 1<<l.bits {
		return fmt.Errorf("statuslist: status %d does not fit in %d bits", s, l.bits)
	}
	bit := i * l.bits
	mask := byte(1<<l.bits-1) << (bit % 8)
	l.data[bit/8] = l.data[bit/8]&^mask | byte(s)<<(bit%8)
	return nil
}

// Check returns nil when entry i is Valid, and otherwise a
// *kredensial.Error: revoked, suspended, or status_unavailable for an index
// outside the list or a value ikd does not define.
func (l *List) Check(i int) error {
	s, err := l.Get(i)
	if err != nil {
		return kredensial.Fail(kredensial.StatusUnavailable, "%v", err)
	}
	return s.Check(uint64(i))
}

// Check returns nil when s is Valid, and otherwise the *kredensial.Error of
// entry i holding s: revoked, suspended, or status_unavailable for a value
// ikd does not define.
func (s Status) Check(i uint64) error {
	switch s {
	case Valid:
		return nil
	case Revoked:
		return kredensial.Fail(kredensial.Revoked, "status list entry %d is INVALID", i)
	case Suspended:
		return kredensial.Fail(kredensial.Suspended, "status list entry %d is SUSPENDED", i)
	}
	return kredensial.Fail(kredensial.StatusUnavailable, "status list entry %d has the undefined value %s", i, s)
}

// Encode returns the list's lst: base64url (no padding) of the zlib
// (DEFLATE, best compression) of the byte array.
func (l *List) Encode() string {
	var buf bytes.Buffer
	zw, err := zlib.NewWriterLevel(&buf, zlib.BestCompression)
	if err != nil {
		panic(err) // only for an invalid level
	}
	_, _ = zw.Write(l.data) // writes to a bytes.Buffer cannot fail
	_ = zw.Close()
	return b64.EncodeToString(buf.Bytes())
}

// Decode reads an lst of entries of bits bits. It refuses malformed
// base64url, a bad zlib stream or checksum, trailing data after the stream,
// an empty list and one that inflates to more than MaxBytes.
func Decode(bits int, lst string) (*List, error) {
	if !validBits(bits) {
		return nil, fmt.Errorf("statuslist: bits %d, want 1, 2, 4 or 8", bits)
	}
	for i := 0; i < len(lst); i++ {
		if c := lst[i]; !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return nil, fmt.Errorf("statuslist: lst holds %q, not base64url", c)
		}
	}
	raw, err := b64.DecodeString(lst)
	if err != nil {
		return nil, fmt.Errorf("statuslist: lst is not base64url: %w", err)
	}
	br := bytes.NewReader(raw)
	zr, err := zlib.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("statuslist: lst is not zlib: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(zr, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("statuslist: inflate: %w", err)
	}
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("statuslist: inflates to more than %d bytes", MaxBytes)
	}
	if err := zr.Close(); err != nil {
		return nil, fmt.Errorf("statuslist: inflate: %w", err)
	}
	if br.Len() != 0 {
		return nil, errors.New("statuslist: data after the zlib stream")
	}
	if len(data) == 0 {
		return nil, errors.New("statuslist: empty list")
	}
	return &List{bits: bits, size: len(data) * 8 / bits, data: data}, nil
}
