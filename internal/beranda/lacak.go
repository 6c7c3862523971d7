package beranda

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/httpserver"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/web"
)

// Tracking is what the public tracking page reads: a request and the
// birth date it is checked against.
type Tracking interface {
	GetPermohonan(ctx context.Context, nomor string) (store.Permohonan, error)
	GetPenduduk(ctx context.Context, nik string) (store.Penduduk, error)
}

// Lookups allowed per address: the number has 40 random bits, the birth
// date a few more; the limit keeps guessing hopeless.
const (
	trackBurst  = 10
	trackWindow = time.Minute
)

// trackPage is /lacak/: the form, and the request when number and birth
// date match. It shows nothing else about the resident.
type trackPage struct {
	web.Page
	Nomor, Lahir string
	Found        *store.Permohonan
	Err          string
}

func (h *Handler) track(w http.ResponseWriter, r *http.Request) {
	p := trackPage{Page: web.NewPage(w, r, "lacak.title"), Nomor: strings.ToUpper(strings.TrimSpace(r.FormValue("nomor"))),
		Lahir: strings.TrimSpace(r.FormValue("lahir"))}
	status := http.StatusOK
	if p.Nomor != "" || p.Lahir != "" {
		status = h.lookup(r, &p)
	}
	w.Header().Set("Cache-Control", "no-store")
	if err := h.Pages.Render(w, status, "lacak", p); err != nil {
		h.Logger.Error("render tracking", "err", err)
	}
}

// lookup finds the request of the form, or says why not; an unknown
// number and a wrong birth date get the same answer.
func (h *Handler) lookup(r *http.Request, p *trackPage) int {
	if !h.trackLimit.Allow(r.Context(), httpserver.ClientAddr(r)) {
		p.Err = web.T(p.Lang, "lacak.batas")
		return http.StatusTooManyRequests
	}
	born, err := time.Parse(time.DateOnly, p.Lahir)
	switch {
	case p.Nomor == "" || p.Lahir == "":
		p.Err = web.T(p.Lang, "lacak.isi")
		return http.StatusBadRequest
	case err != nil:
		p.Err = web.T(p.Lang, "lacak.tanggal")
		return http.StatusBadRequest
	}
	pm, err := h.Tracking.GetPermohonan(r.Context(), p.Nomor)
	if err == nil {
		var pd store.Penduduk
		if pd, err = h.Tracking.GetPenduduk(r.Context(), pm.NIK); err == nil && pd.TanggalLahir.Equal(born) {
			p.Found = &pm
			return http.StatusOK
		}
	}
	if err != nil && !store.IsNotFound(err) {
		h.Logger.Error("tracking", "err", err)
	}
	p.Err = web.T(p.Lang, "lacak.tidak")
	return http.StatusNotFound
}
