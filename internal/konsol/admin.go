package konsol

import (
	"context"
	"errors"
	"net/http"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/petugas"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/web"
)

// Officers lists officers and offices for the admin pages.
type Officers interface {
	ListPetugas(ctx context.Context) ([]store.Petugas, error)
	ListKantor(ctx context.Context) ([]store.Kantor, error)
	GetPetugas(ctx context.Context, username string) (store.Petugas, error)
}

var errAdmin = errs.New(errs.Forbidden, "halaman ini hanya untuk admin", "this page is for admins only")

// errNotYours answers an admin acting on an officer they do not manage
// (another office's, or a peer admin's), the same as for an unknown
// officer.
var errNotYours = errs.New(errs.NotFound, "petugas itu tidak ada di antara petugas yang Anda kelola", "no such officer among those you manage")

// adminPage is the officers' admin page.
type adminPage struct {
	web.Page
	Officer  officer
	Petugas  []store.Petugas
	Kantor   []store.Kantor // the offices the admin may add officers to
	Peran    []store.Peran
	Created  *petugas.Created // the officer just added, with secrets shown once
	Reset    string           // the new first-login code of a reset officer
	ResetFor string
	Link     string // the first-login link of Created or ResetFor
	Notice   string
	Err      string
}

// KantorNama names the offices of the admin's area by code, short.
func (p adminPage) KantorNama() map[string]string {
	m := make(map[string]string, len(p.Kantor))
	for _, k := range p.Kantor {
		m[k.Kode] = kantor.ShortName(k.Nama)
	}
	return m
}

// admin lets only admins through to fn.
func (h *Handler) admin(fn func(http.ResponseWriter, *http.Request, officer)) func(http.ResponseWriter, *http.Request, officer) {
	return func(w http.ResponseWriter, r *http.Request, o officer) {
		if o.Peran != store.PeranAdmin {
			h.failAs(w, r, o, "admin", errAdmin, "/konsol/")
			return
		}
		fn(w, r, o)
	}
}

// officersOf is the admin's view: the offices the admin manages (manages)
// and their officers.
func (h *Handler) officersOf(ctx context.Context, o officer) ([]store.Kantor, []store.Petugas, error) {
	all, err := h.Officers.ListKantor(ctx)
	if err != nil {
		return nil, nil, err
	}
	var offices []store.Kantor
	in := map[string]bool{}
	for _, k := range all {
		if manages(o.Kantor, k) {
			offices = append(offices, k)
			in[k.Kode] = true
		}
	}
	list, err := h.Officers.ListPetugas(ctx)
	if err != nil {
		return nil, nil, err
	}
	var officers []store.Petugas
	for _, p := range list {
		if in[p.KantorKode] {
			officers = append(officers, p)
		}
	}
	return offices, officers, nil
}

// manages reports whether an admin of office a manages the officers of
// office k: those of a itself and, when a is a Dinas (provincial or
// kab/kota), those of every office in its area. Sharing an area is not
// enough: the MPP of a kota covers the kota as its Dinas does, and must not
// manage the Dinas' officers.
func manages(a, k store.Kantor) bool {
	if k.Kode == a.Kode {
		return true
	}
	dinas := a.Jenis == store.DinasProvinsi || a.Jenis == store.DinasKabKota
	return dinas && kantor.Covers(a, k.WilayahKode)
}

// mayChange reports whether admin o may reset or deactivate officer p, an
// officer of an office o manages: another admin of o's own office only
// when o is of the provincial Dinas, so that no admin takes over a peer.
func mayChange(o officer, p store.Petugas) bool {
	peer := p.Peran == store.PeranAdmin && p.KantorKode == o.KantorKode && p.Username != o.Username
	return !peer || o.Kantor.Jenis == store.DinasProvinsi
}

// CanChange reports whether the admin of the page may reset or deactivate
// officer p, for the page's buttons.
func (p adminPage) CanChange(q store.Petugas) bool { return mayChange(p.Officer, q) }

func (h *Handler) adminData(w http.ResponseWriter, r *http.Request, o officer) (adminPage, error) {
	p := adminPage{Page: h.page(w, r, "konsol.admin.title", o), Officer: o, Peran: store.PeranAll}
	var err error
	p.Kantor, p.Petugas, err = h.officersOf(r.Context(), o)
	return p, err
}

func (h *Handler) adminOfficers(w http.ResponseWriter, r *http.Request, o officer) {
	p, err := h.adminData(w, r, o)
	if err != nil {
		h.failAs(w, r, o, "admin officers", err, "/konsol/")
		return
	}
	h.render(w, http.StatusOK, "konsol-admin", p)
}

// as returns the officers' service acting as the admin, for the audit log.
func (h *Handler) as(o officer) *petugas.Service {
	svc := *h.Petugas
	svc.Actor = o.Username
	return &svc
}

