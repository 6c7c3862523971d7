// Package konsol is the officers' console at /konsol/: login with
// password and TOTP, the first-login page, the search for a resident
// within the officer's area, the resident's page (an audited read) and
// the activation at the counter, whose page turns to "issued" by itself
// when the wallet redeems the offer.
//
// Pages are server-rendered (package web) with htmx for the parts that
// update themselves. Every state-changing form carries the session's
// CSRF token and passes http.CrossOriginProtection; the session cookie is
// HttpOnly, Secure and SameSite=Strict, and its id is renewed at login.
package konsol

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/ikd-project/ikd/internal/aktivasi"
	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/blangko"
	"github.com/ikd-project/ikd/internal/dasbor"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/httpserver"
	"github.com/ikd-project/ikd/internal/jemput"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/lembaga"
	"github.com/ikd-project/ikd/internal/penduduk"
	"github.com/ikd-project/ikd/internal/permohonan"
	"github.com/ikd-project/ikd/internal/petugas"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/target"
	"github.com/ikd-project/ikd/internal/web"
)

// CookieName is the session cookie.
const CookieName = "ikd_sesi"

// Aktivasi is what the console needs of the activation service: the
// offer, and the notice to a resident's old e-mail address.
type Aktivasi interface {
	Offer(ctx context.Context, r aktivasi.OfferRequest) (aktivasi.Offer, error)
	NotifyEmailChanged(ctx context.Context, nama, old, newAddr, kantor string) error
}

// Offers reads an activation, to follow its state.
type Offers interface {
	GetAktivasi(ctx context.Context, id string) (store.Aktivasi, error)
}

// Offices reads an office, for its area.
type Offices interface {
	GetKantor(ctx context.Context, kode string) (store.Kantor, error)
}

// Handler serves the console. Its fields are its dependencies.
type Handler struct {
	Pages    *web.Pages
	Petugas  *petugas.Service
	Penduduk *penduduk.Reader
	Aktivasi Aktivasi
	Offers   Offers
	Offices  Offices
	Status   Status
	Cards    Cards
	// Printer prints residents' QR cards (assisted mode).
	Printer  Printer
	Officers Officers
	// Lembaga registers and revokes institutions; InstitutionList lists them.
	Lembaga         *lembaga.Service
	InstitutionList InstitutionList
	// Keys, Chain and Audit show the issuer keys and the audit chain.
	Keys     Keys
	KeyAdmin KeyAdmin
	// KeyVerifyFor is how long a key retired by a rotation keeps verifying:
	// a credential's lifetime.
	KeyVerifyFor time.Duration
	Chain        Chain
	Audit        audit.Lister
	// Stock records and reports the blangko stock.
	Stock *blangko.Service
	// Targets reads the activations the uptake targets count and the
	// targets set; TargetSetter sets them.
	Targets      target.Reader
	TargetSetter *target.Service
	// Requests runs residents' service requests.
	Requests *permohonan.Service
	// Dashboard reads the dashboard's aggregates.
	Dashboard dasbor.Reader
	// Drives runs enrollment drives (jemput bola).
	Drives    *jemput.Service
	PublicURL string // the issuer's URL, for the offer's QR
	Logger    *slog.Logger
	// Demo lists a few residents of an office's area to try the console
	// with, on the demo database only (DemoResidents); nil for none.
	Demo func(ctx context.Context, kantor string) []store.Penduduk
	// Shared, when set, counts sign-in attempts per client address in the
	// database, across instances; nil counts in this process.
	Shared *httpserver.Shared

	limit *httpserver.Limiter
}

// Login attempts allowed per client address in a window, on top of the
// account lock (petugas.MaxGagal): it stops one address from trying many
// usernames.
const (
	loginBurst  = 20
	loginWindow = 10 * time.Minute
)

