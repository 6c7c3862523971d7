package konsol

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/nik"
	"github.com/ikd-project/ikd/internal/penduduk"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/web"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// homePage is the console's start page: who is signed in, and the search
// with its results.
type homePage struct {
	web.Page
	Officer    officer
	Query      string
	Lahir      string // yyyy-mm-dd as the date input sends it
	Kecamatan  string
	Purpose    string
	Kecamatans []wilayah.Wilayah // of the officer's area, to narrow a search by name
	Results    []result
	Searched   bool
	Err        string
	Demo       []store.Penduduk // residents to try the console with, demo only
}

// result is one resident found by name.
type result struct {
	store.Penduduk
	Desa string
}

func (h *Handler) homeData(w http.ResponseWriter, r *http.Request, o officer) homePage {
	return homePage{Page: h.page(w, r, "konsol.beranda.title", o), Officer: o, Purpose: purpose(r),
		Kecamatans: kecamatans(o.Kantor)}
}

func (h *Handler) home(w http.ResponseWriter, r *http.Request, o officer) {
	p := h.homeData(w, r, o)
	if h.Demo != nil && o.Serves() {
		p.Demo = h.Demo(r.Context(), o.KantorKode)
	}
	h.render(w, http.StatusOK, "konsol-beranda", p)
}

// kecamatans lists the kecamatan of an office's area.
func kecamatans(k store.Kantor) []wilayah.Wilayah {
	var out []wilayah.Wilayah
	for _, w := range wilayah.Default().All(wilayah.Kecamatan) {
		if kantor.Covers(k, w.Kode) {
			out = append(out, w)
		}
	}
	return out
}

// search opens a resident by full NIK, or lists residents of the area by
// the start of their name (narrowed by birth date or kecamatan).
func (h *Handler) search(w http.ResponseWriter, r *http.Request, o officer) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	p := h.homeData(w, r, o)
	p.Query, p.Lahir, p.Kecamatan = q, r.URL.Query().Get("lahir"), r.URL.Query().Get("kecamatan")
	if n, ok := typedNIK(q); ok {
		q = n
		if _, err := nik.Parse(q); err != nil {
			p.Err = errs.Message(err, p.Lang, web.T(p.Lang, "konsol.cari.nik"))
			h.render(w, http.StatusUnprocessableEntity, "konsol-beranda", p)
			return
		}
		http.Redirect(w, r, "/konsol/penduduk/"+url.PathEscape(q)+"?tujuan="+url.QueryEscape(p.Purpose), http.StatusSeeOther)
		return
	}
	c := penduduk.Cari{Nama: q, Kecamatan: p.Kecamatan, Purpose: web.ConsolePurpose + p.Purpose}
	if p.Lahir != "" {
		d, err := time.Parse("2006-01-02", p.Lahir)
		if err != nil {
			p.Err = web.T(p.Lang, "konsol.cari.lahir")
			h.render(w, http.StatusUnprocessableEntity, "konsol-beranda", p)
			return
		}
		c.TanggalLahir = d
	}
	found, err := h.Penduduk.Search(r.Context(), o.Petugas, c)
	if err != nil {
		if errs.KindOf(err) != errs.Invalid {
			h.failAs(w, r, o, "search", err, "/konsol/")
			return
		}
		p.Err = errs.Message(err, p.Lang, "")
		h.render(w, http.StatusUnprocessableEntity, "konsol-beranda", p)
		return
	}
	p.Searched = true
	for _, f := range found {
		res := result{Penduduk: f}
		if d, ok := wilayah.Default().Lookup(f.DesaKode); ok {
			res.Desa = d.NamaLengkap()
		}
		p.Results = append(p.Results, res)
	}
	h.render(w, http.StatusOK, "konsol-beranda", p)
}

// typedNIK reads q as a NIK when it is digits, perhaps grouped by spaces,
// dots or dashes as people copy it from a card or a letter ("1771 0101
// 0101 0001"), and returns the digits alone.
func typedNIK(q string) (string, bool) {
	n := strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '-' {
			return -1
		}
		return r
	}, q)
	return n, n != "" && strings.Trim(n, "0123456789") == ""
}
