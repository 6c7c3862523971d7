package konsol

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Login attempts allowed per client address in a window, on top of the
// account lock (petugas.MaxGagal): it stops one address from trying many
// usernames.
const (
	loginBurst  = 20
	loginWindow = 10 * time.Minute
)

// limiter counts attempts per address in fixed windows. It lives in this
// process: several instances each count their own (issue 11 moves it to
// the database).
type limiter struct {
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

func newLimiter(max int, w time.Duration) *limiter {
	return &limiter{max: max, window: w, seen: map[string]*window{}, now: time.Now}
}

// allow counts an attempt from addr and reports whether it is within the
// limit.
func (l *limiter) allow(addr string) bool {
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

// clientAddr is the request's remote IP address (no proxy headers are
// trusted).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
