package audit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/store"
)

// ChainMeta is the meta key that records how the database's chain is
// hashed: "hmac-sha256 since=N mac=M". Events from N on are keyed; events
// before N were written by an ikd that chained with plain SHA-256. M is a
// MAC of the marker under the chain key, so that nobody without the key can
// move N to hand keyed events back to the plain chain.
const ChainMeta = "audit.chain"

// chainAlg names the keyed chain in the marker.
const chainAlg = "hmac-sha256"

// chainKeyLabel separates the chain key from the subject-hash key: both are
// derived from the one audit key file, but never the same bytes.
const chainKeyLabel = "ikd audit chain v2"

// deriveChainKey returns the key of the chain's HMACs: HMAC-SHA256(key,
// label), a one-step HKDF-Expand with a fixed label.
func deriveChainKey(key []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(chainKeyLabel))
	return m.Sum(nil)
}

// PlainHash computes the unkeyed (v1) chain hash of an event: SHA-256 over
// the length-prefixed fields, its sequence number and time, and the
// previous event's hash. Databases written before the keyed chain hold
// these; anyone can compute them, which is why new events are keyed.
func PlainHash(e *store.AuditEvent) string { return plainHashAt(e, e.Seq) }

func plainHashAt(e *store.AuditEvent, seq int64) string {
	return sum(sha256.New(), "ikd-audit-v1", e, seq)
}

// keyedHash computes the v2 chain hash of e as if it sat at seq: the same
// encoding as PlainHash under HMAC-SHA256 with the chain key.
func (l *Log) keyedHash(e *store.AuditEvent, seq int64) string {
	return sum(hmac.New(sha256.New, l.chainKey), "ikd-audit-v2", e, seq)
}

// hashAt is the hash e should carry at seq in a chain keyed from since
// (0: not keyed at all).
func (l *Log) hashAt(e *store.AuditEvent, seq, since int64) string {
	if since > 0 && seq >= since {
		return l.keyedHash(e, seq)
	}
	return plainHashAt(e, seq)
}

