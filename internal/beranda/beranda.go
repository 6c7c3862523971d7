// Package beranda is ikd's public pages: the home page with the province
// summary per kab/kota (residents, wajib KTP, recorded e-KTP against the
// official 2024 figures, IKD activations) and the progress of the demo
// province while it loads; the public statistics /statistik/ with small
// cells suppressed; the stock notice /blangko/ and request tracking
// /lacak/.
package beranda

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/ikd-project/ikd/internal/dasbor"
	"github.com/ikd-project/ikd/internal/httpserver"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/web"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// Stats is the part of the store the public pages read: the aggregates
// the store keeps with every change, no personal data.
type Stats = store.StatistikQueries

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
	// Shared, when set, counts tracking lookups per client address in the
	// database, across instances; nil counts in this process.
	Shared *httpserver.Shared

	trackLimit *httpserver.Limiter
}

// Row is one kab/kota line of the summary.
type Row struct {
	Kode, Nama             string
	Penduduk, WajibKTP     int
	Terekam                int
	IKD                    int // digital IDs activated
	WajibResmi, RekamResmi int // official figures, August 2024; 0 when unknown
}

// Mount registers the page and the static assets.
func (h *Handler) Mount(handle func(pattern string, handler http.Handler)) {
	handle("GET /{$}", http.HandlerFunc(h.serve))
	handle("GET /blangko/{$}", http.HandlerFunc(h.stock))
	h.trackLimit = httpserver.NewLimiter(trackBurst, trackWindow).Share(h.Shared, "lacak")
	handle("GET /lacak/{$}", http.HandlerFunc(h.track))
	handle("GET /statistik/{$}", http.HandlerFunc(h.statistics))
	handle("GET /statistik/{kode}", http.HandlerFunc(h.statistics))
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

// summary reads the kab/kota lines from the store's aggregates: a few
// hundred rows at any number of residents, so it is read on every view.
func (h *Handler) summary(ctx context.Context) ([]Row, error) {
	rep, err := dasbor.Of(ctx, h.Stats, "17", h.Now())
	if err != nil {
		return nil, err
	}
	var rows []Row
	for _, a := range rep.Children {
		kab, _ := wilayah.Default().Lookup(a.Kode)
		rows = append(rows, Row{Kode: a.Kode, Nama: a.Nama, Penduduk: a.Penduduk, WajibKTP: a.WajibKTP, Terekam: a.Terekam, IKD: a.IKD,
			WajibResmi: kab.WajibKTP2024, RekamResmi: kab.Terekam2024})
	}
	return rows, nil
}

func total(rows []Row) Row {
	t := Row{Nama: "Provinsi Bengkulu"}
	for _, r := range rows {
		t.Penduduk += r.Penduduk
		t.WajibKTP += r.WajibKTP
		t.Terekam += r.Terekam
		t.IKD += r.IKD
	}
	if p, ok := wilayah.Default().Lookup("17"); ok {
		t.WajibResmi, t.RekamResmi = p.WajibKTP2024, p.Terekam2024
	}
	return t
}
