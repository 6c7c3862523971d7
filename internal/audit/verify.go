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
	BadMarker    ProblemKind = "bad_marker"    // the chain marker was not written with the audit key
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
	metaReader
	AuditHead(ctx context.Context) (store.AuditHead, error)
	ListAudit(ctx context.Context, afterSeq int64, limit int) ([]store.AuditEvent, error)
}

// Result is the outcome of Verify.
type Result struct {
	Events   int64     // events read
	Problems []Problem // empty when the log is intact
	// KeyedSince is the first event whose hash is keyed; events before it
	// were written with plain SHA-256 by an earlier ikd. 0: the database
	// has no chain marker, and no event is keyed.
	KeyedSince int64
	// Head is the last event read: the end of the chain.
	Head store.AuditHead
	// Bound is the first keyed event as recorded outside the database (the
	// chain file next to the audit key), 0 when the Log is unbound. A
	// marker that is missing or differs from it is a BadMarker problem.
	Bound int64
}

// reorderWindow bounds how far from its place Verify looks for a moved event.
const reorderWindow = 1000

// Verify walks the whole log of st in order and reports every break in the
// chain, checking each event with the hash the chain marker says it was
// written with. progress, when not nil, is called after each page with the
// events read.
func (l *Log) Verify(ctx context.Context, st Lister, progress func(read int64)) (Result, error) {
	var res Result
	since, err := l.readSince(ctx, st)
	if err != nil {
		// A marker that fails its MAC is itself tampering; check the whole
		// chain as keyed, the stricter reading.
		res.Problems = append(res.Problems, Problem{BadMarker, 0, err.Error()})
		since = 1
	}
	res.Bound = l.bound.Load()
	if res.Bound > 0 && since != res.Bound {
		// The record outside the database wins: check the chain as keyed
		// from where it says.
		if err == nil {
			res.Problems = append(res.Problems, l.markerProblem(since, res.Bound))
		}
		since = res.Bound
	}
	res.KeyedSince = since
	prevHash, next := "", int64(1)
	const page = 5000
	for {
		events, err := st.ListAudit(ctx, next-1, page)
		if err != nil {
			return res, fmt.Errorf("read audit log: %w", err)
		}
		if len(events) == 0 {
			break
		}
		for i := range events {
			e := &events[i]
			res.Problems = append(res.Problems, l.check(e, next, prevHash, since)...)
			res.Events++
			prevHash, next = e.Hash, e.Seq+1
		}
		if progress != nil {
			progress(res.Events)
		}
	}
	res.Head = store.AuditHead{Seq: next - 1, Hash: prevHash}
	head, err := st.AuditHead(ctx)
	if err != nil {
		return res, fmt.Errorf("read audit head: %w", err)
	}
	res.Problems = append(res.Problems, l.seenProblem(max(head.Seq, next-1))...)
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

// markerProblem describes a database marker (since, 0: none) that is not
// the bound one.
func (l *Log) markerProblem(since, bound int64) Problem {
	if since == 0 {
		return Problem{BadMarker, 0, fmt.Sprintf("the chain marker meta %s is missing, but this database's chain is keyed from event %d "+
			"(recorded outside the database): it was deleted, and the chain is checked as keyed from event %d", ChainMeta, bound, bound)}
	}
	return Problem{BadMarker, 0, fmt.Sprintf("the chain marker meta %s says keyed from event %d, but this database's chain is keyed from event %d "+
		"(recorded outside the database): it was moved, and the chain is checked as keyed from event %d", ChainMeta, since, bound, bound)}
}

// check compares one event with the place it should hold.
func (l *Log) check(e *store.AuditEvent, want int64, prevHash string, since int64) []Problem {
	var out []Problem
	if e.Seq != want {
		out = append(out, Problem{Deleted, want, fmt.Sprintf("events %d to %d are missing", want, e.Seq-1)})
	}
	if l.hashAt(e, e.Seq, since) != e.Hash {
		if orig, ok := l.originalSeq(e, since); ok {
			return append(out, Problem{Reordered, e.Seq, fmt.Sprintf("this event was written as event %d", orig)})
		}
		if since > 0 && e.Seq >= since && PlainHash(e) == e.Hash {
			return append(out, Problem{Edited, e.Seq,
				"its hash is plain SHA-256, not keyed with the audit key: the event was rewritten by someone without the key"})
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
func (l *Log) originalSeq(e *store.AuditEvent, since int64) (int64, bool) {
	for d := int64(1); d <= reorderWindow; d++ {
		for _, s := range []int64{e.Seq - d, e.Seq + d} {
			if s > 0 && l.hashAt(e, s, since) == e.Hash {
				return s, true
			}
		}
	}
	return 0, false
}
