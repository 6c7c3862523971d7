// Package beranda is ikd's home page: the province summary per kab/kota
// (residents, wajib KTP, recorded e-KTP against the official 2024
// figures) and the progress of the demo province while it loads.
package beranda

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/ikd-project/ikd/internal/httpserver"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/web"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// Stats is the part of the store the home page reads: aggregates only, no
// personal data.
type Stats interface {
	StatistikWilayah(ctx context.Context, asOf time.Time) ([]store.StatistikWilayah, error)
}

// LoadStatus says how far a background load (the demo province) has come.
// It is shown in /healthz's detail as JSON.
type LoadStatus struct {
	Active   bool   `json:"active"`
	Done     int64  `json:"done"`
	Total    int64  `json:"total"`
	Complete bool   `json:"complete"`
	Err      string `json:"error,omitempty"`
}

// Handler serves the home page.
type Handler struct {
	Pages *web.Pages
	Stats Stats
	// Stock is the blangko stock for the public notice at /blangko/.
	Stock StockReport
	// Tracking serves the public request tracking at /lacak/.
	Tracking Tracking
	Status   func() LoadStatus
	Now      func() time.Time
	Logger   *slog.Logger
	// CacheFor is how long the summary is reused; counting 2 million rows
	// takes about a second on SQLite.
	CacheFor time.Duration

	trackLimit *httpserver.Limiter

	mu     sync.Mutex
	cached []Row
	at     time.Time
}

// loadingCache is how long the summary is reused while the demo loads.
const loadingCache = 10 * time.Second

// Row is one kab/kota line of the summary.
type Row struct {
	Kode, Nama             string
	Penduduk, WajibKTP     int
	Terekam                int
	WajibResmi, RekamResmi int // official figures, August 2024; 0 when unknown
}

// Mount registers the page and the static assets.
func (h *Handler) Mount(handle func(pattern string, handler http.Handler)) {
	handle("GET /{$}", http.HandlerFunc(h.serve))
	handle("GET /blangko/{$}", http.HandlerFunc(h.stock))
	h.trackLimit = httpserver.NewLimiter(trackBurst, trackWindow)
	handle("GET /lacak/{$}", http.HandlerFunc(h.track))
	handle("GET /static/", web.Static())
}

// page is the home page's data.
type page struct {
	web.Page
	Status LoadStatus
	Persen string
	Rows   []Row
	Total  Row
	AsOf   time.Time
	Err    bool
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	p := page{Page: web.NewPage(w, r, "home.title"), Status: h.Status(), AsOf: h.Now()}
	if p.Status.Total > 0 {
		p.Persen = fmt.Sprintf("%.0f", 100*float64(p.Status.Done)/float64(p.Status.Total))
	}
	rows, err := h.summary(r.Context())
	if err != nil {
		h.Logger.Error("home summary", "err", err)
		p.Err = true
	}
	p.Rows, p.Total = rows, total(rows)
	if err := h.Pages.Render(w, http.StatusOK, "home", p); err != nil {
		h.Logger.Error("render home", "err", err)
	}
}

func (h *Handler) summary(ctx context.Context) ([]Row, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.Now()
	// While the demo loads the counts move, so they are kept for at most
	// loadingCache; counting a full province takes seconds, which every
	// page view would otherwise pay.
	ttl := h.CacheFor
	if !h.Status().Complete {
		ttl = min(ttl, loadingCache)
	}
	if h.cached != nil && now.Sub(h.at) < ttl {
		return h.cached, nil
	}
	stats, err := h.Stats.StatistikWilayah(ctx, now)
	if err != nil {
		return nil, err
	}
	byKode := map[string]store.StatistikWilayah{}
	for _, s := range stats {
		byKode[s.KabKotaKode] = s
	}
	var rows []Row
	for _, kab := range wilayah.Default().Children("17") {
		s := byKode[kab.Kode]
		rows = append(rows, Row{Kode: kab.Kode, Nama: kab.Jenis + " " + kab.Nama, Penduduk: s.Penduduk, WajibKTP: s.WajibKTP,
			Terekam: s.Terekam, WajibResmi: kab.WajibKTP2024, RekamResmi: kab.Terekam2024})
	}
	h.cached, h.at = rows, now
	return rows, nil
}

func total(rows []Row) Row {
	t := Row{Nama: "Provinsi Bengkulu"}
	for _, r := range rows {
		t.Penduduk += r.Penduduk
		t.WajibKTP += r.WajibKTP
		t.Terekam += r.Terekam
	}
	if p, ok := wilayah.Default().Lookup("17"); ok {
		t.WajibResmi, t.RekamResmi = p.WajibKTP2024, p.Terekam2024
	}
	return t
}
