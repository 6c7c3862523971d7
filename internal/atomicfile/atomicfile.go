// Package atomicfile writes small files (keys, key indexes) so that a crash
// at any moment leaves either the old content or the new, never a torn or
// empty file: the data goes to a temporary file in the same directory, is
// synced, and takes the final name in one step, after which the directory
// is synced too.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// Write replaces path with b, created with perm.
func Write(path string, b []byte, perm os.FileMode) error {
	return write(path, b, perm, os.Rename)
}

// Create writes b to path, which must not exist yet: of two processes
// creating the same file at once, one fails and neither overwrites.
func Create(path string, b []byte, perm os.FileMode) error {
	return write(path, b, perm, os.Link)
}

func write(path string, b []byte, perm os.FileMode, place func(tmp, path string) error) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a rename it is already gone
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := place(tmp, path); err != nil {
		return fmt.Errorf("place %s: %w", path, err)
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
