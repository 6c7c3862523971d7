package konsol

import (
	"errors"
	"net/http"
	"strings"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/httpserver"
	"github.com/ikd-project/ikd/internal/petugas"
	"github.com/ikd-project/ikd/internal/web"
)

// Errors of the console's own checks.
var (
	errCSRF = errs.New(errs.Forbidden, "formulir ini kedaluwarsa atau tidak berasal dari konsol; muat ulang halaman dan coba lagi",
		"this form expired or did not come from the console; reload the page and try again")
	errTooMany = errs.New(errs.Unavailable, "terlalu banyak percobaan masuk dari alamat ini; tunggu beberapa menit",
		"too many sign-in attempts from this address; wait a few minutes")
)

// loginForm is the login page's data.
type loginForm struct {
	web.Page
	Username string
	Lanjut   string // where to go after login
	Err      string
	Notice   string
}

// next is a safe place to go after login: a console path, else the home.
func next(s string) string {
	if strings.HasPrefix(s, "/konsol/") && !strings.HasPrefix(s, "//") && !strings.ContainsAny(s, "\\\r\n") {
		return s
	}
	return "/konsol/"
}

func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) {
	f := loginForm{Page: web.NewPage(w, r, "konsol.masuk.title"), Lanjut: next(r.URL.Query().Get("lanjut"))}
	if r.URL.Query().Get("siap") == "1" {
		f.Notice = web.T(f.Lang, "konsol.masuk.siap")
	}
	h.render(w, http.StatusOK, "konsol-masuk", f)
}

// login checks the password and code and starts a new session: a new id
// at every login, whatever cookie came with the request.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	f := loginForm{Page: web.NewPage(w, r, "konsol.masuk.title"), Username: r.PostFormValue("username"),
		Lanjut: next(r.PostFormValue("lanjut"))}
	if !h.limit.Allow(r.Context(), httpserver.ClientAddr(r)) {
		h.loginRefused(w, r, f, errTooMany)
		return
	}
	p, err := h.Petugas.Login(r.Context(), f.Username, r.PostFormValue("password"), r.PostFormValue("totp"))
	if err != nil {
		h.loginRefused(w, r, f, err)
		return
	}
	id, _, err := h.Petugas.StartSession(r.Context(), p, httpserver.ClientAddr(r))
	if err != nil {
		h.fail(w, r, "start session", err, "/konsol/masuk")
		return
	}
	setSession(w, id, petugas.SessionLifetime)
	http.Redirect(w, r, f.Lanjut, http.StatusSeeOther)
}

// loginRefused shows the login form again with the reason: a refusal
// the officer can act on, or the error page for anything else.
func (h *Handler) loginRefused(w http.ResponseWriter, r *http.Request, f loginForm, err error) {
	var e *errs.Error
	if !errors.As(err, &e) {
		h.fail(w, r, "login", err, "/konsol/masuk")
		return
	}
	f.Err = e.Message(f.Lang)
	status := http.StatusUnauthorized
	switch e.Kind {
	case errs.Forbidden:
		status = http.StatusForbidden
	case errs.Unavailable:
		status = http.StatusTooManyRequests
	}
	h.render(w, status, "konsol-masuk", f)
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request, o officer) {
	if err := h.Petugas.EndSession(r.Context(), o.Petugas, o.sesi); err != nil {
		h.failAs(w, r, o, "logout", err, "/konsol/")
		return
	}
	setSession(w, "", -1)
	http.Redirect(w, r, "/konsol/masuk", http.StatusSeeOther)
}