// addOfficer creates an officer and shows their API token and first-login
// code once (the page is not cached).
func (h *Handler) addOfficer(w http.ResponseWriter, r *http.Request, o officer) {
	p, err := h.adminData(w, r, o)
	if err != nil {
		h.failAs(w, r, o, "admin officers", err, "/konsol/")
		return
	}
	b := petugas.Baru{Username: r.PostFormValue("username"), Nama: r.PostFormValue("nama"), Kantor: r.PostFormValue("kantor"),
		Peran: store.Peran(r.PostFormValue("peran")), TOTPWajib: r.PostFormValue("totp") != ""}
	if !containsOffice(p.Kantor, b.Kantor) {
		err = errs.New(errs.Invalid, "pilih kantor di wilayah Anda", "choose an office in your area")
	} else {
		var c petugas.Created
		if c, err = h.as(o).Create(r.Context(), b); err == nil {
			p.Created, p.Link = &c, setupLink(h.PublicURL, c.Petugas.Username)
			_, p.Petugas, err = h.officersOf(r.Context(), o)
		}
	}
	h.adminAnswer(w, r, p, err)
}

// adminAnswer renders the admin page after an action, with the refusal
// the admin can act on, or the error page.
func (h *Handler) adminAnswer(w http.ResponseWriter, r *http.Request, p adminPage, err error) {
	h.answer(w, r, p.Officer, "konsol-admin", p.Lang, &p, &p.Err, err, "/konsol/admin/petugas")
}

// answer renders page name (a pointer to its data) as the answer to a
// form: with the message of an error the user can act on in *msg, or as
// it is when err is nil; any other error is the error page, with back.
func (h *Handler) answer(w http.ResponseWriter, r *http.Request, o officer, name, lang string, page any, msg *string, err error, back string) {
	m, ok := formError(err, lang)
	if !ok && err != nil {
		h.failAs(w, r, o, name, err, back)
		return
	}
	*msg = m
	h.render(w, formStatus(err), name, page)
}

// formError is the message of an error the user can act on, shown in the
// form that caused it (invalid input, a conflict, something not found);
// ok is false for nil and for errors the error page answers.
func formError(err error, lang string) (string, bool) {
	var e *errs.Error
	if err == nil || !errors.As(err, &e) {
		return "", false
	}
	switch e.Kind {
	case errs.Invalid, errs.Conflict, errs.NotFound:
		return e.Message(lang), true
	}
	return "", false
}

// formStatus is the status of a page answering err: 200 for none, else
// 422.
func formStatus(err error) int {
	if err == nil {
		return http.StatusOK
	}
	return http.StatusUnprocessableEntity
}

// officerAction resets or deactivates an officer the admin manages
// (manages, mayChange); any other answers as an unknown officer.
func (h *Handler) officerAction(w http.ResponseWriter, r *http.Request, o officer) {
	p, err := h.adminData(w, r, o)
	if err != nil {
		h.failAs(w, r, o, "admin officers", err, "/konsol/")
		return
	}
	u := r.PathValue("username")
	target, ok := findOfficer(p.Petugas, u)
	if !ok || !mayChange(o, target) {
		h.adminAnswer(w, r, p, errNotYours)
		return
	}
	switch r.PostFormValue("tindakan") {
	case "reset":
		p.Reset, err = h.as(o).ResetAccount(r.Context(), u)
		p.ResetFor, p.Link = u, setupLink(h.PublicURL, u)
	case "nonaktif":
		if u == o.Username {
			err = errs.New(errs.Invalid, "Anda tidak dapat menonaktifkan akun Anda sendiri", "you cannot deactivate your own account")
			break
		}
		if err = h.as(o).Deactivate(r.Context(), u); err == nil {
			p.Notice = web.T(p.Lang, "konsol.admin.dinonaktifkan") + " " + u
		}
	default:
		err = errs.New(errs.Invalid, "tindakan tidak dikenal", "unknown action")
	}
	if err == nil {
		_, p.Petugas, err = h.officersOf(r.Context(), o)
	}
	h.adminAnswer(w, r, p, err)
}

func containsOffice(list []store.Kantor, kode string) bool {
	for _, k := range list {
		if k.Kode == kode {
			return true
		}
	}
	return false
}

// findOfficer returns the officer named username in list.
func findOfficer(list []store.Petugas, username string) (store.Petugas, bool) {
	for _, p := range list {
		if p.Username == username {
			return p, true
		}
	}
	return store.Petugas{}, false
}

// setupLink is the first-login page of an officer.
func setupLink(publicURL, username string) string {
	return publicURL + "/konsol/akun/aktifkan?u=" + username
}
