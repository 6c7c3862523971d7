package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/ikdtest"
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
