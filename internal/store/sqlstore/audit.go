package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ikd-project/ikd/internal/store"
)

// AuditHead reads the end of the chain and, on PostgreSQL, locks it until
// the transaction ends, so appends are strictly ordered.
func (q *queries) AuditHead(ctx context.Context) (store.AuditHead, error) {
	var h store.AuditHead
	err := q.row(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`+q.s.dialect.ForUpdate).Scan(&h.Seq, &h.Hash)
	if err != nil {
		return h, fmt.Errorf("read audit head: %w", err)
	}
	return h, nil
}

// AppendAudit appends evs in order, the first of which must follow the
// head (its Seq the head's Seq + 1, its PrevHash the head's hash) and each
// the one before it, and moves the head to the last: one statement for the
// head and one INSERT for the events, however many.
func (q *queries) AppendAudit(ctx context.Context, evs ...*store.AuditEvent) error {
	if len(evs) == 0 {
		return nil
	}
	for i := 1; i < len(evs); i++ {
		if evs[i].Seq != evs[i-1].Seq+1 || evs[i].PrevHash != evs[i-1].Hash {
			return fmt.Errorf("append audit event %d: does not follow event %d: %w", evs[i].Seq, evs[i-1].Seq, store.ErrConflict)
		}
	}
	first, last := evs[0], evs[len(evs)-1]
	return q.atomic(ctx, func(q *queries) error {
		res, err := q.exec(ctx, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1 AND seq = ? AND hash = ?`,
			last.Seq, last.Hash, first.Seq-1, first.PrevHash)
		if err != nil {
			return fmt.Errorf("move audit head: %w", err)
		}
		if err := affected(res); err != nil {
			return fmt.Errorf("append audit event %d: not at the head of the chain: %w", first.Seq, store.ErrConflict)
		}
		for chunk := range slices.Chunk(evs, auditChunk) {
			if err := q.insertAudit(ctx, chunk); err != nil {
				return err
			}
		}
		return nil
	})
}

// auditChunk is the most events one INSERT carries (11 parameters each,
// well under SQLite's limit of 32,766).
const auditChunk = 256

// insertAudit inserts evs with one multi-row INSERT.
func (q *queries) insertAudit(ctx context.Context, evs []*store.AuditEvent) error {
	var b strings.Builder
	b.WriteString(`INSERT INTO audit_event (` + auditCols + `) VALUES `)
	args := make([]any, 0, 11*len(evs))
	for i, e := range evs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, e.Seq, q.ts(e.At), e.Actor, e.KantorKode, e.Action, e.SubjectMask, e.SubjectHash,
			e.Purpose, e.Detail, e.PrevHash, e.Hash)
	}
	exec := q.exec
	if len(evs) > 1 {
		exec = q.execUncached // one text per batch size: not worth a cache entry
	}
	if _, err := exec(ctx, b.String(), args...); err != nil {
		return fmt.Errorf("insert audit events: %w", err)
	}
	return nil
}

const auditCols = `seq, at, actor, kantor_kode, action, subject_mask, subject_hash, purpose, detail, prev_hash, hash`

func scanAudit(r rowScanner) (store.AuditEvent, error) {
	var e store.AuditEvent
	err := r.Scan(&e.Seq, &e.At, &e.Actor, &e.KantorKode, &e.Action, &e.SubjectMask, &e.SubjectHash,
		&e.Purpose, &e.Detail, &e.PrevHash, &e.Hash)
	e.At = e.At.UTC()
	return e, err
}

// ListAudit reads events after a sequence number, in order.
func (q *queries) ListAudit(ctx context.Context, afterSeq int64, limit int) ([]store.AuditEvent, error) {
	rows, err := q.query(ctx, `SELECT `+auditCols+` FROM audit_event WHERE seq > ? ORDER BY seq LIMIT `+fmt.Sprint(limit), afterSeq)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	return all(rows, scanAudit)
}

// ListAuditSubject reads the newest events about one resident, by the
// keyed hash of their NIK (the audit_event_subject index).
func (q *queries) ListAuditSubject(ctx context.Context, subjectHash string, limit int) ([]store.AuditEvent, error) {
	rows, err := q.query(ctx, `SELECT `+auditCols+` FROM audit_event WHERE subject_hash = ? ORDER BY seq DESC LIMIT `+
		fmt.Sprint(min(max(limit, 1), 1000)), subjectHash)
	if err != nil {
		return nil, fmt.Errorf("list audit of a subject: %w", err)
	}
	return all(rows, scanAudit)
}
