package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/store"
)

// wipeAudit deletes every audit event and the chain marker and resets the
// head, as someone who can rewrite the tables but has no key would.
func wipeAudit(t *testing.T, st store.Store) {
	t.Helper()
	db := ikdtest.AuditRawDB(t, st)
	for _, q := range []string{"DELETE FROM audit_event", "UPDATE audit_head SET seq = 0, hash = ''",
		"DELETE FROM meta WHERE key = 'audit.chain'"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

// TestWipedAuditLogIsNotReMarked (security re-review, MEDIUM): a database
// whose whole audit log and marker were deleted is not marked again from
// event 1: the start fails, verify fails, and only ikd audit
// accept-restore (a deliberate restore) lets it start again.
func TestWipedAuditLogIsNotReMarked(t *testing.T) {
	ctx := context.Background()
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		cfg := &config.Config{AuditKeyFile: filepath.Join(t.TempDir(), "audit.key")}
		l, err := NewAuditLog(ctx, cfg, st, nil)
		if err != nil {
			t.Fatal(err)
		}
		recordTest(t, st, l)
		recordTest(t, st, l)
		wipeAudit(t, st)
		if _, err := NewAuditLog(ctx, cfg, st, nil); err == nil {
			t.Fatal("restart after the audit log and its marker were deleted succeeded (re-marked from 1)")
		}
		if _, err := st.GetMeta(ctx, audit.ChainMeta); !store.IsNotFound(err) {
			t.Errorf("a marker was written into the wiped database: %v", err)
		}
		v, err := OpenAuditLog(ctx, cfg, st)
		if err != nil {
			t.Fatal(err)
		}
		if res, err := v.Verify(ctx, st, nil); err != nil || len(res.Problems) == 0 {
			t.Errorf("verify of the wiped log: %+v %v, want problems", res, err)
		}
		if head, err := AcceptRestore(ctx, cfg, st); err != nil || head != 0 {
			t.Fatalf("accept-restore: %d %v", head, err)
		}
		l, err = NewAuditLog(ctx, cfg, st, nil)
		if err != nil {
			t.Fatalf("start after accept-restore: %v", err)
		}
		recordTest(t, st, l)
		if res, err := l.Verify(ctx, st, nil); err != nil || len(res.Problems) != 0 || res.KeyedSince != 1 {
			t.Errorf("verify after accept-restore: %+v %v", res, err)
		}
	})
}

// TestTruncatedAuditLogIsRefused: deleting the last events and moving the
// head back leaves a chain that verifies on its own; the seen file, written
// at every start, catches it at the next start and in verify.
func TestTruncatedAuditLogIsRefused(t *testing.T) {
	ctx := context.Background()
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		cfg := &config.Config{AuditKeyFile: filepath.Join(t.TempDir(), "audit.key")}
		l, err := NewAuditLog(ctx, cfg, st, nil)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			recordTest(t, st, l)
		}
		if err := RecordSeen(ctx, cfg, st, l); err != nil { // a clean shutdown
			t.Fatal(err)
		}
		var hash string
		db := ikdtest.AuditRawDB(t, st)
		if err := db.QueryRow("SELECT hash FROM audit_event WHERE seq = 1").Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("DELETE FROM audit_event WHERE seq > 1"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("UPDATE audit_head SET seq = 1, hash = '" + hash + "'"); err != nil {
			t.Fatal(err)
		}
		_, err = NewAuditLog(ctx, cfg, st, nil)
		if errs.KindOf(err) != errs.Conflict || !strings.Contains(errs.Message(err, "en", ""), "accept-restore") ||
			!strings.Contains(errs.Message(err, "id", ""), "sudah melihat kejadian 3") {
			t.Errorf("restart of a truncated log: %v", err)
		}
		v, err := OpenAuditLog(ctx, cfg, st)
		if err != nil {
			t.Fatal(err)
		}
		res, err := v.Verify(ctx, st, nil)
		if err != nil || len(res.Problems) != 1 || res.Problems[0].Kind != audit.Deleted || res.Problems[0].Seq != 2 {
			t.Errorf("verify of a truncated log: %+v %v", res, err)
		}
	})
}

// TestSeenFileFollowsTheHead: each start raises the mark to the head; a
// seen file altered by hand or under another key is refused.
func TestSeenFileFollowsTheHead(t *testing.T) {
	ctx := context.Background()
	st := ikdtest.NewSQLite(t, nil)
	cfg := &config.Config{AuditKeyFile: filepath.Join(t.TempDir(), "audit.key")}
	l, err := NewAuditLog(ctx, cfg, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	file := audit.SeenFile(cfg.AuditKeyFile)
	if filepath.Base(file) != "audit.seen" {
		t.Fatalf("seen file %s, want audit.seen next to the key", file)
	}
	recordTest(t, st, l)
	recordTest(t, st, l)
	if _, err := NewAuditLog(ctx, cfg, st, nil); err != nil {
		t.Fatal(err)
	}
	if seq, ok, err := l.ReadSeenFile(file); seq != 2 || !ok || err != nil {
		t.Fatalf("seen file after a restart: %d %v %v", seq, ok, err)
	}
	other, err := audit.New([]byte(strings.Repeat("o", 32)), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.WriteSeenFile(file, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := NewAuditLog(ctx, cfg, st, nil); err == nil {
		t.Error("a seen file written under another key was accepted")
	}
}
