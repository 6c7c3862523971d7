package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteAndCreate(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "keys.json")
	if err := Write(p, []byte("one"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	info, _ := os.Stat(p)
	if string(b) != "two" || info.Mode().Perm() != 0o600 {
		t.Errorf("after Write: %q, mode %v", b, info.Mode().Perm())
	}
	k := filepath.Join(dir, "audit.key")
	if err := Create(k, []byte("first"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Create(k, []byte("second"), 0o600); !errors.Is(err, fs.ErrExist) {
		t.Errorf("Create over an existing file: %v", err)
	}
	if b, _ := os.ReadFile(k); string(b) != "first" {
		t.Errorf("Create overwrote the file: %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}
