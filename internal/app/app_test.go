package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/store"
)

func TestLoadOrCreateKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "audit.key")
	k1, err := LoadOrCreateKey(path, 32)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 || len(k1) != 32 {
		t.Fatalf("created key: mode %v, %d bytes, err %v", info.Mode(), len(k1), err)
	}
	k2, err := LoadOrCreateKey(path, 32)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("second load gave another key (err %v)", err)
	}
	os.Chmod(path, 0o644)
	if _, err := LoadOrCreateKey(path, 32); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("world-readable key accepted: %v", err)
	}
	short := filepath.Join(t.TempDir(), "short.key")
	os.WriteFile(short, []byte("abc"), 0o600)
	if _, err := LoadOrCreateKey(short, 32); err == nil {
		t.Error("short key accepted")
	}
}

// TestAuditKeyBelongsToDatabase: the first start ties the database to its
// audit key; a missing or different key later is an error, not a silent
// new key that would orphan every resident's audit history.
func TestAuditKeyBelongsToDatabase(t *testing.T) {
	ctx := context.Background()
	st := ikdtest.NewStore(t)
	dir := t.TempDir()
	cfg := &config.Config{AuditKeyFile: filepath.Join(dir, "audit.key")}
	if _, err := NewAuditLog(ctx, cfg, st, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := NewAuditLog(ctx, cfg, st, nil); err != nil {
		t.Fatalf("second start with the same key: %v", err)
	}
	os.Remove(cfg.AuditKeyFile)
	if _, err := NewAuditLog(ctx, cfg, st, nil); err == nil || !strings.Contains(err.Error(), "is missing") {
		t.Errorf("missing key file: %v", err)
	}
	if _, err := os.Stat(cfg.AuditKeyFile); err == nil {
		t.Error("a new key file was created for a database that had one")
	}
	other := &config.Config{AuditKeyFile: filepath.Join(t.TempDir(), "audit.key")}
	LoadOrCreateKey(other.AuditKeyFile, 32)
	if _, err := NewAuditLog(ctx, other, st, nil); err == nil || !strings.Contains(err.Error(), "is not the key") {
		t.Errorf("another database's key: %v", err)
	}
}

// TestNewAuditLogKeysTheChain: the first start marks a new database's chain
// keyed from event 1, and OpenAuditLog (for ikd audit verify) reads it with
// the same key and writes nothing.
func TestNewAuditLogKeysTheChain(t *testing.T) {
	ctx := context.Background()
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		cfg := &config.Config{AuditKeyFile: filepath.Join(t.TempDir(), "audit.key")}
		l, err := NewAuditLog(ctx, cfg, st, nil)
		if err != nil {
			t.Fatal(err)
		}
		if v, err := st.GetMeta(ctx, audit.ChainMeta); err != nil || !strings.HasPrefix(v, "hmac-sha256 since=1 ") {
			t.Fatalf("chain marker %q, %v", v, err)
		}
		if err := st.InTx(ctx, func(tx store.Tx) error {
			_, err := l.Record(ctx, tx, audit.Entry{Actor: "system:test", Action: "test"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		v, err := OpenAuditLog(ctx, cfg, st)
		if err != nil {
			t.Fatal(err)
		}
		res, err := v.Verify(ctx, st, nil)
		if err != nil || len(res.Problems) != 0 || res.KeyedSince != 1 || res.Events != 1 {
			t.Fatalf("verify: %+v %v", res, err)
		}
	})
}

// TestOpenAuditLogCreatesNothing: verifying a database never started
// creates no key file.
func TestOpenAuditLogCreatesNothing(t *testing.T) {
	cfg := &config.Config{AuditKeyFile: filepath.Join(t.TempDir(), "audit.key")}
	if _, err := OpenAuditLog(context.Background(), cfg, ikdtest.NewStore(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(cfg.AuditKeyFile); err == nil {
		t.Error("OpenAuditLog created a key file")
	}
}

// TestChainFileKeepsTheChainKeyed (security review, HIGH): the first start
// records next to the audit key, outside the database, that the chain is
// keyed from event 1. After the marker is deleted from the database, the
// next start refuses rather than re-marking the chain from its head, and
// OpenAuditLog (ikd audit verify) reports the deleted marker.
func TestChainFileKeepsTheChainKeyed(t *testing.T) {
	ctx := context.Background()
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		cfg := &config.Config{AuditKeyFile: filepath.Join(t.TempDir(), "audit.key")}
		l, err := NewAuditLog(ctx, cfg, st, nil)
		if err != nil {
			t.Fatal(err)
		}
		file := audit.ChainFile(cfg.AuditKeyFile)
		if info, err := os.Stat(file); err != nil || info.Mode().Perm() != 0o600 {
			t.Fatalf("chain file %s: %v %v", file, info, err)
		}
		recordTest(t, st, l)
		if _, err := NewAuditLog(ctx, cfg, st, nil); err != nil {
			t.Fatalf("restart: %v", err)
		}
		if _, err := ikdtest.AuditRawDB(t, st).Exec("DELETE FROM meta WHERE key = 'audit.chain'"); err != nil {
			t.Fatal(err)
		}
		ikdtest.RechainAuditPlain(t, st, 1, "penyusup")
		if _, err := NewAuditLog(ctx, cfg, st, nil); err == nil || !strings.Contains(err.Error(), "MISSING") {
			t.Errorf("restart with the marker deleted: %v, want the missing-marker error", err)
		}
		if _, err := st.GetMeta(ctx, audit.ChainMeta); !store.IsNotFound(err) {
			t.Errorf("a new marker was written over the deleted one: %v", err)
		}
		v, err := OpenAuditLog(ctx, cfg, st)
		if err != nil {
			t.Fatal(err)
		}
		res, err := v.Verify(ctx, st, nil)
		if err != nil || len(res.Problems) == 0 || res.Problems[0].Kind != audit.BadMarker || res.Bound != 1 {
			t.Errorf("verify: %+v %v", res, err)
		}
	})
}

// TestChainFileUpgrade: a database from before the keyed chain (plain
// events, no marker, no chain file) is marked at its first start from its
// next event and the chain file records it; later starts keep it, and a
// deleted marker is then refused too. A database keyed by an ikd from
// before the chain file gets the file from its marker.
func TestChainFileUpgrade(t *testing.T) {
	ctx := context.Background()
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		cfg := &config.Config{AuditKeyFile: filepath.Join(t.TempDir(), "audit.key")}
		ikdtest.AppendAuditPlain(t, st, 3)
		l, err := NewAuditLog(ctx, cfg, st, nil)
		if err != nil {
			t.Fatal(err)
		}
		recordTest(t, st, l)
		if since, ok, err := l.ReadChainFile(audit.ChainFile(cfg.AuditKeyFile)); since != 4 || !ok || err != nil {
			t.Fatalf("chain file after the upgrade: %d %v %v", since, ok, err)
		}
		os.Remove(audit.ChainFile(cfg.AuditKeyFile)) // as written by an ikd from before the chain file
		if _, err := NewAuditLog(ctx, cfg, st, nil); err != nil {
			t.Fatalf("start without the chain file: %v", err)
		}
		v, err := OpenAuditLog(ctx, cfg, st)
		if err != nil {
			t.Fatal(err)
		}
		if res, err := v.Verify(ctx, st, nil); err != nil || len(res.Problems) != 0 || res.Bound != 4 || res.KeyedSince != 4 {
			t.Fatalf("verify the upgraded database: %+v %v", res, err)
		}
		if _, err := ikdtest.AuditRawDB(t, st).Exec("DELETE FROM meta WHERE key = 'audit.chain'"); err != nil {
			t.Fatal(err)
		}
		if _, err := NewAuditLog(ctx, cfg, st, nil); err == nil {
			t.Error("start of an upgraded database with its marker deleted succeeded")
		}
	})
}

// recordTest records one event through l.
func recordTest(t *testing.T, st store.Store, l *audit.Log) {
	t.Helper()
	if err := st.InTx(context.Background(), func(tx store.Tx) error {
		_, err := l.Record(context.Background(), tx, audit.Entry{Actor: "system:test", Action: "test"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
}
