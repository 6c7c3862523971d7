package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/ikd-project/ikd/internal/store"
)

// Snapshot is an exported PostgreSQL snapshot held open by a read-only,
// repeatable-read transaction: pg_dump --snapshot=ID then dumps exactly
// what the transaction sees, whose audit head is Head.
type Snapshot struct {
	ID     string          // for pg_dump --snapshot
	Schema string          // the schema ikd's tables are in (current_schema())
	Head   store.AuditHead // the audit head in the snapshot
	tx     *sql.Tx
	conn   *sql.Conn
	q      store.Queries // reads in the snapshot
}

// GetMeta reads a meta value in the snapshot.
func (s *Snapshot) GetMeta(ctx context.Context, key string) (string, error) {
	return s.q.GetMeta(ctx, key)
}

// ListAudit reads audit events in the snapshot.
func (s *Snapshot) ListAudit(ctx context.Context, afterSeq int64, limit int) ([]store.AuditEvent, error) {
	return s.q.ListAudit(ctx, afterSeq, limit)
}

// AuditHead returns the audit head in the snapshot (without the lock the
// store's AuditHead takes, which a read-only transaction cannot).
func (s *Snapshot) AuditHead(context.Context) (store.AuditHead, error) { return s.Head, nil }

// Release ends the snapshot's transaction; pg_dump must be done with it.
func (s *Snapshot) Release() {
	s.tx.Rollback()
	s.conn.Close()
}

// ExportSnapshot opens a read-only repeatable-read transaction, exports its
// snapshot and reads the audit head and ikd's schema in it. It blocks no
// writer. The snapshot reads the audit log as it was (audit.Lister), so
// its chain can be verified while writers go on. The caller must Release
// it.
func (s *Store) ExportSnapshot(ctx context.Context) (*Snapshot, error) {
	conn, err := s.SQL().Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("export snapshot: %w", err)
	}
	tx, err := conn.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("export snapshot: %w", err)
	}
	snap := &Snapshot{tx: tx, conn: conn, q: s.TxQueries(tx, conn)}
	err = tx.QueryRowContext(ctx, `SELECT pg_export_snapshot(), current_schema(), h.seq, h.hash FROM audit_head h WHERE h.id = 1`).
		Scan(&snap.ID, &snap.Schema, &snap.Head.Seq, &snap.Head.Hash)
	if err != nil {
		snap.Release()
		return nil, fmt.Errorf("export snapshot: %w", err)
	}
	return snap, nil
}

// HasTables reports whether the database already holds ikd's tables in its
// search path (a restore needs an empty database).
func (s *Store) HasTables(ctx context.Context) (bool, error) {
	var n int
	err := s.SQL().QueryRowContext(ctx,
		`SELECT count(*) FROM (VALUES ('meta'), ('audit_event'), ('penduduk')) t(name) WHERE to_regclass(t.name) IS NOT NULL`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look for ikd tables: %w", err)
	}
	return n > 0, nil
}
