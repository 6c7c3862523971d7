package audit_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/store"
)

// deleteMarker removes the chain marker, as an attacker with write access
// to the database can.
func deleteMarker(t *testing.T, st store.Store) {
	t.Helper()
	exec(t, rawDB(t, st), "DELETE FROM meta WHERE key = 'audit.chain'")
}

// record appends one event, returning the error instead of failing.
func record(st store.Store, l *audit.Log) error {
	return st.InTx(ctx, func(tx store.Tx) error {
		_, err := l.Record(ctx, tx, audit.Entry{Actor: "petugas1", Action: "penduduk.read"})
		return err
	})
}

// TestMarkerDeletionDowngradeCaught (security review, HIGH): someone with
// write access to the database but without the audit key deletes the chain
// marker and re-computes the whole chain with plain SHA-256. A bound Log
// reports the deleted marker and the unkeyed events, refuses to record,
// and a restart (Bind) does not re-mark the chain from the head on.
func TestMarkerDeletionDowngradeCaught(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		l := newLog(t)
		if since, err := l.Bind(ctx, st); err != nil || since != 1 || l.Bound() != 1 {
			t.Fatalf("Bind: %d %v (bound %d)", since, err, l.Bound())
		}
		fill(t, st, l, 10)
		deleteMarker(t, st)
		ikdtest.RechainAuditPlain(t, st, 1, "penyusup")

		res := verify(t, st, l)
		wantProblem(t, res, audit.BadMarker, 0)
		wantProblem(t, res, audit.Edited, 1)
		if res.KeyedSince != 1 || res.Bound != 1 || !strings.Contains(res.Problems[0].Info, "missing") {
			t.Errorf("verify: keyed since %d, bound %d, %v", res.KeyedSince, res.Bound, res.Problems)
		}
		if err := record(st, l); !errors.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "MISSING") {
			t.Errorf("Record with the marker deleted: %v, want the missing-marker error", err)
		}
		// A restart: a fresh Log bound from the record outside the database.
		restarted := newLog(t)
		restarted.Expect(1)
		if since, err := restarted.Bind(ctx, st); err == nil {
			t.Fatalf("Bind after the marker was deleted: re-marked from event %d, want an error", since)
		}
		if _, err := st.GetMeta(ctx, audit.ChainMeta); !store.IsNotFound(err) {
			t.Errorf("a marker was written over the deleted one: %v", err)
		}
		wantProblem(t, verify(t, st, restarted), audit.Edited, 1)
	})
}

// TestBoundMarkerMoved: a marker that names another first keyed event than
// the one recorded outside the database (e.g. a database restored from a
// backup of before the upgrade) is refused and reported.
func TestBoundMarkerMoved(t *testing.T) {
	st := ikdtest.NewStore(t)
	fill(t, st, newLog(t), 3) // marked keyed from event 1
	l := newLog(t)
	l.Expect(2)
	if _, err := l.Bind(ctx, st); err == nil || !strings.Contains(err.Error(), "from event 1") {
		t.Errorf("Bind with the marker at 1, bound at 2: %v", err)
	}
	if err := record(st, l); err == nil {
		t.Error("Record with a moved marker succeeded")
	}
	res := verify(t, st, l)
	wantProblem(t, res, audit.BadMarker, 0)
	if res.KeyedSince != 2 {
		t.Errorf("a moved marker is checked as keyed from %d, want the bound 2", res.KeyedSince)
	}
}

// TestBoundLogRefusesEmptyDatabaseWithoutMarker (security re-review): a
// bound Log does not mark a database without events and marker: a wiped
// log looks just like that. ikd audit accept-restore is the way out.
func TestBoundLogRefusesEmptyDatabaseWithoutMarker(t *testing.T) {
	st := ikdtest.NewStore(t)
	l := newLog(t)
	l.Expect(1)
	if _, err := l.Bind(ctx, st); err == nil || !strings.Contains(err.Error(), "MISSING") {
		t.Fatalf("Bind on an empty database without marker: %v, want the missing-marker error", err)
	}
	if _, err := st.GetMeta(ctx, audit.ChainMeta); !store.IsNotFound(err) {
		t.Errorf("a marker was written: %v", err)
	}
}

// TestChainFile: the chain file records the first keyed event under a MAC
// of the audit key; another key, an edit or a second different write is
// refused.
func TestChainFile(t *testing.T) {
	path := audit.ChainFile(filepath.Join(t.TempDir(), "audit.key"))
	if filepath.Base(path) != "audit.chain" {
		t.Fatalf("chain file %s, want audit.chain next to the key", path)
	}
	l := newLog(t)
	if _, ok, err := l.ReadChainFile(path); ok || err != nil {
		t.Fatalf("no file yet: ok %v err %v", ok, err)
	}
	if err := l.WriteChainFile(path, 5); err != nil {
		t.Fatal(err)
	}
	if since, ok, err := l.ReadChainFile(path); since != 5 || !ok || err != nil {
		t.Fatalf("read back: %d %v %v", since, ok, err)
	}
	if err := l.WriteChainFile(path, 5); err != nil {
		t.Errorf("the same content again (a concurrent start): %v", err)
	}
	if err := l.WriteChainFile(path, 1); err == nil {
		t.Error("a different first keyed event replaced the file")
	}
	if _, _, err := newKeyLog(t).ReadChainFile(path); err == nil {
		t.Error("the file was accepted under another audit key")
	}
	forged := strings.Replace(readFile(t, path), "since=5", "since=9", 1)
	writeFile(t, path, forged)
	if _, _, err := l.ReadChainFile(path); err == nil || !strings.Contains(err.Error(), "altered") {
		t.Errorf("an edited file: %v", err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}
