package web

import "testing"

func TestDecimal(t *testing.T) {
	for _, c := range []struct {
		lang   string
		v      float64
		places int
		want   string
	}{{"id", 1234.56, 1, "1.234,6"}, {"en", 1234.56, 1, "1,234.6"}, {"id", 2.96, 1, "3,0"}, {"id", 12.5, 0, "13"}, {"en", 0.04, 1, "0.0"}} {
		if got := Decimal(c.lang, c.v, c.places); got != c.want {
			t.Errorf("Decimal(%s, %v, %d) = %q, want %q", c.lang, c.v, c.places, got, c.want)
		}
	}
}
