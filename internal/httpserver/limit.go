package httpserver

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Limiter counts attempts per client address in fixed windows (the
// console's logins, the public tracking page). With a Shared counter it
// counts in the database, so that every instance of ikd behind a load
// balancer adds to one count; without one (or while the database does not
// answer) it counts in this process.
type Limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	seen   map[string]*window
	now    func() time.Time
	shared *Shared
	scope  string
}

// Shared is the counter that instances share: Counter keeps the counts
// (the store), Hash turns a client address into the pseudonym the count is
// kept under (a keyed hash, so the table holds no address).
type Shared struct {
	Counter Counter
	Hash    func(addr string) string
	Logger  *slog.Logger
}

// Counter adds n to key's count in the window starting at window (Unix
// seconds) and returns the window's total (store.Store.AddQuota).
type Counter interface {
	AddQuota(ctx context.Context, key string, window, n int64) (int64, error)
}

type window struct {
	start time.Time
	n     int
}

// NewLimiter allows max attempts per address in each window w.
func NewLimiter(max int, w time.Duration) *Limiter {
	return &Limiter{max: max, window: w, seen: map[string]*window{}, now: time.Now}
}

// Share makes l count in s under scope ("masuk", "lacak"); s may be nil.
func (l *Limiter) Share(s *Shared, scope string) *Limiter {
	l.shared, l.scope = s, scope
	return l
}

// Allow counts an attempt from addr and reports whether it is within the
// limit.
func (l *Limiter) Allow(ctx context.Context, addr string) bool {
	if l.shared != nil {
		now := l.now().Unix()
		w := int64(l.window / time.Second)
		n, err := l.shared.Counter.AddQuota(ctx, l.scope+":"+l.shared.Hash(addr), now-now%w, 1)
		if err == nil {
			return n <= int64(l.max)
		}
		if l.shared.Logger != nil {
			l.shared.Logger.Warn("shared rate limit unavailable, counting in this process", "scope", l.scope, "err", err)
		}
	}
	return l.allowLocal(addr)
}

// allowLocal counts in this process.
func (l *Limiter) allowLocal(addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.seen) > 10000 { // forget finished windows now and then
		for a, w := range l.seen {
			if now.Sub(w.start) >= l.window {
				delete(l.seen, a)
			}
		}
	}
	w, ok := l.seen[addr]
	if !ok || now.Sub(w.start) >= l.window {
		w = &window{start: now}
		l.seen[addr] = w
	}
	w.n++
	return w.n <= l.max
}

// ClientAddr is the request's remote IP address (no proxy headers are
// trusted).
func ClientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
