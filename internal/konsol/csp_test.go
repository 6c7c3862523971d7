package konsol_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/store"
)

// TestConsoleCSP: the console's pages may not compile WebAssembly; only
// the verifier's pages may (httpserver.AllowWasm).
func TestConsoleCSP(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		c := start(t, st)
		for _, path := range []string{"/konsol/masuk", "/"} {
			res, _ := send(t, "GET", c.url+path, nil)
			csp := res.Header.Get("Content-Security-Policy")
			if res.StatusCode != http.StatusOK || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "wasm-unsafe-eval") {
				t.Errorf("GET %s: %d, CSP %q", path, res.StatusCode, csp)
			}
		}
	})
}
