package audit_test

import (
	"sync"
	"testing"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/ikdtest"
)

// TestGroup records events from many goroutines at once through a group
// commit: each caller gets its own committed event, the chain verifies and
// holds every one exactly once, and an event that cannot be written fails
// only its own caller.
func TestGroup(t *testing.T) {
	for _, be := range ikdtest.Backends {
		t.Run(be.Name, func(t *testing.T) {
			st := be.Open(t, nil)
			l := newLog(t)
			g := audit.NewGroup(l, st, 8) // small groups: many hand-overs of the lead
			const n = 200
			seqs := make([]int64, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					e := audit.Entry{Actor: "lembaga:bank", Action: "lembaga.verifikasi", Subject: "1771015708900001",
						Purpose: "pembukaan rekening", Detail: map[string]int{"i": i}}
					if i%50 == 7 {
						e.Detail = map[string]any{"bad": make(chan int)} // does not marshal
					}
					ev, err := g.Record(ctx, e)
					seqs[i], errs[i] = ev.Seq, err
				})
			}
			wg.Wait()
			seen := map[int64]bool{}
			failed := 0
			for i := range n {
				if i%50 == 7 {
					if errs[i] == nil {
						t.Errorf("event %d with a detail that does not marshal: no error", i)
					}
					failed++
					continue
				}
				if errs[i] != nil || seqs[i] == 0 || seen[seqs[i]] {
					t.Fatalf("event %d: seq %d, err %v (seen before: %v)", i, seqs[i], errs[i], seen[seqs[i]])
				}
				seen[seqs[i]] = true
			}
			res := verify(t, st, l)
			if len(res.Problems) > 0 || res.Events != int64(n-failed) {
				t.Fatalf("chain after the group commits: %d events, want %d; %v", res.Events, n-failed, res.Problems)
			}
			head, err := st.AuditHead(ctx)
			if err != nil || head.Seq != int64(n-failed) {
				t.Fatalf("head %+v, %v", head, err)
			}
			evs, err := st.ListAudit(ctx, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range evs {
				if !seen[ev.Seq] {
					t.Errorf("event %d is in the log but no caller got it", ev.Seq)
				}
			}
		})
	}
}