// sum writes the length-prefixed fields of e, placed at seq, into h.
func sum(h hash.Hash, domain string, e *store.AuditEvent, seq int64) string {
	var buf [binary.MaxVarintLen64]byte
	put := func(s string) {
		n := binary.PutUvarint(buf[:], uint64(len(s)))
		h.Write(buf[:n])
		h.Write([]byte(s))
	}
	put(domain)
	put(fmt.Sprint(seq))
	put(e.At.UTC().Format(time.RFC3339Nano))
	for _, f := range []string{e.Actor, e.KantorKode, e.Action, e.SubjectMask, e.SubjectHash, e.Purpose, e.Detail, e.PrevHash} {
		put(f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// marker returns the ChainMeta value for a chain keyed from since.
func (l *Log) marker(since int64) string {
	return fmt.Sprintf("%s since=%d mac=%s", chainAlg, since, l.markerMAC(since))
}

func (l *Log) markerMAC(since int64) string {
	m := hmac.New(sha256.New, l.chainKey)
	fmt.Fprintf(m, "ikd audit chain marker %s since=%d", chainAlg, since)
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// parseMarker checks a ChainMeta value and returns the first keyed event.
func (l *Log) parseMarker(v string) (int64, error) {
	var since int64
	var mac string
	f := strings.Fields(v)
	if len(f) == 3 && f[0] == chainAlg && strings.HasPrefix(f[1], "since=") && strings.HasPrefix(f[2], "mac=") {
		since, _ = strconv.ParseInt(strings.TrimPrefix(f[1], "since="), 10, 64)
		mac = strings.TrimPrefix(f[2], "mac=")
	}
	if since < 1 || !hmac.Equal([]byte(mac), []byte(l.markerMAC(since))) {
		return 0, fmt.Errorf("audit chain marker %q in meta %s was not written with this audit key", v, ChainMeta)
	}
	return since, nil
}

// metaReader reads the chain marker.
type metaReader interface {
	GetMeta(ctx context.Context, key string) (string, error)
}

// readSince returns the first keyed event recorded in the database, 0 when
// the database has no marker (a chain from before the keyed chain, or one
// whose marker was deleted).
func (l *Log) readSince(ctx context.Context, m metaReader) (int64, error) {
	v, err := m.GetMeta(ctx, ChainMeta)
	if store.IsNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read audit chain marker: %w", err)
	}
	return l.parseMarker(v)
}

// Marker is the part of a transaction that keeps the chain marker.
type Marker interface {
	metaReader
	AuditHead(ctx context.Context) (store.AuditHead, error)
	SetMeta(ctx context.Context, key, value string) error
}

// ensureSince returns the first keyed event of the chain. A Log that is
// bound (Expect, Bind) accepts only the marker it is bound to: a missing
// or different marker is an error, never re-written (see boundSince). An
// unbound Log marks a chain without a marker keyed from the next event: a
// new database from event 1, a database written by an earlier ikd from its
// first event after the upgrade. The caller holds the head (AuditHead in
// the same transaction), so two processes cannot mark at once.
func (l *Log) ensureSince(ctx context.Context, m Marker, head store.AuditHead) (int64, error) {
	// The marker is read in every transaction, not cached: a transaction
	// that wrote the marker may yet roll back, and someone may delete it
	// while ikd runs. It is one primary-key read.
	since, err := l.readSince(ctx, m)
	if err != nil {
		return 0, err
	}
	if bound := l.bound.Load(); bound > 0 {
		return l.boundSince(since, bound)
	}
	if since > 0 {
		return since, nil
	}
	return l.mark(ctx, m, head.Seq+1)
}

// boundSince checks the database's marker (since, 0: none) against the one
// the Log is bound to. A bound Log never writes a marker, not even into a
// database without events: one whose log and marker were wiped looks just
// like that. Only a database without a chain file is marked; a deliberate
// restore of an empty database is accepted with ikd audit accept-restore.
func (l *Log) boundSince(since, bound int64) (int64, error) {
	switch {
	case since == bound:
		return since, nil
	case since == 0:
		return 0, ErrMarkerMissing(bound)
	default:
		return 0, ErrMarkerMoved(since, bound)
	}
}

// mark writes the marker of a chain keyed from since.
func (l *Log) mark(ctx context.Context, m Marker, since int64) (int64, error) {
	if err := m.SetMeta(ctx, ChainMeta, l.marker(since)); err != nil {
		return 0, fmt.Errorf("mark audit chain keyed: %w", err)
	}
	return since, nil
}

// ErrMarkerMissing is the error of a database without a chain marker whose
// chain is known, from outside the database, to be keyed from bound.
func ErrMarkerMissing(bound int64) error {
	return errs.Newf(errs.Conflict,
		"penanda rantai audit (meta %s) HILANG, padahal rantai basis data ini berkunci sejak kejadian %d (tercatat di luar basis data): "+
			"penanda dihapus dan log audit mungkin ditulis ulang; periksa dengan ikd audit verify dan pulihkan dari cadangan",
		"the audit chain marker (meta %s) is MISSING, but this database's chain is keyed from event %d (recorded outside the database): "+
			"the marker was deleted and the audit log may have been rewritten; check with ikd audit verify and restore from a backup",
		ChainMeta, bound)
}

// ErrMarkerMoved is the error of a chain marker that names another first
// keyed event than the one recorded outside the database.
func ErrMarkerMoved(since, bound int64) error {
	return errs.Newf(errs.Conflict,
		"penanda rantai audit (meta %s) menyatakan berkunci sejak kejadian %d, padahal tercatat di luar basis data sejak kejadian %d: "+
			"log audit mungkin ditulis ulang; periksa dengan ikd audit verify",
		"the audit chain marker (meta %s) says keyed from event %d, but it is recorded outside the database as keyed from event %d: "+
			"the audit log may have been rewritten; check with ikd audit verify",
		ChainMeta, since, bound)
}

// Expect binds the Log to a chain keyed from since, as recorded outside the
// database (the chain file next to the audit key): from then on Record,
// Bind and Verify refuse a database whose marker is missing or different.
// ikd calls it at start, before Bind.
func (l *Log) Expect(since int64) { l.bound.Store(since) }

// Bound returns the first keyed event the Log is bound to, 0 when unbound.
func (l *Log) Bound() int64 { return l.bound.Load() }

// Bind marks the chain of st keyed (see ensureSince) in a transaction of
// its own, binds the Log to the marker and returns the first keyed event.
// ikd calls it at start, so a new database is keyed from its first event.
func (l *Log) Bind(ctx context.Context, st store.Store) (int64, error) {
	var since int64
	err := st.InTx(ctx, func(tx store.Tx) error {
		head, err := tx.AuditHead(ctx)
		if err != nil {
			return err
		}
		since, err = l.ensureSince(ctx, tx, head)
		return err
	})
	if err != nil {
		return 0, err
	}
	l.bound.Store(since)
	return since, nil
}
