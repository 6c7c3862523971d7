// Package ikdserver runs the whole ikd server for end-to-end tests, wired
// as ikd serve wires it (app.NewServer) on a real store, on a local port,
// with its mail outbox in a temporary data directory.
package ikdserver

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ikd-project/ikd/internal/app"
	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/beranda"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/store"
)

// Server is a running ikd.
type Server struct {
	URL     string
	Store   store.Store
	DataDir string // the outbox is DataDir/outbox
	Audit   *audit.Log
	// Offline drops every connection while set, as a phone in airplane
	// mode sees the server.
	Offline atomic.Bool
	// Sent counts the bytes the server wrote to its connections: what
	// browsers downloaded, headers included.
	Sent atomic.Int64

	handler http.Handler
}

// countingListener counts the bytes written to its connections.
type countingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return countingConn{c, l.n}, nil
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.n.Add(int64(n))
	return n, err
}

// Start seeds the reference offices, then runs seed (the test's
// residents), then starts the server; it stops when the test ends.
func Start(t testing.TB, st store.Store, seed func(t testing.TB, st store.Store)) *Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	cfg := prepare(t, st, seed, "http://"+ts.Listener.Addr().String())
	s := instance(t, &cfg, st)
	ts.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.Offline.Load() {
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		s.handler.ServeHTTP(w, r)
	})
	ts.Listener = countingListener{ts.Listener, &s.Sent}
	ts.Start()
	t.Cleanup(ts.Close)
	s.URL = ts.URL
	return s
}

// prepare seeds the offices and the test's residents and returns the
// configuration of a server at publicURL with a fresh data directory.
func prepare(t testing.TB, st store.Store, seed func(t testing.TB, st store.Store), publicURL string) config.Config {
	t.Helper()
	if _, err := kantor.Seed(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	if seed != nil {
		seed(t, st)
	}
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.AuditKeyFile = filepath.Join(cfg.DataDir, "audit.key")
	cfg.PublicURL = publicURL
	return cfg
}

// instance wires one ikd server on st as ikd serve does.
func instance(t testing.TB, cfg *config.Config, st store.Store) *Server {
	t.Helper()
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(testLog{t}, nil))
	auditLog, err := app.NewAuditLog(ctx, cfg, st, logger)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := app.NewServer(ctx, cfg, st, auditLog, logger, func() beranda.LoadStatus { return beranda.LoadStatus{Complete: true} })
	if err != nil {
		t.Fatal(err)
	}
	return &Server{Store: st, DataDir: cfg.DataDir, Audit: auditLog, handler: srv.Handler()}
}

// Cluster is several ikd servers behind one address, as behind a load
// balancer: each on its own store handle (its own connection pool) of one
// database, with its own caches and in-memory state, sharing the data
// directory (keys, audit key, outbox) and the public URL.
type Cluster struct {
	URL       string
	Instances []*Server
	// Hits counts the requests each instance served.
	Hits []atomic.Int64
	// Pick chooses the instance of the next request; by default they take
	// turns, so consecutive requests of one journey reach different ones.
	Pick func(n int64) int
	next atomic.Int64
}

// StartCluster starts one server per store (all of one database) behind
// one address that hands each request to the next instance in turn.
func StartCluster(t testing.TB, stores []store.Store, seed func(t testing.TB, st store.Store)) *Cluster {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	cfg := prepare(t, stores[0], seed, "http://"+ts.Listener.Addr().String())
	c := &Cluster{URL: ts.URL, Hits: make([]atomic.Int64, len(stores))}
	c.Pick = func(n int64) int { return int(n % int64(len(c.Instances))) }
	for _, st := range stores {
		c.Instances = append(c.Instances, instance(t, &cfg, st))
	}
	ts.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := c.Pick(c.next.Add(1) - 1)
		c.Hits[i].Add(1)
		c.Instances[i].handler.ServeHTTP(w, r)
	})
	ts.Start()
	t.Cleanup(ts.Close)
	c.URL = ts.URL
	for _, s := range c.Instances {
		s.URL = ts.URL
	}
	return c
}

// CountAudit counts the audit events of action about a NIK (subjects are
// stored keyed, so it compares through the log's own hashing).
func (s *Server) CountAudit(t *testing.T, action, nik string) int {
	t.Helper()
	n, want := 0, s.Audit.SubjectHash(nik)
	for after := int64(0); ; {
		page, err := s.Store.ListAudit(context.Background(), after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return n
		}
		for _, ev := range page {
			if ev.Action == action && ev.SubjectHash == want {
				n++
			}
		}
		after = page[len(page)-1].Seq
	}
}

// testLog shows the server's warnings and errors in the test's log.
type testLog struct{ t testing.TB }

func (l testLog) Write(b []byte) (int, error) {
	if strings.Contains(string(b), "level=ERROR") || strings.Contains(string(b), "level=WARN") {
		l.t.Log(strings.TrimSpace(string(b)))
	}
	return len(b), nil
}
