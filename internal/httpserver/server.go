// Package httpserver runs ikd's HTTP server: the operational endpoints
// (/healthz, /readyz, /metrics), the middleware every request passes through
// (request ID, one log event per request, panic recovery, security headers,
// metrics), and graceful shutdown. Feature packages mount their routes on
// it.
package httpserver

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Readiness reports whether the server can do its work; nil means ready.
type Readiness func(ctx context.Context) error

// Server is ikd's HTTP server.
type Server struct {
	mux      *http.ServeMux
	logger   *slog.Logger
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	ready    Readiness
	health   func() any
	jobs     []func(ctx context.Context)
}

// Background adds work that runs while Serve serves (a queue drained on a
// timer): its ctx ends at shutdown, and Serve returns once it has stopped.
func (s *Server) Background(job func(ctx context.Context)) { s.jobs = append(s.jobs, job) }

// New returns a server whose /readyz asks ready and whose /healthz reports
// health() as JSON beside its status.
func New(logger *slog.Logger, ready Readiness, health func() any) *Server {
	s := &Server{mux: http.NewServeMux(), logger: logger, registry: prometheus.NewRegistry(), ready: ready, health: health}
	s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ikd_http_requests_total", Help: "HTTP requests by route and status code.",
	}, []string{"route", "code"})
	s.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "ikd_http_request_duration_seconds", Help: "HTTP request latency by route.", Buckets: prometheus.DefBuckets,
	}, []string{"route"})
	s.registry.MustRegister(s.requests, s.duration)
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{}))
	return s
}

// Registry is where feature packages register their metrics.
func (s *Server) Registry() *prometheus.Registry { return s.registry }

// Handle mounts a handler on a ServeMux pattern such as "GET /{$}".
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// Handler returns the server's root handler with all middleware applied.
func (s *Server) Handler() http.Handler { return s.middleware(s.mux) }

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "detail": s.health()})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := s.ready(ctx); err != nil {
		// The reason (database host, schema version) goes to the log, not
		// to whoever asks.
		s.logger.Warn("not ready", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// statusWriter records the status code a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Security headers. CSP is every page's Content-Security-Policy; CSPWasm
// is the verifier pages', which compile WebAssembly (AllowWasm). HSTS is
// sent on HTTPS only: browsers ignore it over plain HTTP, and a server
// behind a TLS proxy leaves it to the proxy.
const (
	CSP     = "default-src 'self'; script-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
	CSPWasm = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
	HSTS    = "max-age=31536000"
)

// AllowWasm serves h with the Content-Security-Policy that lets its pages
// compile WebAssembly ('wasm-unsafe-eval'), for the verifier's pages and
// assets only; every other page keeps CSP.
func AllowWasm(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", CSPWasm)
		h.ServeHTTP(w, r)
	})
}

// middleware adds a request ID, security headers, panic recovery, metrics
// and one log event per request.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newRequestID()
		h := w.Header()
		h.Set("X-Request-Id", id)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", CSP)
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", HSTS)
		}
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.logger.Error("panic in handler", "request_id", id, "panic", fmt.Sprint(p))
				if sw.code == 0 {
					http.Error(sw, "internal error", http.StatusInternalServerError)
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			code := sw.code
			if code == 0 {
				code = http.StatusOK
			}
			elapsed := time.Since(start)
			s.requests.WithLabelValues(route, strconv.Itoa(code)).Inc()
			s.duration.WithLabelValues(route).Observe(elapsed.Seconds())
			s.logger.LogAttrs(r.Context(), slog.LevelInfo, "http", slog.String("request_id", id),
				slog.String("method", r.Method), slog.String("route", route), slog.Int("status", code),
				slog.Duration("duration", elapsed))
		}()
		next.ServeHTTP(sw, r)
	})
}

func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Serve serves on ln until ctx ends, then shuts down gracefully, giving
// requests in flight up to grace to finish. With tlsConfig non-nil it
// answers HTTPS only.
func (s *Server) Serve(ctx context.Context, ln net.Listener, tlsConfig *tls.Config, grace time.Duration) error {
	if tlsConfig != nil {
		ln = tls.NewListener(ln, tlsConfig)
	}
	srv := &http.Server{
		Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog: slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
	}
	jctx, stop := context.WithCancel(ctx)
	var jobs sync.WaitGroup
	defer jobs.Wait()
	defer stop()
	for _, job := range s.jobs {
		jobs.Go(func() { job(jctx) })
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.logger.Info("shutting down", "grace", grace.String())
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
