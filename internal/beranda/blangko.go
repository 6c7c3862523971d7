package beranda

import (
	"context"
	"net/http"

	"github.com/ikd-project/ikd/internal/blangko"
	"github.com/ikd-project/ikd/internal/web"
)

// StockReport is the blangko stock report the public notice shows.
type StockReport interface {
	Report(ctx context.Context) (blangko.Laporan, error)
}

// stockPage is the daily public stock notice: each unit's balance today,
// as the Dirjen asks offices to publish it (against illegal fees for a
// card "out of stock").
type stockPage struct {
	web.Page
	Laporan blangko.Laporan
}

// stock serves /blangko/.
func (h *Handler) stock(w http.ResponseWriter, r *http.Request) {
	p := stockPage{Page: web.NewPage(w, r, "blangko.title")}
	var err error
	if p.Laporan, err = h.Stock.Report(r.Context()); err != nil {
		h.Logger.Error("public stock notice", "err", err)
		http.Error(w, web.T(p.Lang, "home.err"), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Cache-Control", "max-age=300")
	if err := h.Pages.Render(w, http.StatusOK, "blangko", p); err != nil {
		h.Logger.Error("render stock notice", "err", err)
	}
}
