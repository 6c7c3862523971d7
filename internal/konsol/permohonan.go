package konsol

import (
	"net/http"
	"slices"
	"time"

	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/nik"
	"github.com/ikd-project/ikd/internal/permohonan"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/web"
)

// requestsPage lists the office's open requests.
type requestsPage struct {
	web.Page
	Officer officer
	List    []store.Permohonan
	Now     time.Time
}

// requestPage is one request: its state, its steps and the next ones.
type requestPage struct {
	web.Page
	Officer officer
	P       store.Permohonan
	Steps   []store.LangkahPermohonan
	Next    []store.StatePermohonan
	Now     time.Time
	Err     string
}

// Mask is a NIK as lists show it.
func (requestsPage) Mask(n string) string { return nik.Mask(n) }

// Mask is a NIK as the page shows it.
func (requestPage) Mask(n string) string { return nik.Mask(n) }

// Office is an office's short name.
func (requestPage) Office(kode string) string { return kantor.NameOf(kode) }

// CanRefuse reports whether the request may still be refused.
func (p requestPage) CanRefuse() bool { return slices.Contains(p.Next, store.Ditolak) }

// Choice reports whether the next step asks the resident's choice: the
// check of a replacement, which offers IKD first.
func (p requestPage) Choice() bool {
	return p.P.State == store.Diperiksa && (p.P.Jenis == store.KartuHilang || p.P.Jenis == store.KartuRusak)
}

// Reissues reports whether the next step re-issues the resident's
// digital ID (a photo or data change, once processed).
func (p requestPage) Reissues() bool {
	return p.P.State == store.Diproses && permohonan.ChangesRecord(p.P.Jenis)
}

func (h *Handler) requests(w http.ResponseWriter, r *http.Request, o officer) {
	p := requestsPage{Page: h.page(w, r, "konsol.permohonan.title", o), Officer: o, Now: time.Now()}
	var err error
	if p.List, err = h.Requests.Store.ListPermohonan(r.Context(), o.KantorKode, true, 200); err != nil {
		h.failAs(w, r, o, "permohonan", err, "/konsol/")
		return
	}
	h.render(w, http.StatusOK, "konsol-permohonan", p)
}

// submitRequest starts a request for the resident of the page.
func (h *Handler) submitRequest(w http.ResponseWriter, r *http.Request, o officer) {
	pm, err := h.Requests.Submit(r.Context(), o.Petugas, r.PathValue("nik"), store.JenisPermohonan(r.PostFormValue("jenis")))
	if err != nil {
		h.failAs(w, r, o, "permohonan", err, "/konsol/penduduk/"+r.PathValue("nik"))
		return
	}
	http.Redirect(w, r, "/konsol/permohonan/"+pm.Nomor, http.StatusSeeOther)
}

func (h *Handler) requestData(w http.ResponseWriter, r *http.Request, o officer) (requestPage, error) {
	p := requestPage{Page: h.page(w, r, "konsol.permohonan.satu", o), Officer: o, Now: time.Now()}
	var err error
	if p.P, err = h.Requests.Store.GetPermohonan(r.Context(), r.PathValue("nomor")); err != nil || p.P.KantorKode != o.KantorKode {
		return p, permohonan.ErrNotFound
	}
	if p.Steps, err = h.Requests.Store.LangkahPermohonan(r.Context(), p.P.Nomor); err != nil {
		return p, err
	}
	p.Next = permohonan.Next(p.P)
	return p, nil
}

func (h *Handler) request(w http.ResponseWriter, r *http.Request, o officer) {
	p, err := h.requestData(w, r, o)
	if err != nil {
		h.failAs(w, r, o, "permohonan", err, "/konsol/permohonan")
		return
	}
	h.render(w, http.StatusOK, "konsol-permohonan-satu", p)
}

// advanceRequest takes the step the form names.
func (h *Handler) advanceRequest(w http.ResponseWriter, r *http.Request, o officer) {
	_, err := h.Requests.Advance(r.Context(), o.Petugas, r.PathValue("nomor"), permohonan.Langkah{
		Ke: store.StatePermohonan(r.PostFormValue("ke")), Pilihan: store.Pilihan(r.PostFormValue("pilihan")),
		AlasanKartu: r.PostFormValue("alasan_kartu"), Serial: r.PostFormValue("serial"), Catatan: r.PostFormValue("catatan")})
	if err == nil {
		http.Redirect(w, r, "/konsol/permohonan/"+r.PathValue("nomor"), http.StatusSeeOther)
		return
	}
	p, perr := h.requestData(w, r, o)
	if perr != nil {
		h.failAs(w, r, o, "permohonan", perr, "/konsol/permohonan")
		return
	}
	h.answer(w, r, o, "konsol-permohonan-satu", p.Lang, &p, &p.Err, err, "/konsol/permohonan")
}
