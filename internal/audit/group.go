package audit

import (
	"context"
	"fmt"
	"sync"

	"github.com/ikd-project/ikd/internal/store"
)

// Txer runs a function in one database transaction; store.Store is one.
type Txer interface {
	InTx(ctx context.Context, fn func(store.Tx) error) error
}

// Group commits the events of concurrent callers together: an event that
// records no change of its own (a verification, a read of personal data)
// needs a commit to be durable, and one commit for many events costs about
// what one commit for one costs. Record still returns only after the
// event's transaction has committed, so an answer sent after it is backed
// by the log, as with Log.Record in a transaction of one's own.
//
// There is no goroutine of its own: the first caller to find no commit in
// flight leads, commits what is queued, and hands the lead to the first
// caller still waiting when it is done.
type Group struct {
	log *Log
	st  Txer
	max int

	mu      sync.Mutex
	queue   []*pending
	leading bool
}

// pending is one caller's event waiting for its commit.
type pending struct {
	ctx  context.Context
	e    Entry
	ev   store.AuditEvent
	err  error
	lead bool          // woken to lead instead of with a result
	done chan struct{} // closed when ev/err or lead is set
}

// DefaultGroupSize is the most events one group commit writes.
const DefaultGroupSize = 256

// NewGroup returns a Group that appends to log through transactions of st,
// at most max events per commit (DefaultGroupSize when max <= 0).
func NewGroup(log *Log, st Txer, max int) *Group {
	if max <= 0 {
		max = DefaultGroupSize
	}
	return &Group{log: log, st: st, max: max}
}

// Record appends e in a transaction shared with other callers' events and
// returns the stored event once it is committed. If the shared commit
// fails, each event is tried again alone, so one bad event fails only its
// own caller.
func (g *Group) Record(ctx context.Context, e Entry) (store.AuditEvent, error) {
	p := &pending{ctx: ctx, e: e, done: make(chan struct{})}
	g.mu.Lock()
	g.queue = append(g.queue, p)
	if g.leading {
		g.mu.Unlock()
		<-p.done
		if !p.lead {
			return p.ev, p.err
		}
		g.mu.Lock()
	}
	g.leading = true
	g.lead(p)
	return p.ev, p.err
}

// lead commits batches from the queue until p's event is committed, then
// passes the lead to the next waiting caller, if any. g.mu is held on
// entry and released on return.
func (g *Group) lead(p *pending) {
	for {
		n := min(len(g.queue), g.max)
		batch := g.queue[:n:n]
		g.queue = g.queue[n:]
		g.mu.Unlock()
		g.commit(batch)
		for _, q := range batch {
			if q != p {
				close(q.done)
			}
		}
		g.mu.Lock()
		if containsDone(batch, p) {
			break
		}
	}
	if len(g.queue) == 0 {
		g.leading = false
		g.mu.Unlock()
		return
	}
	next := g.queue[0]
	next.lead = true
	g.mu.Unlock()
	close(next.done)
}

// containsDone reports whether p was in the batch just committed.
func containsDone(batch []*pending, p *pending) bool {
	for _, q := range batch {
		if q == p {
			return true
		}
	}
	return false
}

// commit writes batch in one transaction, or each event alone when that
// fails. The transaction runs under the leader's context without its
// cancellation: the other callers' events must not fail because the
// leader's client went away.
func (g *Group) commit(batch []*pending) {
	ctx := context.WithoutCancel(batch[0].ctx)
	entries := make([]Entry, len(batch))
	for i, q := range batch {
		entries[i] = q.e
	}
	var evs []store.AuditEvent
	err := g.st.InTx(ctx, func(tx store.Tx) error {
		var err error
		evs, err = g.log.RecordAll(ctx, tx, entries)
		return err
	})
	if err == nil {
		for i, q := range batch {
			q.ev = evs[i]
		}
		return
	}
	if len(batch) == 1 {
		batch[0].err = fmt.Errorf("record audit event: %w", err)
		return
	}
	for _, q := range batch {
		g.commit([]*pending{q})
	}
}
