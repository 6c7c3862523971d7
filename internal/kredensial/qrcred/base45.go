package qrcred

import (
	"errors"
	"fmt"
)

// Base45 (RFC 9285), written out here rather than taken from
// github.com/adrianrudnik/base45-go, which the tests keep as the reference:
// that package validates each character with a linear search, which cost
// about 6% of a whole Verify. These two functions are table-driven and
// allocate only their result.

const base45Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

// base45Value maps a byte to its base45 value, or 0xff.
var base45Value = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i := range len(base45Alphabet) {
		t[base45Alphabet[i]] = byte(i)
	}
	return t
}()

// base45Encode encodes b: each pair of bytes n = a·256 + b as three
// characters c, d, e with n = c + 45·d + 45²·e; a last odd byte as two.
func base45Encode(b []byte) []byte {
	out := make([]byte, 0, len(b)/2*3+2)
	for i := 0; i+1 < len(b); i += 2 {
		n := int(b[i])<<8 | int(b[i+1])
		out = append(out, base45Alphabet[n%45], base45Alphabet[n/45%45], base45Alphabet[n/(45*45)])
	}
	if len(b)%2 == 1 {
		n := int(b[len(b)-1])
		out = append(out, base45Alphabet[n%45], base45Alphabet[n/45])
	}
	return out
}

// base45Decode decodes s, rejecting (RFC 9285 §6) characters outside the
// alphabet, a length of 1 modulo 3, and triples or pairs above 65535 or
// 255.
func base45Decode(s string) ([]byte, error) {
	if len(s)%3 == 1 {
		return nil, fmt.Errorf("base45: length %d is not 0 or 2 modulo 3", len(s))
	}
	out := make([]byte, 0, len(s)/3*2+1)
	for i := 0; i < len(s); i += 3 {
		c, d := base45Value[s[i]], base45Value[s[i+1]]
		if c == 0xff || d == 0xff {
			return nil, errBase45Char(s, i)
		}
		n := int(c) + 45*int(d)
		if i+2 == len(s) {
			if n > 0xff {
				return nil, errors.New("base45: last pair above 255")
			}
			return append(out, byte(n)), nil
		}
		e := base45Value[s[i+2]]
		if e == 0xff {
			return nil, errBase45Char(s, i)
		}
		n += 45 * 45 * int(e)
		if n > 0xffff {
			return nil, fmt.Errorf("base45: triple %q above 65535", s[i:i+3])
		}
		out = append(out, byte(n>>8), byte(n))
	}
	return out, nil
}

func errBase45Char(s string, i int) error {
	for j := i; j < len(s) && j < i+3; j++ {
		if base45Value[s[j]] == 0xff {
			return fmt.Errorf("base45: character %q at %d is not in the alphabet", s[j], j)
		}
	}
	return errors.New("base45: bad character")
}
