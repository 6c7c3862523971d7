package apikey

import (
	"strings"
	"testing"
)

func TestNew(t *testing.T) {
	k1, h1 := New("ikdx_")
	k2, h2 := New("ikdx_")
	if !strings.HasPrefix(k1, "ikdx_") || len(k1) != len("ikdx_")+43 || k1 == k2 || h1 == h2 {
		t.Fatalf("keys %q %q", k1, k2)
	}
	if h1 != Hash(k1) || len(h1) != 64 || strings.Contains(h1, k1) {
		t.Fatalf("hash %q of %q", h1, k1)
	}
	// SHA-256("abc").
	if Hash("abc") != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatal("not SHA-256 hex")
	}
}
