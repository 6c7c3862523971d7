package qrcred

import (
	"bytes"
	"testing"

	base45 "github.com/adrianrudnik/base45-go"
)

// RFC 9285 §4.3 and §4.4 examples.
func TestBase45Vectors(t *testing.T) {
	for _, v := range []struct{ raw, enc string }{
		{"AB", "BB8"}, {"Hello!!", "%69 VD92EX0"}, {"base-45", "UJCLQE7W581"},
		{"ietf!", "QED8WEX0"}, {"", ""}, {"\x00", "00"}, {"\xff\xff", "FGW"},
	} {
		if got := string(base45Encode([]byte(v.raw))); got != v.enc {
			t.Errorf("encode %q = %q, want %q", v.raw, got, v.enc)
		}
		got, err := base45Decode(v.enc)
		if err != nil || string(got) != v.raw {
			t.Errorf("decode %q = %q, %v", v.enc, got, err)
		}
	}
	for _, bad := range []string{"GGW", "A", "ABCD", "abc", "AB\x00", "ZZ", "Q\nD"} {
		if _, err := base45Decode(bad); err == nil {
			t.Errorf("decoded %q", bad)
		}
	}
}

// FuzzBase45 checks the table-driven codec against
// github.com/adrianrudnik/base45-go.
func FuzzBase45(f *testing.F) {
	f.Add([]byte("Hello!!"), "%69 VD92EX0")
	f.Add([]byte{0xff, 0xfe, 0}, "GGW")
	f.Fuzz(func(t *testing.T, raw []byte, enc string) {
		if got, want := base45Encode(raw), base45.Encode(raw); !bytes.Equal(got, want) {
			t.Fatalf("encode %x: %q, reference %q", raw, got, want)
		}
		got, err := base45Decode(enc)
		want, werr := base45.Decode([]byte(enc))
		if enc == "" { // the reference refuses empty input; Verify never decodes it
			return
		}
		if (err == nil) != (werr == nil) || !bytes.Equal(got, want) {
			t.Fatalf("decode %q: %x, %v; reference %x, %v", enc, got, err, want, werr)
		}
	})
}
