package nik_test

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ikd-project/ikd/internal/nik"
)

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1771015708900001", "1771********0001"},
		{"1702031203850004", "1702********0004"},
		{" 1771015708900001\n", "1771********0001"},
		{"", ""},
		{"   ", ""},
		{"177101570890001", "***************"},
		{"17710157089000011", "*****************"},
		{"1771 0157 0890 0001", "*******************"},
		{"1", "*"},
		{strings.Repeat("1", 100), strings.Repeat("*", 32)},
		// 16 characters but not all digits: only digits are ever shown.
		{"1771015708900O01", "1771********0*01"},
		{"SITI AMINAH ABCD", "****************"},
		{"1\n71015708900001", "1*71********0001"},
		{"١٧٧١٠١٥٧٠٨٩٠٠٠٠١", "****************"},
		{"177101570890000\xff", "1771********000*"},
	}
	for _, tc := range tests {
		if got := nik.Mask(tc.in); got != tc.want {
			t.Errorf("Mask(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestMaskNeverLeaks checks over many random strings that Mask shows at most
// 8 characters of its input, all of them ASCII digits, and that a
// 16-character input keeps its shape.
func TestMaskNeverLeaks(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		in := randomInput(rng)
		out := nik.Mask(in)
		shown := 0
		for _, c := range out {
			if c == '*' {
				continue
			}
			shown++
			if c < '0' || c > '9' {
				t.Fatalf("Mask(%q) = %q shows non-digit %q", in, out, c)
			}
		}
		if shown > 8 {
			t.Fatalf("Mask(%q) = %q shows %d characters, want at most 8", in, out, shown)
		}
		if n := utf8.RuneCountInString(strings.TrimSpace(in)); n == 16 && len(out) != 16 {
			t.Fatalf("Mask(%q) = %q, want 16 characters for a 16-character input", in, out)
		}
		if strings.TrimSpace(in) != "" && strings.ContainsAny(in, "0123456789") && out == strings.TrimSpace(in) {
			t.Fatalf("Mask(%q) returned its input", in)
		}
	}
}

// randomInput returns a random string, biased towards the lengths and
// characters that NIKs and their typos have.
func randomInput(rng *rand.Rand) string {
	alphabets := []string{"0123456789", "0123456789 .-\t\n", "0123456789Oo*", "abc XYZ\x00\xff", "١٧٠é世*"}
	alpha := []rune(alphabets[rng.IntN(len(alphabets))])
	n := 12 + rng.IntN(10) // mostly 12..21, so many are 16
	if rng.IntN(4) == 0 {
		n = rng.IntN(60)
	}
	var b strings.Builder
	for range n {
		b.WriteRune(alpha[rng.IntN(len(alpha))])
	}
	return b.String()
}
