package statuslist

import (
	"math/rand/v2"
	"testing"
)

// list2M is a 2,000,000-entry 2-bit list with 1% of the entries revoked,
// at random (a fixed seed).
func list2M(b *testing.B) *List {
	b.Helper()
	l, err := New(2_000_000, 2)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(2026, 1))
	for n := 0; n < 20_000; {
		i := r.IntN(l.Len())
		if s, _ := l.Get(i); s == Valid {
			_ = l.Set(i, Revoked)
			n++
		}
	}
	return l
}

// BenchmarkEncode2M compresses the province-sized list: 2,000,000 entries,
// 1% revoked. It reports the size of the lst.
func BenchmarkEncode2M(b *testing.B) {
	l := list2M(b)
	var lst string
	b.ReportAllocs()
	for b.Loop() {
		lst = l.Encode()
	}
	b.ReportMetric(float64(len(lst)), "lst-bytes")
	b.ReportMetric(float64(len(l.Bytes())), "raw-bytes")
}

// BenchmarkDecode2M inflates the same list, as a verifier does.
func BenchmarkDecode2M(b *testing.B) {
	lst := list2M(b).Encode()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(2, lst); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGet reads one entry.
func BenchmarkGet(b *testing.B) {
	l := list2M(b)
	i := 0
	for b.Loop() {
		_, _ = l.Get(i)
		i = (i + 7919) % l.Len()
	}
}
