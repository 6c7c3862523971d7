package statuslist

import (
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/ikd-project/ikd/internal/kredensial"
)

type specVector struct {
	Name     string         `json:"name"`
	Bits     int            `json:"bits"`
	Size     int            `json:"size"`
	Lst      string         `json:"lst"`
	Bytes    string         `json:"bytes"`
	Statuses map[string]int `json:"statuses"`
}

func specVectors(t testing.TB) []specVector {
	t.Helper()
	raw, err := os.ReadFile("testdata/spec_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Vectors []specVector }
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	return f.Vectors
}

// TestSpecVectorsDecode decodes the draft's own lst strings (made by
// another zlib) and checks every entry: the listed ones and, for the
// 2^20-entry vectors, that every other entry is 0.
func TestSpecVectorsDecode(t *testing.T) {
	for _, v := range specVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			l, err := Decode(v.Bits, v.Lst)
			if err != nil {
				t.Fatal(err)
			}
			if v.Bytes != "" {
				if got := hex.EncodeToString(l.Bytes()); got != v.Bytes {
					t.Errorf("bytes %s, want %s", got, v.Bytes)
				}
			}
			if v.Size != 0 && l.Len() != v.Size {
				t.Errorf("Len %d, want %d", l.Len(), v.Size)
			}
			nonzero := 0
			for i := range l.Len() {
				s, err := l.Get(i)
				if err != nil {
					t.Fatal(err)
				}
				want := v.Statuses[strconv.Itoa(i)]
				if int(s) != want {
					t.Fatalf("status[%d] = %d, want %d", i, s, want)
				}
				if s != 0 {
					nonzero++
				}
			}
			listed := 0
			for _, s := range v.Statuses {
				if s != 0 {
					listed++
				}
			}
			if nonzero != listed {
				t.Errorf("%d non-zero entries, want %d", nonzero, listed)
			}
		})
	}
}

// TestSpecVectorsEncode builds each vector with Set and checks that Encode
// round-trips to the same bytes as the draft's lst (the lst strings
// themselves differ between zlib implementations).
func TestSpecVectorsEncode(t *testing.T) {
	for _, v := range specVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			ref, err := Decode(v.Bits, v.Lst)
			if err != nil {
				t.Fatal(err)
			}
			l, err := New(ref.Len(), v.Bits)
			if err != nil {
				t.Fatal(err)
			}
			for k, s := range v.Statuses {
				i, _ := strconv.Atoi(k)
				if err := l.Set(i, Status(s)); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(l.Bytes(), ref.Bytes()) {
				t.Fatal("Set built other bytes than the draft's")
			}
			again, err := Decode(v.Bits, l.Encode())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again.Bytes(), ref.Bytes()) {
				t.Fatal("Encode does not round-trip")
			}
			if raw, _ := b64.DecodeString(l.Encode()); raw[0] != 0x78 || raw[1] != 0xDA { // zlib, best compression
				t.Errorf("lst starts % x, want zlib at the best level (78 da)", raw[:2])
			}
		})
	}
}

