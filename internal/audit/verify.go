package audit

import (
	"context"
	"fmt"

	"github.com/ikd-project/ikd/internal/store"
)

// ProblemKind says how the chain was broken.
type ProblemKind string

// The ways an audit log can be found tampered with.
const (
	Edited       ProblemKind = "edited"        // an event's content does not match its hash
	Reordered    ProblemKind = "reordered"     // an event sits at another place than it was written at
	Deleted      ProblemKind = "deleted"       // events are missing from the sequence
	ChainBroken  ProblemKind = "chain_broken"  // an event does not point at the event before it
	HeadMismatch ProblemKind = "head_mismatch" // the recorded end of the log is not its last event
)

// Problem is one break found in the chain.
type Problem struct {
	Kind ProblemKind
	Seq  int64 // the event concerned (for Deleted, the first missing one)
	Info string
}

func (p Problem) String() string { return fmt.Sprintf("event %d: %s: %s", p.Seq, p.Kind, p.Info) }

// Lister is the part of a store that Verify reads.
type Lister interface {
	AuditHead(ctx context.Context) (store.AuditHead, error)
	ListAudit(ctx context.Context, afterSeq int64, limit int) ([]store.AuditEvent, error)
}

// Result is the outcome of Verify.
type Result struct {
	Events   int64     // events read
	Problems []Problem // empty when the log is intact
}

// reorderWindow bounds how far from its place Verify looks for a moved event.
const reorderWindow = 1000

// Verify walks the whole log in order and reports every break in the chain.
// progress, when not nil, is called after each page with the events read.
func Verify(ctx context.Context, l Lister, progress func(read int64)) (Result, error) {
	var res Result
	prevHash, next := "", int64(1)
	const page = 5000
	for {
		events, err := l.ListAudit(ctx, next-1, page)
		if err != nil {
			return res, fmt.Errorf("read audit log: %w", err)
		}
		if len(events) == 0 {
			break
		}
		for i := range events {
			e := &events[i]
			res.Problems = append(res.Problems, check(e, next, prevHash)...)
			res.Events++
			prevHash, next = e.Hash, e.Seq+1
		}
		if progress != nil {
			progress(res.Events)
		}
	}
	head, err := l.AuditHead(ctx)
	if err != nil {
		return res, fmt.Errorf("read audit head: %w", err)
	}
	switch {
	case head.Seq > next-1:
		res.Problems = append(res.Problems, Problem{Deleted, next,
			fmt.Sprintf("the log ends at event %d but its head records event %d: events %d to %d were removed", next-1, head.Seq, next, head.Seq)})
	case head.Seq != next-1 || head.Hash != prevHash:
		res.Problems = append(res.Problems, Problem{HeadMismatch, head.Seq,
			fmt.Sprintf("the head records event %d with hash %.12s, the log ends at event %d with hash %.12s", head.Seq, head.Hash, next-1, prevHash)})
	}
	return res, nil
}

// check compares one event with the place it should hold.
func check(e *store.AuditEvent, want int64, prevHash string) []Problem {
	var out []Problem
	if e.Seq != want {
		out = append(out, Problem{Deleted, want, fmt.Sprintf("events %d to %d are missing", want, e.Seq-1)})
	}
	if Hash(e) != e.Hash {
		if orig, ok := originalSeq(e); ok {
			return append(out, Problem{Reordered, e.Seq, fmt.Sprintf("this event was written as event %d", orig)})
		}
		return append(out, Problem{Edited, e.Seq, "its content does not match its hash"})
	}
	if e.PrevHash != prevHash && e.Seq == want {
		out = append(out, Problem{ChainBroken, e.Seq, fmt.Sprintf("it follows hash %.12s, but the event before it has hash %.12s", e.PrevHash, prevHash)})
	}
	return out
}

// originalSeq finds the sequence number under which an event's content
// hashes to its stored hash, near its current place.
func originalSeq(e *store.AuditEvent) (int64, bool) {
	for d := int64(1); d <= reorderWindow; d++ {
		for _, s := range []int64{e.Seq - d, e.Seq + d} {
			if s > 0 && hashAt(e, s) == e.Hash {
				return s, true
			}
		}
	}
	return 0, false
}
