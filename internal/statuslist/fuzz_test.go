package statuslist

import (
	"bytes"
	"testing"
)

// FuzzDecode checks that Decode never panics, and that whatever it accepts
// re-encodes to the same entries.
func FuzzDecode(f *testing.F) {
	for _, v := range specVectors(f) {
		f.Add(v.Bits, v.Lst)
	}
	f.Add(2, "")
	f.Add(2, "eNo")
	f.Add(3, "eNo76fITAAPfAgc")
	f.Add(8, b64.EncodeToString(zlibOf(make([]byte, 4096))))
	f.Fuzz(func(t *testing.T, bits int, lst string) {
		l, err := Decode(bits, lst)
		if err != nil {
			return
		}
		if l.Len() == 0 || l.Len()*l.Bits() != len(l.Bytes())*8 {
			t.Fatalf("Len %d Bits %d bytes %d", l.Len(), l.Bits(), len(l.Bytes()))
		}
		again, err := Decode(bits, l.Encode())
		if err != nil || !bytes.Equal(again.Bytes(), l.Bytes()) {
			t.Fatalf("re-encode: %v", err)
		}
		for _, i := range []int{0, l.Len() / 2, l.Len() - 1} {
			if _, err := l.Get(i); err != nil {
				t.Fatal(err)
			}
			_ = l.Check(i)
		}
	})
}

// FuzzVerifyToken checks that VerifyToken never panics.
func FuzzVerifyToken(f *testing.F) {
	f.Add(signSample(f))
	f.Add("")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, tok string) {
		got, err := VerifyToken(tok, trust, tokenNow, testURI)
		if err == nil && (got == nil || got.List == nil) {
			t.Fatal("accepted without a list")
		}
	})
}
