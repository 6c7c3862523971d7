package kms

import (
	"encoding/base64"

	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/pem"
	jose "github.com/go-jose/go-jose/v4"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestThumbprintMatchesGoJose(t *testing.T) {
	// go-jose's RFC 7638 implementation is independent of ours.
	for i := 0; i < 20; i++ {
		priv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		got, err := Thumbprint(&priv.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		tp, err := (&jose.JSONWebKey{Key: &priv.PublicKey}).Thumbprint(crypto.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		if want := base64.RawURLEncoding.EncodeToString(tp); got != want {
			t.Fatalf("Thumbprint = %s, go-jose says %s", got, want)
		}
	}
}

func sign(t *testing.T, k Key) {
	t.Helper()
	h := sha256.Sum256([]byte("ikd"))
	sig, err := k.Signer().Sign(rand.Reader, h[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if !ecdsa.VerifyASN1(k.Public, h[:], sig) {
		t.Fatal("signature does not verify")
	}
}

func TestCreateReopenRotateWithdraw(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	s, err := OpenFileStore(dir, nil, clock)
	if err != nil {
		t.Fatal(err)
	}
	first := s.Active()
	sign(t, first)
	info, err := os.Stat(filepath.Join(dir, first.ID+".pem"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v", info.Mode(), err)
	}
	// Reopening finds the same key, not a new one.
	s2, err := OpenFileStore(dir, nil, clock)
	if err != nil || s2.Active().ID != first.ID || len(s2.List()) != 1 {
		t.Fatalf("reopen: %v, %d keys", err, len(s2.List()))
	}
	now = now.Add(24 * time.Hour)
	second, err := s2.Rotate(365 * 24 * time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	old, err := s2.Lookup(first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if old.State != Retired || old.Signer() != nil || !old.Verifies(now.Add(364*24*time.Hour)) || old.Verifies(now.Add(366*24*time.Hour)) {
		t.Errorf("retired key: %+v", old)
	}
	if s2.Active().ID != second.ID || !second.Verifies(now.Add(10*365*24*time.Hour)) {
		t.Errorf("active key after rotation: %s", s2.Active().ID)
	}
	if err := s2.Withdraw(second.ID); err == nil {
		t.Error("withdrew the active key")
	}
	if err := s2.Withdraw(first.ID); err != nil {
		t.Fatal(err)
	}
	s3, err := OpenFileStore(dir, nil, clock)
	if err != nil {
		t.Fatal(err)
	}
	k, _ := s3.Lookup(first.ID)
	if k.State != Withdrawn || k.Verifies(now) || s3.Active().ID != second.ID {
		t.Errorf("after reopen: first %+v, active %s", k, s3.Active().ID)
	}
	if _, err := s3.Lookup("nope"); err == nil {
		t.Error("lookup of an unknown key succeeded")
	}
}

func TestEncryptedKeys(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenFileStore(dir, []byte("rahasia dinas"), nil)
	if err != nil {
		t.Fatal(err)
	}
	id := s.Active().ID
	b, _ := os.ReadFile(filepath.Join(dir, id+".pem"))
	block, _ := pem.Decode(b)
	if block == nil || block.Type != encryptedPEM || strings.Contains(string(b), "PRIVATE KEY-----\nMIG") {
		t.Fatalf("key is not encrypted at rest: %s", b)
	}
	if _, err := OpenFileStore(dir, []byte("salah"), nil); err == nil || !strings.Contains(err.Error(), "wrong passphrase") {
		t.Errorf("wrong passphrase: %v", err)
	}
	if _, err := OpenFileStore(dir, nil, nil); err == nil || !strings.Contains(err.Error(), "passphrase") {
		t.Errorf("no passphrase: %v", err)
	}
	s2, err := OpenFileStore(dir, []byte("rahasia dinas"), nil)
	if err != nil || s2.Active().ID != id {
		t.Fatalf("reopen with passphrase: %v", err)
	}
	sign(t, s2.Active())
}

func TestRefusesReadableKey(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenFileStore(dir, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(dir, s.Active().ID+".pem"), 0o644)
	if _, err := OpenFileStore(dir, nil, nil); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("group-readable key: %v", err)
	}
}

// TestRefusesTamperedFiles plants what someone with write access to the key
// directory could: a plain key in an encrypted store, absurd argon2
// parameters, a path in the index.
func TestRefusesTamperedFiles(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenFileStore(dir, []byte("rahasia"), nil)
	if err != nil {
		t.Fatal(err)
	}
	id := s.Active().ID
	path := filepath.Join(dir, id+".pem")
	orig, _ := os.ReadFile(path)

	// A plain key under the same ID (its thumbprint matches: the same key).
	plain := &FileStore{dir: dir}
	priv := s.Active().signer.(*ecdsa.PrivateKey)
	if err := plain.writeKey(id, priv); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenFileStore(dir, []byte("rahasia"), nil); err == nil || !strings.Contains(err.Error(), "not encrypted") {
		t.Errorf("plain key in an encrypted store: %v", err)
	}

	// Zero argon2 rounds (which would panic) and a huge memory size.
	for _, bad := range []string{"Argon-Time: 3", "Argon-Memory-KiB: 65536"} {
		repl := map[string]string{"Argon-Time: 3": "Argon-Time: 0", "Argon-Memory-KiB: 65536": "Argon-Memory-KiB: 99999999"}[bad]
		os.WriteFile(path, []byte(strings.Replace(string(orig), bad, repl, 1)), 0o600)
		if _, err := OpenFileStore(dir, []byte("rahasia"), nil); err == nil || !strings.Contains(err.Error(), "out-of-range") {
			t.Errorf("%s: %v", repl, err)
		}
	}

	// A path in the index instead of a thumbprint.
	os.WriteFile(path, orig, 0o600)
	os.WriteFile(filepath.Join(dir, "keys.json"), []byte(`[{"id":"../../etc/x","state":"active","created":"2026-01-01T00:00:00Z"}]`), 0o600)
	if _, err := OpenFileStore(dir, []byte("rahasia"), nil); err == nil || !strings.Contains(err.Error(), "malformed ID") {
		t.Errorf("path in the index: %v", err)
	}
}
