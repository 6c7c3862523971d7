package ikdtest

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/store"
)

// AuditRawDB reaches under the store, as an attacker with database access
// would, and switches off the audit log's append-only triggers.
func AuditRawDB(t testing.TB, st store.Store) *sql.DB {
	t.Helper()
	db := st.(interface{ SQL() *sql.DB }).SQL()
	stmts := map[string][]string{
		"sqlite":   {"DROP TRIGGER IF EXISTS audit_event_no_update", "DROP TRIGGER IF EXISTS audit_event_no_delete"},
		"postgres": {"ALTER TABLE audit_event DISABLE TRIGGER USER"},
	}[st.Backend()]
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return db
}

// RechainAuditPlain does what an attacker with write access but without
// the audit key can: set the actor of event seq, re-compute every hash from
// it on with plain SHA-256 and move the head, so the chain is consistent in
// itself again.
func RechainAuditPlain(t testing.TB, st store.Store, seq int64, actor string) {
	t.Helper()
	db := AuditRawDB(t, st)
	events, err := st.ListAudit(context.Background(), 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	prev := ""
	for i := range events {
		e := &events[i]
		if e.Seq < seq {
			prev = e.Hash
			continue
		}
		if e.Seq == seq {
			e.Actor = actor
		}
		e.PrevHash = prev
		e.Hash = audit.PlainHash(e)
		prev = e.Hash
		mustExec(t, db, fmt.Sprintf("UPDATE audit_event SET actor = '%s', prev_hash = '%s', hash = '%s' WHERE seq = %d",
			e.Actor, e.PrevHash, e.Hash, e.Seq))
	}
	mustExec(t, db, fmt.Sprintf("UPDATE audit_head SET hash = '%s'", prev))
}

func mustExec(t testing.TB, db *sql.DB, q string) {
	t.Helper()
	if _, err := db.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// AppendAuditPlain appends n events the way an ikd from before the keyed
// chain did: plain SHA-256, no chain marker.
func AppendAuditPlain(t testing.TB, st store.Store, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		err := st.InTx(ctx, func(tx store.Tx) error {
			head, err := tx.AuditHead(ctx)
			if err != nil {
				return err
			}
			e := store.AuditEvent{Seq: head.Seq + 1, At: time.Date(2025, 1, 2, 3, 4, 5, i*1000, time.UTC), Actor: "petugas-lama",
				Action: "penduduk.read", Purpose: "layanan", Detail: "{}", PrevHash: head.Hash}
			e.Hash = audit.PlainHash(&e)
			return tx.AppendAudit(ctx, &e)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