// Mount registers the console's routes, behind cross-origin protection.
func (h *Handler) Mount(handle func(pattern string, handler http.Handler)) {
	h.limit = httpserver.NewLimiter(loginBurst, loginWindow).Share(h.Shared, "masuk")
	cop := http.NewCrossOriginProtection()
	route := func(pattern string, fn http.HandlerFunc) { handle(pattern, cop.Handler(fn)) }
	route("GET /konsol/masuk", h.loginPage)
	route("POST /konsol/masuk", h.login)
	route("GET /konsol/akun/aktifkan", h.setupPage)
	route("POST /konsol/akun/aktifkan", h.setup)
	route("POST /konsol/keluar", h.signedIn(h.logout))
	route("GET /konsol/{$}", h.signedIn(h.home))
	route("GET /konsol/cari", h.signedIn(h.counter(h.search)))
	route("GET /konsol/penduduk/{nik}", h.signedIn(h.counter(h.resident)))
	route("POST /konsol/penduduk/{nik}/aktivasi", h.signedIn(h.counter(h.offer)))
	route("POST /konsol/penduduk/{nik}/status", h.signedIn(h.counter(h.changeStatus)))
	route("POST /konsol/penduduk/{nik}/ktpel/{id}/serahkan", h.signedIn(h.counter(h.handover)))
	route("POST /konsol/penduduk/{nik}/kartu-cetak", h.signedIn(h.counter(h.printCard)))
	route("POST /konsol/penduduk/{nik}/kartu-cetak/cabut", h.signedIn(h.counter(h.revokePrinted)))
	route("GET /konsol/aktivasi/{id}", h.signedIn(h.counter(h.offerState)))
	route("GET /konsol/admin/petugas", h.signedIn(h.admin(h.adminOfficers)))
	route("POST /konsol/admin/petugas", h.signedIn(h.admin(h.addOfficer)))
	route("POST /konsol/admin/petugas/{username}", h.signedIn(h.admin(h.officerAction)))
	route("GET /konsol/admin/sistem", h.signedIn(h.admin(h.sistem)))
	route("POST /konsol/admin/sistem/verifikasi", h.signedIn(h.admin(h.verifyChain)))
	route("POST /konsol/admin/sistem/kunci", h.signedIn(h.provinceAdmin(h.rotateKey)))
	route("POST /konsol/admin/sistem/kunci/{id}/tarik", h.signedIn(h.provinceAdmin(h.withdrawKey)))
	route("POST /konsol/penduduk/{nik}/permohonan", h.signedIn(h.counter(h.submitRequest)))
	route("GET /konsol/permohonan", h.signedIn(h.counter(h.requests)))
	route("GET /konsol/permohonan/{nomor}", h.signedIn(h.counter(h.request)))
	route("POST /konsol/permohonan/{nomor}", h.signedIn(h.counter(h.advanceRequest)))
	route("GET /konsol/target", h.signedIn(h.targets))
	route("POST /konsol/target", h.signedIn(h.setTarget))
	route("GET /konsol/target/ekspor", h.signedIn(h.targetExport))
	route("GET /konsol/blangko/ekspor", h.signedIn(h.stockExport))
	route("GET /konsol/blangko", h.signedIn(h.stock))
	route("POST /konsol/blangko", h.signedIn(h.stockRecord))
	route("GET /dasbor/{$}", dashboardRedirect)
	route("GET /konsol/dasbor/{$}", h.signedIn(h.dashboard))
	route("GET /konsol/dasbor/{kode}", h.signedIn(h.dashboard))
	route("GET /konsol/dasbor/{kode}/ekspor", h.signedIn(h.dashboardExport))
	route("GET /konsol/jemput", h.signedIn(h.drives))
	route("POST /konsol/jemput", h.signedIn(h.counter(h.planDrive)))
	route("GET /konsol/jemput/{id}", h.signedIn(h.drive))
	route("POST /konsol/jemput/{id}/impor", limitBody(jemput.MaxBytes+64<<10, h.signedIn(h.counter(h.importRoster))))
	route("POST /konsol/jemput/{id}/hadir", h.signedIn(h.counter(h.checkIn)))
	route("GET /konsol/jemput/{id}/peserta/{peserta}/aktivasi", h.signedIn(h.counter(h.activateEntry)))
	route("GET /konsol/admin/lembaga", h.signedIn(h.provinceAdmin(h.lembagaList)))
	route("POST /konsol/admin/lembaga", h.signedIn(h.provinceAdmin(h.lembagaAdd)))
	route("POST /konsol/admin/lembaga/{id}/cabut", h.signedIn(h.provinceAdmin(h.lembagaRevoke)))
}

