package ui

import "testing"

func TestFormatNumber(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1.000", 2127957: "2.127.957", -1536724: "-1.536.724"} {
		if got := formatNumber(n); got != want {
			t.Errorf("formatNumber(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestPercent(t *testing.T) {
	if got := percent(1483278, 1536724); got != "96.5%" {
		t.Errorf("percent = %q", got)
	}
	if got := percent(1, 0); got != "–" {
		t.Errorf("percent of 0 = %q", got)
	}
}
