package sdjwt

import (
	"strings"
	"testing"
)

// FuzzVerify checks that Verify never panics and that whatever it accepts
// it accepts with consistent results.
func FuzzVerify(f *testing.F) {
	issued := issueKTP(f)
	good := presentKTP(f)
	f.Add(good)
	f.Add(issued)
	f.Add(stripKB(good))
	f.Add(readVector(f, "rfc9901_a3_presentation.txt"))
	f.Add(readVector(f, "rfc9901_a2_presentation.txt"))
	f.Add("")
	f.Add("~")
	f.Add("a.b.c~d~e.f.g")
	f.Add(strings.Replace(good, "~", "~~", 1))
	o := opts()
	o.MaxKBAge = 1 << 62
	f.Fuzz(func(t *testing.T, s string) {
		for _, requireKB := range []bool{true, false} {
			o := o
			o.RequireKB = requireKB
			v, err := Verify(s, o)
			if err == nil {
				if v == nil || v.Claims == nil || v.Issuer == "" || v.Expiry.IsZero() {
					t.Fatalf("accepted with an incomplete result: %+v", v)
				}
				if requireKB && v.KeyBinding == nil {
					t.Fatal("accepted without KB although required")
				}
			} else if reasonOf(err) == "" {
				t.Fatalf("failure without a reason: %v", err)
			}
		}
		_, _ = Paths(s)
		_, _ = Present(s, func(string) bool { return true }, nil)
	})
}
