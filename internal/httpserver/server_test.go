package httpserver

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestServeTLS: with a TLS configuration the server answers HTTPS, with
// the security headers and HSTS, and refuses plain HTTP.
func TestServeTLS(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ikd.test"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	srv := New(slog.New(slog.NewTextHandler(io.Discard, nil)), func(context.Context) error { return nil }, func() any { return nil })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- srv.Serve(ctx, ln, &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, time.Second)
	}()
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 5 * time.Second}
	res, err := client.Get("https://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("HTTPS /healthz: %d %v", res.StatusCode, res.Header)
	}
	if got := res.Header.Get("Strict-Transport-Security"); got != "max-age=31536000" {
		t.Errorf("HTTPS /healthz: Strict-Transport-Security %q, want max-age=31536000", got)
	}
	if res, err := (&http.Client{Timeout: 5 * time.Second}).Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		res.Body.Close()
		if res.StatusCode == 200 {
			t.Error("plain HTTP answered 200 on the HTTPS port")
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

// TestCSP: a page's Content-Security-Policy forbids compiling WebAssembly
// unless its handler is wrapped in AllowWasm; plain HTTP gets no HSTS.
func TestCSP(t *testing.T) {
	srv := New(slog.New(slog.NewTextHandler(io.Discard, nil)), func(context.Context) error { return nil }, func() any { return nil })
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	srv.Handle("GET /konsol/", ok)
	srv.Handle("GET /verifikasi/", AllowWasm(ok))
	get := func(path string) http.Header {
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 200 {
			t.Fatalf("GET %s: %d", path, rec.Code)
		}
		return rec.Header()
	}
	h := get("/konsol/")
	if csp := h.Get("Content-Security-Policy"); csp == "" || strings.Contains(csp, "wasm-unsafe-eval") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("a console page's CSP: %q", csp)
	}
	if hsts := h.Get("Strict-Transport-Security"); hsts != "" {
		t.Errorf("HSTS over plain HTTP: %q", hsts)
	}
	if csp := get("/verifikasi/").Values("Content-Security-Policy"); len(csp) != 1 || !strings.Contains(csp[0], "script-src 'self' 'wasm-unsafe-eval'") ||
		!strings.Contains(csp[0], "frame-ancestors 'none'") {
		t.Errorf("the verifier's CSP: %q", csp)
	}
}
