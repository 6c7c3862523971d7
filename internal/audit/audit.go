// Package audit keeps ikd's processing register: an append-only log of every
// read of personal data and every change, written in the same transaction as
// the change it records (UU PDP Pasal 31).
//
// Each event carries a hash of its own content and of the event before it,
// so the log is a hash chain: editing, deleting or reordering an event
// breaks the chain, and Verify names the event. The hash is an
// HMAC-SHA256 under a chain key derived from the audit key, which lives in
// the data directory, outside the database: someone who can write to the
// database but has not the key cannot edit an event and re-compute the
// chain behind it. Databases written by an ikd from before the keyed chain
// hold plain SHA-256 events; the meta key ChainMeta records, under a MAC,
// the first keyed event, and Verify checks each part with its own hash.
// Because the marker is in the database, the same fact is also kept in a
// chain file next to the audit key (ChainFile); a Log bound to it (Expect)
// refuses a marker that was deleted or moved instead of writing a new one.
// The subject of an
// event is stored as a masked NIK for people to read and an HMAC of the full
// NIK under a key kept outside the database, so a resident's own history can
// be found without storing their NIK in the log.
package audit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/ikd-project/ikd/internal/nik"
	"github.com/ikd-project/ikd/internal/store"
)

// Entry is what a caller records; the Log adds time, subject hashes and the
// chain.
type Entry struct {
	Actor   string // officer username or system component, e.g. "system:import"
	Kantor  string // office code, "" for none
	Action  string // dotted verb, e.g. "penduduk.read", "import.batch"
	Subject string // full NIK of the resident concerned, "" for none
	Purpose string // declared purpose of processing
	Detail  any    // marshalled to JSON; must hold no full NIK or KK number
}

// Appender is the part of a store transaction the log writes through.
type Appender interface {
	Marker
	AppendAudit(ctx context.Context, evs ...*store.AuditEvent) error
}

// Log appends events to the chain.
type Log struct {
	key      []byte // subject hashes
	chainKey []byte // chain HMACs, derived from key
	now      func() time.Time
	logger   *slog.Logger
	// bound is the first keyed event of the chain as recorded outside the
	// database (Expect) or found at start (Bind); 0: unbound.
	bound atomic.Int64
	// seen is the highest event seen in the database before, as recorded
	// outside it (ExpectAtLeast); 0: none.
	seen atomic.Int64
}

// New returns a Log that hashes subjects with key (at least 32 bytes), takes
// time from now and mirrors each event to logger (which may be nil).
func New(key []byte, now func() time.Time, logger *slog.Logger) (*Log, error) {
	if len(key) < 32 {
		return nil, fmt.Errorf("audit key has %d bytes, want at least 32", len(key))
	}
	if now == nil {
		now = time.Now
	}
	return &Log{key: key, chainKey: deriveChainKey(key), now: now, logger: logger}, nil
}

// SubjectHash returns the keyed hash under which a NIK's events are found.
func (l *Log) SubjectHash(nikValue string) string {
	if nikValue == "" {
		return ""
	}
	m := hmac.New(sha256.New, l.key)
	m.Write([]byte(nikValue))
	return hex.EncodeToString(m.Sum(nil))
}

// ValueHash returns a keyed hash of a personal value other than a NIK (an
// e-mail address, say) for an event's detail, which must not hold the
// value itself: whoever holds the audit key can tell whether an event
// names a given value; nobody else can read it or guess it offline. kind
// ("email") keeps the hashes of different kinds of value, and the subject
// hashes, apart.
func (l *Log) ValueHash(kind, v string) string {
	m := hmac.New(sha256.New, l.key)
	m.Write([]byte("ikd-audit-value\x00" + kind + "\x00" + v))
	return hex.EncodeToString(m.Sum(nil))
}

// Record appends e to the chain through a, which should be the transaction
// that makes the change e records, and returns the stored event.
func (l *Log) Record(ctx context.Context, a Appender, e Entry) (store.AuditEvent, error) {
	evs, err := l.RecordAll(ctx, a, []Entry{e})
	if err != nil {
		return store.AuditEvent{}, err
	}
	return evs[0], nil
}

// RecordAll appends entries to the chain through a, in order, with one
// read of the head and one append, and returns the stored events.
func (l *Log) RecordAll(ctx context.Context, a Appender, entries []Entry) ([]store.AuditEvent, error) {
	details := make([]string, len(entries))
	for i, e := range entries {
		details[i] = "{}"
		if e.Detail != nil {
			b, err := json.Marshal(e.Detail)
			if err != nil {
				return nil, fmt.Errorf("audit detail of %s: %w", e.Action, err)
			}
			details[i] = string(b)
		}
	}
	head, err := a.AuditHead(ctx)
	if err != nil {
		return nil, err
	}
	since, err := l.ensureSince(ctx, a, head)
	if err != nil {
		return nil, err
	}
	at := l.now().UTC().Truncate(time.Microsecond)
	evs := make([]store.AuditEvent, len(entries))
	ptrs := make([]*store.AuditEvent, len(entries))
	for i, e := range entries {
		ev := &evs[i]
		*ev = store.AuditEvent{
			Seq: head.Seq + 1 + int64(i), At: at, Actor: e.Actor, KantorKode: e.Kantor, Action: e.Action,
			SubjectHash: l.SubjectHash(e.Subject), Purpose: e.Purpose, Detail: details[i], PrevHash: head.Hash,
		}
		if i > 0 {
			ev.PrevHash = evs[i-1].Hash
		}
		if e.Subject != "" {
			ev.SubjectMask = nik.Mask(e.Subject)
		}
		ev.Hash = l.hashAt(ev, ev.Seq, since)
		ptrs[i] = ev
	}
	if err := a.AppendAudit(ctx, ptrs...); err != nil {
		return nil, fmt.Errorf("append audit event: %w", err)
	}
	for i := range evs {
		l.mirror(ctx, &evs[i])
	}
	return evs, nil
}

// mirror writes ev to the logger, if any.
func (l *Log) mirror(ctx context.Context, ev *store.AuditEvent) {
	if l.logger == nil {
		return
	}
	l.logger.LogAttrs(ctx, slog.LevelInfo, "audit", slog.Int64("seq", ev.Seq), slog.String("actor", ev.Actor),
		slog.String("kantor", ev.KantorKode), slog.String("action", ev.Action),
		slog.String("subject", ev.SubjectMask), slog.String("purpose", ev.Purpose),
		// The chain hash in the logs, which leave the machine, anchors the
		// chain outside the database: whoever rewrites the table cannot
		// rewrite the shipped logs too.
		slog.String("hash", ev.Hash))
}