func TestGetSet(t *testing.T) {
	l, err := New(10, 2)
	if err != nil {
		t.Fatal(err)
	}
	if l.Len() != 10 || l.Bits() != 2 || len(l.Bytes()) != 3 {
		t.Fatalf("Len %d Bits %d bytes %d", l.Len(), l.Bits(), len(l.Bytes()))
	}
	for i, s := range []Status{Revoked, Suspended, Valid, 3, Revoked} {
		if err := l.Set(i, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Set(0, Suspended); err != nil { // overwrite clears the old bits
		t.Fatal(err)
	}
	for i, want := range []Status{Suspended, Suspended, Valid, 3, Revoked, Valid} {
		if got, _ := l.Get(i); got != want {
			t.Errorf("Get(%d) = %v, want %v", i, got, want)
		}
	}
	if err := l.Set(10, Revoked); err == nil {
		t.Error("Set past the end")
	}
	if err := l.Set(-1, Revoked); err == nil {
		t.Error("Set(-1)")
	}
	if err := l.Set(1, 4); err == nil {
		t.Error("Set of a value wider than 2 bits")
	}
	if _, err := l.Get(10); err == nil {
		t.Error("Get past the end")
	}
	for _, c := range []struct{ size, bits int }{{0, 2}, {-1, 2}, {8, 3}, {8, 16}, {MaxBytes*8 + 1, 1}} {
		if _, err := New(c.size, c.bits); err == nil {
			t.Errorf("New(%d, %d) accepted", c.size, c.bits)
		}
	}
	if Revoked.String() != "INVALID" || Status(3).String() != "0x03" {
		t.Error("String")
	}
}

func TestCheck(t *testing.T) {
	l, _ := New(8, 2)
	_ = l.Set(1, Revoked)
	_ = l.Set(2, Suspended)
	_ = l.Set(3, 3)
	for i, want := range []kredensial.Reason{"", kredensial.Revoked, kredensial.Suspended, kredensial.StatusUnavailable} {
		err := l.Check(i)
		var ce *kredensial.Error
		switch {
		case want == "" && err != nil:
			t.Errorf("Check(%d) = %v, want nil", i, err)
		case want != "" && (!errors.As(err, &ce) || ce.Reason != want):
			t.Errorf("Check(%d) = %v, want %s", i, err, want)
		}
	}
	var ce *kredensial.Error
	if err := l.Check(8); !errors.As(err, &ce) || ce.Reason != kredensial.StatusUnavailable {
		t.Errorf("Check out of range = %v", err)
	}
}

func zlibOf(data []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	_, _ = w.Write(data)
	_ = w.Close()
	return buf.Bytes()
}

func TestDecodeRefuses(t *testing.T) {
	good := zlibOf([]byte{0xb9, 0xa3})
	badSum := bytes.Clone(good)
	badSum[len(badSum)-1] ^= 1
	cases := map[string]struct {
		bits int
		lst  string
	}{
		"bits 3":             {3, "eNrbuRgAAhcBXQ"},
		"bits 0":             {0, "eNrbuRgAAhcBXQ"},
		"padding":            {1, "eNrbuRgAAhcBXQ=="},
		"standard base64":    {1, "eNr+uRgAAhcBXQ"},
		"not zlib":           {1, b64.EncodeToString([]byte("hello world"))},
		"raw deflate":        {1, b64.EncodeToString(good[2 : len(good)-4])},
		"bad checksum":       {1, b64.EncodeToString(badSum)},
		"truncated":          {1, b64.EncodeToString(good[:len(good)-3])},
		"trailing data":      {1, b64.EncodeToString(append(bytes.Clone(good), 0))},
		"empty list":         {1, b64.EncodeToString(zlibOf(nil))},
		"compression bomb":   {1, b64.EncodeToString(zlibOf(make([]byte, MaxBytes+1)))},
		"empty":              {1, ""},
		"two zlib streams":   {1, b64.EncodeToString(append(bytes.Clone(good), good...))},
		"whitespace in lst":  {1, "eNrbuRgA AhcBXQ"},
		"newline in lst":     {1, "eNrbuRgA\nAhcBXQ"},
		"non-canonical tail": {1, "eNrbuRgAAhcBXR"},
	}
	for name, c := range cases {
		if l, err := Decode(c.bits, c.lst); err == nil {
			t.Errorf("%s: decoded %d entries", name, l.Len())
		}
	}
}

func TestRandomRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, bits := range []int{1, 2, 4, 8} {
		size := 1 + r.IntN(5000)
		l, _ := New(size, bits)
		want := make([]Status, size)
		for i := range want {
			want[i] = Status(r.IntN(1 << bits))
			_ = l.Set(i, want[i])
		}
		d, err := Decode(bits, l.Encode())
		if err != nil {
			t.Fatal(err)
		}
		if d.Len() < size || d.Len()-size >= 8/bits {
			t.Errorf("bits %d: decoded Len %d for size %d", bits, d.Len(), size)
		}
		for i, w := range want {
			if got, _ := d.Get(i); got != w {
				t.Fatalf("bits %d: entry %d = %d, want %d", bits, i, got, w)
			}
		}
	}
}
