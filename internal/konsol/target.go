package konsol

import (
	"net/http"
	"time"

	"github.com/ikd-project/ikd/internal/target"
	"github.com/ikd-project/ikd/internal/web"
)

// targetPage is the uptake targets, each base side by side.
type targetPage struct {
	web.Page
	Officer officer
	R       target.Report
	Bases   []target.Basis
}

// Pct writes a share with one decimal.
func (p targetPage) Pct(v float64) string { return web.Decimal(p.Lang, v, 1) }

// Pct100 is a share as a percentage figure.
func (targetPage) Pct100(share float64) float64 { return 100 * share }

// Week writes a weekly pace with no decimals.
func (p targetPage) Week(v float64) string { return web.Decimal(p.Lang, v, 0) }

func (h *Handler) targets(w http.ResponseWriter, r *http.Request, o officer) {
	p := targetPage{Page: h.page(w, r, "konsol.target.title", o), Officer: o, Bases: target.Bases}
	var err error
	if p.R, err = target.Of(r.Context(), h.Targets, time.Now().UTC()); err != nil {
		h.failAs(w, r, o, "target", err, "/konsol/")
		return
	}
	h.render(w, http.StatusOK, "konsol-target", p)
}
