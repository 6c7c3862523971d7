package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/ikd-project/ikd/internal/web/assets"
)

// TestPrecompressed: every text and wasm file of static/ has its Brotli and
// gzip forms beside it, and they decode to the file as it is now. A file
// changed without go generate ./internal/web fails here.
func TestPrecompressed(t *testing.T) {
	n := 0
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !assets.Compressible(p) {
			return err
		}
		n++
		raw, _ := fs.ReadFile(staticFS, p)
		for suffix, open := range map[string]func(io.Reader) (io.Reader, error){
			".br": func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil },
			".gz": func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) },
		} {
			c, err := fs.ReadFile(staticFS, p+suffix)
			if err != nil {
				t.Errorf("%s has no %s form: run go generate ./internal/web", p, suffix)
				continue
			}
			r, err := open(bytes.NewReader(c))
			if err == nil {
				var got []byte
				if got, err = io.ReadAll(r); err == nil && !bytes.Equal(got, raw) {
					t.Errorf("%s%s is not %s as it is now: run go generate ./internal/web", p, suffix, p)
				}
			}
			if err != nil {
				t.Errorf("%s%s: %v", p, suffix, err)
			}
		}
		return nil
	})
	if err != nil || n < 10 {
		t.Fatalf("walked %d files: %v", n, err)
	}
}
