package konsol

import (
	"context"
	"net/http"
	"strconv"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/lembaga"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/web"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// InstitutionList lists the registered institutions.
type InstitutionList interface {
	ListLembaga(ctx context.Context) ([]store.Lembaga, error)
}

var errProvince = errs.New(errs.Forbidden, "lembaga pengguna dikelola oleh admin Dinas provinsi",
	"institutions are managed by admins of the provincial Dinas")

// lembagaPage is the institutions' admin page.
type lembagaPage struct {
	web.Page
	Officer officer
	Lembaga []store.Lembaga
	Fields  []string
	New     *store.Lembaga // the institution just registered
	Key     string         // its API key, shown once
	Notice  string
	Err     string
}

// provinceAdmin lets only admins of an office covering the province
// through: institutions verify residents of the whole province.
func (h *Handler) provinceAdmin(fn func(http.ResponseWriter, *http.Request, officer)) func(http.ResponseWriter, *http.Request, officer) {
	return h.admin(func(w http.ResponseWriter, r *http.Request, o officer) {
		if wilayah.Level(o.Kantor.WilayahKode) != wilayah.Provinsi {
			h.failAs(w, r, o, "province admin", errProvince, "/konsol/")
			return
		}
		fn(w, r, o)
	})
}

func (h *Handler) lembagaData(w http.ResponseWriter, r *http.Request, o officer) (lembagaPage, error) {
	p := lembagaPage{Page: h.page(w, r, "konsol.lembaga.title", o), Officer: o, Fields: lembaga.Fields}
	var err error
	p.Lembaga, err = h.InstitutionList.ListLembaga(r.Context())
	return p, err
}

func (h *Handler) lembagaList(w http.ResponseWriter, r *http.Request, o officer) {
	p, err := h.lembagaData(w, r, o)
	if err != nil {
		h.failAs(w, r, o, "lembaga", err, "/konsol/")
		return
	}
	h.render(w, http.StatusOK, "konsol-lembaga", p)
}

// lembagaAdd registers an institution with its purpose, fields and rate,
// and shows its API key once.
func (h *Handler) lembagaAdd(w http.ResponseWriter, r *http.Request, o officer) {
	rate, err := strconv.Atoi(r.PostFormValue("rate"))
	if err != nil {
		err = errs.New(errs.Invalid, "batas laju harus berupa angka per menit", "the rate must be a number per minute")
	}
	var l store.Lembaga
	var key string
	if err == nil {
		_ = r.ParseForm()
		l, key, err = h.lembagaAs(o).Register(r.Context(), r.PostFormValue("nama"), r.PostFormValue("tujuan"), r.PostForm["fields"], rate)
	}
	p, lerr := h.lembagaData(w, r, o)
	if lerr != nil {
		h.failAs(w, r, o, "lembaga", lerr, "/konsol/")
		return
	}
	if err == nil {
		p.New, p.Key = &l, key
	}
	h.lembagaAnswer(w, r, p, err)
}

// lembagaRevoke revokes an institution: its key stops working at once.
func (h *Handler) lembagaRevoke(w http.ResponseWriter, r *http.Request, o officer) {
	id := r.PathValue("id")
	err := h.lembagaAs(o).Revoke(r.Context(), id)
	p, lerr := h.lembagaData(w, r, o)
	if lerr != nil {
		h.failAs(w, r, o, "lembaga", lerr, "/konsol/")
		return
	}
	if err == nil {
		p.Notice = web.T(p.Lang, "konsol.lembaga.dicabut") + " " + id
	}
	h.lembagaAnswer(w, r, p, err)
}

// lembagaAs returns an institutions' service that registers and revokes
// as the admin (a service of its own: the verifying one keeps its rate
// limiters).
func (h *Handler) lembagaAs(o officer) *lembaga.Service {
	return &lembaga.Service{Store: h.Lembaga.Store, Audit: h.Lembaga.Audit, Now: h.Lembaga.Now, Actor: o.Username}
}

func (h *Handler) lembagaAnswer(w http.ResponseWriter, r *http.Request, p lembagaPage, err error) {
	h.answer(w, r, p.Officer, "konsol-lembaga", p.Lang, &p, &p.Err, err, "/konsol/admin/lembaga")
}
