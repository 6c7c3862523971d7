package konsol

import (
	"context"
	"encoding/base64"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/aktivasi"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred/qrimage"
	"github.com/ikd-project/ikd/internal/nik"
	"github.com/ikd-project/ikd/internal/penduduk"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/web"
)

// offerQRModule is the size in pixels of a module of the offer's QR.
const offerQRModule = 6

// offerPage shows an activation offer at the counter: the QR and link for
// the resident's wallet, where the code went, and its state, which
// updates itself. It never shows the e-mailed code.
type offerPage struct {
	web.Page
	Officer   officer
	ID        string
	NIK       string
	Masked    string
	QR        template.URL // data: URI of the PNG, built here
	Link      template.URL // openid-credential-offer://, built here: not user input
	Wallet    string       // where the resident opens ikd's own web wallet
	EmailMask string
	ExpiresAt time.Time
	State     offerState
	// OldMask is the resident's previous e-mail address, masked, when the
	// officer changed it; Notified whether it was told of the change.
	OldMask  string
	Notified bool
}

// offerState is the part of the offer page that updates itself.
type offerState struct {
	web.Page
	ID    string
	State store.StateAktivasi
	Done  bool // issued, expired or failed: no more polling
}

// stateExpired shows an offer whose time ran out before the wallet came.
const stateExpired store.StateAktivasi = "KEDALUWARSA"

var errNoOffer = errs.New(errs.NotFound, "penawaran aktivasi tidak ditemukan di kantor Anda", "no such activation offer at your office")

// offer records the e-mail and phone the resident confirmed, tells the
// old address of a changed e-mail address, starts an activation and shows
// the offer.
func (h *Handler) offer(w http.ResponseWriter, r *http.Request, o officer) {
	n, email := r.PathValue("nik"), strings.TrimSpace(r.PostFormValue("email"))
	c, err := h.Penduduk.SetContact(r.Context(), o.Petugas, n, email, r.PostFormValue("telepon"))
	if err != nil {
		h.failAs(w, r, o, "contact", err, "/konsol/penduduk/"+n+"?tujuan=aktivasi")
		return
	}
	notified := h.notifyOld(r.Context(), o, c, email)
	off, err := h.Aktivasi.Offer(r.Context(), aktivasi.OfferRequest{NIK: n, Petugas: o.Username, Kantor: o.KantorKode})
	if err != nil {
		h.failAs(w, r, o, "offer", err, "/konsol/penduduk/"+n)
		return
	}
	link := aktivasi.OfferURI(h.PublicURL, off.Code)
	png, err := qrimage.QRPNG(link, offerQRModule)
	if err != nil {
		h.failAs(w, r, o, "offer QR", err, "/konsol/penduduk/"+n)
		return
	}
	p := offerPage{Page: h.page(w, r, "konsol.aktivasi.title", o), Officer: o, ID: off.ID, NIK: n, Masked: nik.Mask(n),
		QR: pngURI(png), Link: template.URL(link), Wallet: h.PublicURL + "/dompet/", EmailMask: off.EmailMask,
		ExpiresAt: off.ExpiresAt, Notified: notified}
	if c.EmailChanged() {
		p.OldMask = aktivasi.MaskEmail(c.OldEmail)
	}
	p.State = offerState{Page: p.Page, ID: off.ID, State: store.Ditawarkan}
	h.render(w, http.StatusCreated, "konsol-aktivasi", p)
}

// notifyOld tells the old address of an e-mail change c to email that an
// officer of o's office made it (the next activation code goes to the new
// address, so a change the resident did not ask for must reach them), and
// reports whether the notice went. A failure is logged, masked, and the
// offer page says so.
func (h *Handler) notifyOld(ctx context.Context, o officer, c penduduk.Contact, email string) bool {
	if !c.EmailChanged() {
		return false
	}
	if err := h.Aktivasi.NotifyEmailChanged(ctx, c.Nama, c.OldEmail, email, o.Kantor.Nama); err != nil {
		h.Logger.Warn("konsol: notice to the old e-mail address", "err", err, "petugas", o.Username, "kantor", o.KantorKode)
		return false
	}
	return true
}

// offerState answers the offer's state, the fragment the offer page polls.
func (h *Handler) offerState(w http.ResponseWriter, r *http.Request, o officer) {
	a, err := h.Offers.GetAktivasi(r.Context(), r.PathValue("id"))
	if err != nil || a.KantorKode != o.KantorKode {
		if err == nil || store.IsNotFound(err) {
			err = errNoOffer
		}
		h.failAs(w, r, o, "offer state", err, "/konsol/")
		return
	}
	s := offerState{Page: h.page(w, r, "konsol.aktivasi.title", o), ID: a.ID, State: a.State}
	if a.State == store.Ditawarkan && !time.Now().Before(a.ExpiresAt) {
		s.State = stateExpired
	}
	s.Done = s.State == store.Selesai || s.State == store.Gagal || s.State == stateExpired
	if err := h.Pages.Fragment(w, "konsol-aktivasi", "status", s); err != nil {
		h.Logger.Error("konsol: render offer state", "err", err)
	}
}

// pngURI is a PNG as a data: URI for an img src (html/template passes
// only URLs it is told are safe; these are built here from bytes).
func pngURI(png []byte) template.URL {
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
}