// officer is the signed-in officer of a request.
type officer struct {
	store.Petugas
	Kantor store.Kantor // the officer's office
	sesi   store.Sesi
}

// Office is the short name of the officer's office, for the header.
func (o officer) Office() string { return kantor.ShortName(o.Kantor.Nama) }

// signedIn runs fn for a request with a live session; without one, a GET
// goes to the login page (and back after it), anything else is refused.
// A POST must carry the session's CSRF token.
func (h *Handler) signedIn(fn func(http.ResponseWriter, *http.Request, officer)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var id string
		if c, err := r.Cookie(CookieName); err == nil {
			id = c.Value
		}
		p, se, err := h.Petugas.Session(r.Context(), id)
		if err != nil {
			if r.Method == http.MethodGet && r.Header.Get("HX-Request") == "" {
				http.Redirect(w, r, "/konsol/masuk?lanjut="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			h.fail(w, r, "session", err, "/konsol/masuk")
			return
		}
		o := officer{Petugas: p, sesi: se}
		if o.Kantor, err = h.Offices.GetKantor(r.Context(), p.KantorKode); err != nil {
			h.fail(w, r, "office", err, "/konsol/masuk")
			return
		}
		if r.Method == http.MethodPost && subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(se.CSRF)) != 1 {
			h.failAs(w, r, o, "csrf", errCSRF, "/konsol/")
			return
		}
		fn(w, r, o)
	}
}

// counterRoles may serve residents: open their records and act on them.
var counterRoles = []store.Peran{store.PeranAdmin, store.PeranSupervisor, store.PeranOperator}

var errRole = errs.New(errs.Forbidden, "peran Anda tidak mencakup pelayanan penduduk", "your role does not include serving residents")

// counter lets only the counter roles through to fn (stok and viewer
// officers keep the ledger and read dashboards, not records).
func (h *Handler) counter(fn func(http.ResponseWriter, *http.Request, officer)) func(http.ResponseWriter, *http.Request, officer) {
	return func(w http.ResponseWriter, r *http.Request, o officer) {
		if !o.Serves() {
			h.failAs(w, r, o, "role", errRole, "/konsol/")
			return
		}
		fn(w, r, o)
	}
}

// Serves reports whether the officer's role serves residents.
func (o officer) Serves() bool { return slices.Contains(counterRoles, o.Peran) }

// page returns the base data of a page for o.
func (h *Handler) page(w http.ResponseWriter, r *http.Request, titleKey string, o officer) web.Page {
	p := web.NewPage(w, r, titleKey)
	p.CSRF = o.sesi.CSRF
	return p
}

// render writes a page, logging a failure.
func (h *Handler) render(w http.ResponseWriter, status int, name string, data any) {
	if err := h.Pages.Render(w, status, name, data); err != nil {
		h.Logger.Error("konsol: render", "page", name, "err", err)
	}
}

// fail answers an error as the console's error page.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, what string, err error, back string) {
	h.Pages.Error(w, r, h.Logger, "konsol: "+what, err, web.NewPage(w, r, "error.title"), back)
}

// errorPage is the console's error page for a signed-in officer: the
// error inside the console's header and navigation.
type errorPage struct {
	web.ErrorPage
	Officer officer
}

// failAs answers an error to officer o as the console's error page, with
// the console's navigation.
func (h *Handler) failAs(w http.ResponseWriter, r *http.Request, o officer, what string, err error, back string) {
	h.Pages.ErrorIn(w, r, h.Logger, "konsol: "+what, err, h.page(w, r, "error.title", o), back, "konsol-error",
		func(e web.ErrorPage) any { return errorPage{ErrorPage: e, Officer: o} })
}

// setSession sets the session cookie; maxAge < 0 deletes it.
func setSession(w http.ResponseWriter, id string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: id, Path: "/konsol/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
}
