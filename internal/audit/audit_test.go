package audit_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/store"
)

var ctx = context.Background()

func newLog(t *testing.T) *audit.Log {
	t.Helper()
	clock := ikdtest.NewClock(time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC))
	l, err := audit.New([]byte(strings.Repeat("k", 32)), func() time.Time { clock.Advance(time.Second); return clock.Now() }, nil)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// fill writes n events, each in a transaction of its own.
func fill(t *testing.T, st store.Store, l *audit.Log, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		err := st.InTx(ctx, func(tx store.Tx) error {
			_, err := l.Record(ctx, tx, audit.Entry{Actor: "petugas1", Kantor: "DISDUKCAPIL-17.71", Action: "penduduk.read",
				Subject: "1771015708900001", Purpose: "layanan aktivasi", Detail: map[string]int{"i": i}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func verify(t *testing.T, st store.Store, l *audit.Log) audit.Result {
	t.Helper()
	res, err := l.Verify(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// rawDB reaches under the store, as an attacker with database access would,
// and switches off the append-only triggers.
func rawDB(t *testing.T, st store.Store) *sql.DB { return ikdtest.AuditRawDB(t, st) }

func exec(t *testing.T, db *sql.DB, q string) {
	t.Helper()
	if _, err := db.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func wantProblem(t *testing.T, res audit.Result, kind audit.ProblemKind, seq int64) {
	t.Helper()
	for _, p := range res.Problems {
		if p.Kind == kind && p.Seq == seq {
			return
		}
	}
	t.Errorf("want a %s problem at event %d, got %v", kind, seq, res.Problems)
}

func TestIntactChain(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		l := newLog(t)
		fill(t, st, l, 12)
		res := verify(t, st, l)
		if res.Events != 12 || len(res.Problems) != 0 {
			t.Fatalf("intact log: %d events, problems %v", res.Events, res.Problems)
		}
		events, err := st.ListAudit(ctx, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		e := events[0]
		if e.SubjectMask != "1771********0001" || strings.Contains(e.Detail+e.SubjectMask+e.SubjectHash, "1771015708900001") {
			t.Errorf("the event leaks the NIK: %+v", e)
		}
		if e.SubjectHash != l.SubjectHash("1771015708900001") || e.SubjectHash == newKeyLog(t).SubjectHash("1771015708900001") {
			t.Errorf("subject hash is not keyed: %s", e.SubjectHash)
		}
	})
}

func newKeyLog(t *testing.T) *audit.Log {
	l, err := audit.New([]byte(strings.Repeat("z", 32)), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestAppendOnly(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		fill(t, st, newLog(t), 2)
		db := st.(interface{ SQL() *sql.DB }).SQL()
		for _, q := range []string{"UPDATE audit_event SET actor = 'x' WHERE seq = 1", "DELETE FROM audit_event WHERE seq = 2"} {
			if _, err := db.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want the append-only refusal", q, err)
			}
		}
	})
}

func TestTamperDetected(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tamper []string
		kind   audit.ProblemKind
		seq    int64
	}{
		{"edited actor", []string{"UPDATE audit_event SET actor = 'someone else' WHERE seq = 5"}, audit.Edited, 5},
		{"edited purpose", []string{"UPDATE audit_event SET purpose = 'x' WHERE seq = 1"}, audit.Edited, 1},
		{"deleted middle", []string{"DELETE FROM audit_event WHERE seq = 6"}, audit.Deleted, 6},
		{"deleted tail", []string{"DELETE FROM audit_event WHERE seq >= 9"}, audit.Deleted, 9},
		{"deleted tail and head moved", []string{"DELETE FROM audit_event WHERE seq = 10",
			"UPDATE audit_head SET seq = 9, hash = (SELECT hash FROM audit_event WHERE seq = 9)"}, audit.Edited, 10},
		{"reordered", []string{"UPDATE audit_event SET seq = 100 WHERE seq = 4", "UPDATE audit_event SET seq = 4 WHERE seq = 5",
			"UPDATE audit_event SET seq = 5 WHERE seq = 100"}, audit.Reordered, 4},
		{"rehashed edit", []string{"UPDATE audit_event SET action = 'x', hash = 'aa' WHERE seq = 3"}, audit.Edited, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
				l := newLog(t)
				fill(t, st, l, 10)
				db := rawDB(t, st)
				for _, q := range tc.tamper {
					exec(t, db, q)
				}
				res := verify(t, st, l)
				if tc.name == "deleted tail and head moved" {
					// Removing the last event and rewinding the head leaves a
					// consistent shorter chain; only an outside copy of the head
					// can show that. What Verify can see is that nothing else broke.
					if len(res.Problems) != 0 || res.Events != 9 {
						t.Fatalf("got %v", res.Problems)
					}
					return
				}
				wantProblem(t, res, tc.kind, tc.seq)
			})
		})
	}
}

// TestValueHash: a value's hash is keyed, stable, and apart from other
// kinds' and from the subject hashes.
func TestValueHash(t *testing.T) {
	l, v := newLog(t), "siti@example.id"
	h := l.ValueHash("email", v)
	if len(h) != 64 || h != l.ValueHash("email", v) || strings.Contains(h, v) {
		t.Fatalf("hash %q", h)
	}
	for _, other := range []string{newKeyLog(t).ValueHash("email", v), l.ValueHash("telepon", v), l.SubjectHash(v), l.ValueHash("email", "sitI@example.id")} {
		if other == h {
			t.Errorf("%q: the same hash for another key, kind or value", other)
		}
	}
}
