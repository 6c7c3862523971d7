package httpserver

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Limiter counts attempts per client address in fixed windows (the
// console's logins, the public tracking page). It lives in this process:
// several instances each count their own (issue 11 moves it to the
// database).
type Limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	seen   map[string]*window
	now    func() time.Time
}

type window struct {
	start time.Time
	n     int
}

// NewLimiter allows max attempts per address in each window w.
func NewLimiter(max int, w time.Duration) *Limiter {
	return &Limiter{max: max, window: w, seen: map[string]*window{}, now: time.Now}
}

// Allow counts an attempt from addr and reports whether it is within the
// limit.
func (l *Limiter) Allow(addr string) bool {
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
