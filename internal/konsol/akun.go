package konsol

import (
	"errors"
	"html/template"
	"net/http"
	"regexp"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/httpserver"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred/qrimage"
	"github.com/ikd-project/ikd/internal/petugas"
	"github.com/ikd-project/ikd/internal/web"
)

// setupForm is the first-login page's data: the one-time code, the new
// password, and the TOTP secret to enrol with its QR.
type setupForm struct {
	web.Page
	Username   string
	Code       string
	TOTPSecret string
	TOTPQR     template.URL // data: URI of the otpauth:// QR
	Err        string
	MinLength  int
}

var totpSecretRE = regexp.MustCompile(`^[A-Z2-7]{16,64}$`)

func (h *Handler) setupPage(w http.ResponseWriter, r *http.Request) {
	f := setupForm{Page: web.NewPage(w, r, "konsol.akun.title"), Username: r.URL.Query().Get("u")}
	h.renderSetup(w, f, http.StatusOK, "")
}

// renderSetup shows the setup form with a TOTP secret (a fresh one
// unless the form carried a well-formed one).
func (h *Handler) renderSetup(w http.ResponseWriter, f setupForm, status int, secret string) {
	f.MinLength = petugas.MinPassword
	uri := "otpauth://totp/" + petugas.TOTPIssuer + ":" + f.Username + "?secret=" + secret + "&issuer=" + petugas.TOTPIssuer
	if !totpSecretRE.MatchString(secret) {
		var err error
		if secret, uri, err = petugas.NewTOTPSecret(f.Username); err != nil {
			h.Logger.Error("konsol: totp secret", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
	}
	png, err := qrimage.QRPNG(uri, 5)
	if err != nil {
		h.Logger.Error("konsol: totp QR", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	f.TOTPSecret, f.TOTPQR = secret, pngURI(png)
	h.render(w, status, "konsol-aktifkan", f)
}

// setup sets the password and TOTP with the first-login code, then sends
// the officer to log in.
func (h *Handler) setup(w http.ResponseWriter, r *http.Request) {
	f := setupForm{Page: web.NewPage(w, r, "konsol.akun.title"), Username: r.PostFormValue("username"),
		Code: r.PostFormValue("kode")}
	if !h.limit.Allow(r.Context(), httpserver.ClientAddr(r)) {
		f.Err = errTooMany.Message(f.Lang)
		h.renderSetup(w, f, http.StatusTooManyRequests, r.PostFormValue("totp_secret"))
		return
	}
	secret := r.PostFormValue("totp_secret")
	if r.PostFormValue("totp") == "" {
		secret = "" // no authenticator enrolled (refused where one is required)
	}
	err := h.Petugas.Setup(r.Context(), f.Username, f.Code, r.PostFormValue("password"), r.PostFormValue("password2"),
		secret, r.PostFormValue("totp"))
	if err != nil {
		var e *errs.Error
		if !errors.As(err, &e) {
			h.fail(w, r, "setup", err, "/konsol/akun/aktifkan")
			return
		}
		f.Err = e.Message(f.Lang)
		h.renderSetup(w, f, http.StatusUnprocessableEntity, r.PostFormValue("totp_secret"))
		return
	}
	http.Redirect(w, r, "/konsol/masuk?siap=1", http.StatusSeeOther)
}
