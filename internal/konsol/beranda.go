package konsol

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/nik"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/web"
)

// homePage is the console's start page: who is signed in, and the search.
type homePage struct {
	web.Page
	Officer officer
	Query   string
	Err     string
	Demo    []store.Penduduk // residents to try the console with, demo only
}

func (h *Handler) home(w http.ResponseWriter, r *http.Request, o officer) {
	p := homePage{Page: h.page(w, r, "konsol.beranda.title", o), Officer: o}
	if h.Demo != nil {
		p.Demo = h.Demo(r.Context(), o.KantorKode)
	}
	h.render(w, http.StatusOK, "konsol-beranda", p)
}

// search finds a resident by full NIK and opens their page; a malformed
// NIK is explained on the start page. (Search by name comes next.)
func (h *Handler) search(w http.ResponseWriter, r *http.Request, o officer) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	p := homePage{Page: h.page(w, r, "konsol.beranda.title", o), Officer: o, Query: q}
	if _, err := nik.Parse(q); err != nil {
		p.Err = errs.Message(err, p.Lang, web.T(p.Lang, "konsol.cari.nik"))
		h.render(w, http.StatusUnprocessableEntity, "konsol-beranda", p)
		return
	}
	tujuan := r.URL.Query().Get("tujuan")
	if tujuan == "" {
		tujuan = "layanan"
	}
	http.Redirect(w, r, "/konsol/penduduk/"+url.PathEscape(q)+"?tujuan="+url.QueryEscape(tujuan), http.StatusSeeOther)
}
