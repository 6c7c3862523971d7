// Package assets serves embedded static files the way a CDN would: each
// file's Brotli or gzip form when the browser accepts it and the form was
// committed beside it (see internal/web/precompress), with a strong ETag so
// that a revalidation (and a service worker's install) costs a 304, and
// Vary: Accept-Encoding.
package assets

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// Compressible reports whether a file of this name is worth a compressed
// form: text and WebAssembly (images are compressed already).
func Compressible(name string) bool {
	switch path.Ext(name) {
	case ".js", ".css", ".html", ".wasm", ".webmanifest", ".svg", ".json":
		return true
	}
	return false
}

// Server serves the files of an fs.FS. CacheControl is sent with every file.
type Server struct {
	FS           fs.FS
	CacheControl string
	tags         sync.Map // name → ETag of the raw file
}

// encodings, best first, with the suffix of their committed form.
var encodings = []struct{ name, suffix string }{{"br", ".br"}, {"gzip", ".gz"}}

// ServeHTTP serves r.URL.Path (already stripped of the mount prefix); a
// directory serves its index.html. The compressed forms themselves are
// not served by name.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" || strings.HasSuffix(r.URL.Path, "/") {
		name = path.Join(name, "index.html")
	}
	if strings.HasSuffix(name, ".br") || strings.HasSuffix(name, ".gz") {
		http.NotFound(w, r)
		return
	}
	raw, err := fs.ReadFile(s.FS, name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Vary", "Accept-Encoding")
	if s.CacheControl != "" {
		h.Set("Cache-Control", s.CacheControl)
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = http.DetectContentType(raw)
	}
	h.Set("Content-Type", ctype)
	body, enc := raw, ""
	for _, e := range encodings {
		if !accepts(r.Header.Get("Accept-Encoding"), e.name) {
			continue
		}
		if b, err := fs.ReadFile(s.FS, name+e.suffix); err == nil {
			body, enc = b, e.name
			break
		}
	}
	tag := s.etag(name, raw)
	if enc != "" {
		h.Set("Content-Encoding", enc)
		tag = strings.TrimSuffix(tag, `"`) + "-" + enc + `"`
	}
	h.Set("ETag", tag)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
}

// etag is the strong ETag of a raw file: the start of its SHA-256.
func (s *Server) etag(name string, raw []byte) string {
	if t, ok := s.tags.Load(name); ok {
		return t.(string)
	}
	sum := sha256.Sum256(raw)
	t := `"` + hex.EncodeToString(sum[:12]) + `"`
	s.tags.Store(name, t)
	return t
}

// accepts reports whether an Accept-Encoding header accepts coding (with
// a q-value other than 0).
func accepts(header, coding string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), coding) {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
