package beranda

import (
	"context"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/store"
)

// countingStats counts how often the summary is computed.
type countingStats struct{ n int }

func (c *countingStats) StatistikWilayah(context.Context, time.Time) ([]store.StatistikWilayah, error) {
	c.n++
	return nil, nil
}

// TestSummaryCache: the expensive count runs once per cache period, also
// while the demo is loading (then for at most 10 s).
func TestSummaryCache(t *testing.T) {
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	stats := &countingStats{}
	complete := false
	h := &Handler{Stats: stats, CacheFor: time.Minute, Now: func() time.Time { return now },
		Status: func() LoadStatus { return LoadStatus{Complete: complete} }}
	ctx := context.Background()
	for _, step := range []struct {
		advance  time.Duration
		complete bool
		want     int
	}{
		{0, false, 1}, {5 * time.Second, false, 1}, {6 * time.Second, false, 2},
		{0, true, 2}, {30 * time.Second, true, 2}, {31 * time.Second, true, 3},
	} {
		now, complete = now.Add(step.advance), step.complete
		if _, err := h.summary(ctx); err != nil {
			t.Fatal(err)
		}
		if stats.n != step.want {
			t.Fatalf("after +%v (complete %v): %d counts, want %d", step.advance, step.complete, stats.n, step.want)
		}
	}
}
