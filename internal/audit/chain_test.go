package audit_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/store"
)

// rechainPlain edits event seq and re-computes the chain from it with
// plain SHA-256, as an attacker without the audit key would.
func rechainPlain(t *testing.T, st store.Store, _ *sql.DB, seq int64) {
	ikdtest.RechainAuditPlain(t, st, seq, "penyusup")
}

// TestRechainWithoutKeyCaught: an edit whose chain was re-computed with
// plain SHA-256, consistent in itself, is caught and named.
func TestRechainWithoutKeyCaught(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		l := newLog(t)
		if since, err := l.Bind(ctx, st); err != nil || since != 1 {
			t.Fatalf("a new database is keyed from event %d (err %v), want 1", since, err)
		}
		fill(t, st, l, 10)
		rechainPlain(t, st, nil, 5)
		res := verify(t, st, l)
		wantProblem(t, res, audit.Edited, 5)
		if !strings.Contains(fmt.Sprint(res.Problems), "plain SHA-256") {
			t.Errorf("the problem does not say the hash is unkeyed: %v", res.Problems)
		}
		if res.Problems[0].Seq != 5 {
			t.Errorf("first problem at event %d, want 5: %v", res.Problems[0].Seq, res.Problems)
		}
	})
}

// fillPlain writes n events the way an ikd from before the keyed chain did.
func fillPlain(t *testing.T, st store.Store, n int) { ikdtest.AppendAuditPlain(t, st, n) }

// TestUpgradeFromPlainChain: a database written before the keyed chain
// stays verifiable, continues keyed, and tampering in either part, or with
// the marker, is caught.
func TestUpgradeFromPlainChain(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tamper func(t *testing.T, st store.Store, db *sql.DB)
		kind   audit.ProblemKind
		seq    int64
	}{
		{"intact", nil, "", 0},
		{"old event rechained", func(t *testing.T, st store.Store, db *sql.DB) { rechainPlain(t, st, db, 2) }, audit.Edited, 5},
		{"new event rechained", func(t *testing.T, st store.Store, db *sql.DB) { rechainPlain(t, st, db, 6) }, audit.Edited, 6},
		{"marker moved", func(t *testing.T, st store.Store, db *sql.DB) {
			exec(t, db, "UPDATE meta SET value = 'hmac-sha256 since=9 mac=00' WHERE key = 'audit.chain'")
		}, audit.BadMarker, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
				fillPlain(t, st, 4)
				l := newLog(t)
				if res := verify(t, st, l); len(res.Problems) != 0 || res.KeyedSince != 0 || res.Events != 4 {
					t.Fatalf("old database before the upgrade: %+v", res)
				}
				fill(t, st, l, 4)
				if tc.tamper == nil {
					res := verify(t, st, l)
					if len(res.Problems) != 0 || res.KeyedSince != 5 || res.Events != 8 || res.Head.Seq != 8 {
						t.Fatalf("upgraded database: %+v", res)
					}
					return
				}
				tc.tamper(t, st, rawDB(t, st))
				wantProblem(t, verify(t, st, l), tc.kind, tc.seq)
			})
		})
	}
}

// TestMarkerOfAnotherKey: a chain marked under one key is refused by a log
// with another, rather than silently re-marked.
func TestMarkerOfAnotherKey(t *testing.T) {
	st := ikdtest.NewStore(t)
	fill(t, st, newLog(t), 2)
	if _, err := newKeyLog(t).Bind(ctx, st); err == nil || !strings.Contains(err.Error(), "not written with this audit key") {
		t.Fatalf("Bind with another key: %v", err)
	}
	res := verify(t, st, newKeyLog(t))
	wantProblem(t, res, audit.BadMarker, 0)
}
