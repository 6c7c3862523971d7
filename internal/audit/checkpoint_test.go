package audit_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
)

func TestCheckpointRoundTrip(t *testing.T) {
	l := newLog(t)
	at := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	for _, c := range []audit.Checkpoint{{Seq: 42, Hash: strings.Repeat("ab", 32), KeyedSince: 7, At: at}, {At: at}} {
		line := l.SignCheckpoint(c)
		got, err := l.ParseCheckpoint(line + "\n")
		if err != nil || got != c {
			t.Errorf("%s: got %+v, %v", line, got, err)
		}
		if _, err := newKeyLog(t).ParseCheckpoint(line); err == nil {
			t.Errorf("a checkpoint of another key accepted")
		}
		if _, err := l.ParseCheckpoint(strings.Replace(line, "keyed_since=", "keyed_since=1", 1)); err == nil {
			t.Errorf("an altered checkpoint accepted")
		}
	}
	if _, err := l.ParseCheckpoint("hello"); err == nil || !strings.Contains(err.Error(), "not an ikd audit checkpoint") {
		t.Errorf("garbage: %v", err)
	}
}
