package ui

import "testing"

func TestFormatNumber(t *testing.T) {
	for n, want := range map[int64][2]string{0: {"0", "0"}, 999: {"999", "999"}, 1000: {"1.000", "1,000"},
		2127957: {"2.127.957", "2,127,957"}, -1536724: {"-1.536.724", "-1,536,724"}} {
		if got := formatNumber("id", n); got != want[0] {
			t.Errorf("formatNumber(id, %d) = %q, want %q", n, got, want[0])
		}
		if got := formatNumber("en", n); got != want[1] {
			t.Errorf("formatNumber(en, %d) = %q, want %q", n, got, want[1])
		}
	}
}

func TestPercent(t *testing.T) {
	if got := percent("id", 1483278, 1536724); got != "96,5%" {
		t.Errorf("percent id = %q", got)
	}
	if got := percent("en", 1483278, 1536724); got != "96.5%" {
		t.Errorf("percent en = %q", got)
	}
	if got := percent("id", 1, 0); got != "–" {
		t.Errorf("percent of 0 = %q", got)
	}
}
