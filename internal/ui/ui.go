// Package ui renders ikd's server-side HTML pages. For now that is the home
// page: the province summary per kab/kota (residents, wajib KTP, recorded
// e-KTP against the official 2024 figures) and the progress of the demo
// province while it loads. Pages speak Bahasa Indonesia first; ?lang=en
// switches to English.
package ui

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/wilayah"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed static
var static embed.FS

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

// Home serves the home page.
type Home struct {
	Stats  Stats
	Status func() LoadStatus
	Now    func() time.Time
	Logger *slog.Logger
	// CacheFor is how long the summary is reused; counting 2 million rows
	// takes about a second on SQLite.
	CacheFor time.Duration

	tmpl   *template.Template
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

// Mount registers the page on mux.
func (h *Home) Mount(handle func(pattern string, handler http.Handler)) error {
	t, err := template.New("home.html").Funcs(template.FuncMap{"num": formatNumber, "pct": percent, "int64": func(n int) int64 { return int64(n) }}).ParseFS(templates, "templates/home.html")
	if err != nil {
		return fmt.Errorf("parse templates: %w", err)
	}
	h.tmpl = t
	handle("GET /{$}", http.HandlerFunc(h.serve))
	handle("GET /static/", http.FileServerFS(static))
	return nil
}

type page struct {
	T      map[string]string
	Lang   string
	Status LoadStatus
	Persen string
	Rows   []Row
	Total  Row
	AsOf   string
	Err    string
}

func (h *Home) serve(w http.ResponseWriter, r *http.Request) {
	lang := "id"
	if r.URL.Query().Get("lang") == "en" {
		lang = "en"
	}
	p := page{T: text[lang], Lang: lang, Status: h.Status(), AsOf: h.Now().Format("2006-01-02")}
	if p.Status.Total > 0 {
		p.Persen = fmt.Sprintf("%.0f", 100*float64(p.Status.Done)/float64(p.Status.Total))
	}
	rows, err := h.summary(r.Context())
	if err != nil {
		h.Logger.Error("home summary", "err", err)
		p.Err = p.T["err"]
	}
	p.Rows, p.Total = rows, total(rows)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := h.tmpl.Execute(w, p); err != nil {
		h.Logger.Error("render home", "err", err)
	}
}

func (h *Home) summary(ctx context.Context) ([]Row, error) {
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

// percent writes a/b as a percentage with one decimal, with a decimal
// comma in Bahasa Indonesia ("96,5%") and a point in English.
func percent(lang string, a, b int) string {
	if b == 0 {
		return "–"
	}
	s := fmt.Sprintf("%.1f%%", 100*float64(a)/float64(b))
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// formatNumber writes n with thousands separators: points in Bahasa
// Indonesia (1.234.567), commas in English (1,234,567).
func formatNumber(lang string, n int64) string {
	if n < 0 {
		return "-" + formatNumber(lang, -n)
	}
	sep := "."
	if lang == "en" {
		sep = ","
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return s
}

var text = map[string]map[string]string{
	"id": {
		"title": "IKD Provinsi Bengkulu", "summary": "Ringkasan penduduk per kabupaten/kota", "kabkota": "Kabupaten/Kota",
		"penduduk": "Penduduk", "wajib": "Wajib KTP", "terekam": "Terekam KTP-el", "persen": "% terekam",
		"resmi": "Data resmi Agustus 2024 (wajib / terekam)", "loading": "Data demo sedang dibuat",
		"asof": "Keadaan per", "other": "English", "otherlang": "en", "err": "Ringkasan tidak dapat dimuat; coba lagi sebentar.",
		"loaderr": "Pembuatan data demo gagal", "note": "Penduduk yang masih hidup, termasuk yang NIK-nya nonaktif. Wajib KTP: berumur 17 tahun atau lebih, atau pernah kawin.",
	},
	"en": {
		"title": "IKD Bengkulu Province", "summary": "Residents per regency/city", "kabkota": "Regency/City",
		"penduduk": "Residents", "wajib": "Must hold a KTP", "terekam": "e-KTP recorded", "persen": "% recorded",
		"resmi": "Official figures, August 2024 (must hold / recorded)", "loading": "The demo data is being created",
		"asof": "As of", "other": "Bahasa Indonesia", "otherlang": "id", "err": "The summary could not be loaded; try again shortly.",
		"loaderr": "Creating the demo data failed", "note": "Living residents, including those whose NIK is deactivated. Must hold a KTP: aged 17 or more, or ever married.",
	},
}
