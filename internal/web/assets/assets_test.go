package assets

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"
)

// TestServer: the best committed form the browser accepts, a raw file
// otherwise, a 304 for the right ETag, no compressed form by name.
func TestServer(t *testing.T) {
	s := &Server{FS: fstest.MapFS{
		"app/index.html":    {Data: []byte("<!doctype html>page")},
		"app/index.html.gz": {Data: []byte("gz-of-page")},
		"a.js":              {Data: []byte("raw-js")},
		"a.js.br":           {Data: []byte("br-of-js")},
		"a.js.gz":           {Data: []byte("gz-of-js")},
	}, CacheControl: "no-cache"}
	get := func(p, ae, inm string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", p, nil)
		if ae != "" {
			r.Header.Set("Accept-Encoding", ae)
		}
		if inm != "" {
			r.Header.Set("If-None-Match", inm)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		return w
	}
	for _, c := range []struct{ path, ae, body, enc string }{
		{"/a.js", "gzip, deflate, br, zstd", "br-of-js", "br"},
		{"/a.js", "gzip", "gz-of-js", "gzip"},
		{"/a.js", "br;q=0, gzip", "gz-of-js", "gzip"},
		{"/a.js", "", "raw-js", ""},
		{"/app/", "br, gzip", "gz-of-page", "gzip"},
		{"/app/index.html", "identity", "<!doctype html>page", ""},
	} {
		w := get(c.path, c.ae, "")
		if w.Code != 200 || w.Body.String() != c.body || w.Header().Get("Content-Encoding") != c.enc {
			t.Errorf("GET %s (%q): %d %q encoding %q, want %q %q", c.path, c.ae, w.Code, w.Body, w.Header().Get("Content-Encoding"), c.body, c.enc)
		}
		if w.Header().Get("Vary") != "Accept-Encoding" || w.Header().Get("Cache-Control") != "no-cache" || w.Header().Get("ETag") == "" {
			t.Errorf("GET %s: headers %v", c.path, w.Header())
		}
	}
	if ct := get("/a.js", "", "").Header().Get("Content-Type"); ct != "text/javascript; charset=utf-8" {
		t.Errorf("type of a.js: %q", ct)
	}
	tag := get("/a.js", "br", "").Header().Get("ETag")
	if w := get("/a.js", "br", tag); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("revalidation with %s: %d, %d bytes", tag, w.Code, w.Body.Len())
	}
	if w := get("/a.js", "gzip", tag); w.Code != 200 {
		t.Errorf("the br ETag matched the gzip form: %d", w.Code)
	}
	for _, p := range []string{"/a.js.br", "/a.js.gz", "/nope.js", "/../a.js.gz"} {
		if w := get(p, "br", ""); w.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, w.Code)
		}
	}
}
