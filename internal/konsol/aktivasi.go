package konsol

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"time"

	"github.com/ikd-project/ikd/internal/aktivasi"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred/qrimage"
	"github.com/ikd-project/ikd/internal/nik"
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
	EmailMask string
	ExpiresAt time.Time
	State     offerState
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

// offer records the e-mail and phone the resident confirmed, starts an
// activation and shows the offer.
func (h *Handler) offer(w http.ResponseWriter, r *http.Request, o officer) {
	n := r.PathValue("nik")
	if _, err := h.Penduduk.SetContact(r.Context(), o.Petugas, n, r.PostFormValue("email"), r.PostFormValue("telepon")); err != nil {
		h.failAs(w, r, o, "contact", err, "/konsol/penduduk/"+n+"?tujuan=aktivasi")
		return
	}
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
		QR: pngURI(png), Link: template.URL(link), EmailMask: off.EmailMask,
		ExpiresAt: off.ExpiresAt}
	p.State = offerState{Page: p.Page, ID: off.ID, State: store.Ditawarkan}
	h.render(w, http.StatusCreated, "konsol-aktivasi", p)
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
