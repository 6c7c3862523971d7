package sqlstore

import (
	"context"
	"fmt"

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

// AppendAudit appends e, whose Seq must be the head's Seq + 1 and whose
// PrevHash must be the head's hash, and moves the head to it.
func (q *queries) AppendAudit(ctx context.Context, e *store.AuditEvent) error {
	return q.atomic(ctx, func(q *queries) error {
		res, err := q.exec(ctx, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1 AND seq = ? AND hash = ?`,
			e.Seq, e.Hash, e.Seq-1, e.PrevHash)
		if err != nil {
			return fmt.Errorf("move audit head: %w", err)
		}
		if err := affected(res); err != nil {
			return fmt.Errorf("append audit event %d: not at the head of the chain: %w", e.Seq, store.ErrConflict)
		}
		_, err = q.exec(ctx, `INSERT INTO audit_event (seq, at, actor, kantor_kode, action, subject_mask,
			subject_hash, purpose, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.Seq, q.ts(e.At), e.Actor, e.KantorKode, e.Action, e.SubjectMask, e.SubjectHash, e.Purpose,
			e.Detail, e.PrevHash, e.Hash)
		if err != nil {
			return fmt.Errorf("insert audit event: %w", err)
		}
		return nil
	})
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
