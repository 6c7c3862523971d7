package httpapi

import (
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/aktivasi"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred/qrimage"
)

// MaxAktivasiBody is the largest body of POST /api/v1/aktivasi (4 KiB).
const MaxAktivasiBody = 4 << 10

// offerQRModule is the size in pixels of a module of the offer's QR code.
const offerQRModule = 8

// aktivasiRequest is the body of POST /api/v1/aktivasi.
type aktivasiRequest struct {
	NIK string `json:"nik"`
}

// aktivasiResponse is what the officer's screen shows. It never holds the
// 6-digit code: that goes to the resident's e-mail only.
type aktivasiResponse struct {
	AktivasiID string    `json:"aktivasi_id"`
	OfferURI   string    `json:"offer_uri"` // openid-credential-offer://?credential_offer_uri=...
	QRPNG      string    `json:"qr_png"`    // data:image/png;base64, of the offer_uri
	Email      string    `json:"email"`     // where the code went, masked
	ExpiresAt  time.Time `json:"expires_at"`
}

// aktivasi creates an activation offer for the resident at the counter,
// for an officer authenticated by their API token as a Bearer token
// (officer accounts with sessions come with the console). The offer
// records the officer and their office; the code goes by e-mail.
func (a *API) aktivasi(w http.ResponseWriter, r *http.Request) {
	p, ok := a.officer(w, r)
	if !ok {
		return
	}
	var req aktivasiRequest
	if err := readJSON(w, r, MaxAktivasiBody, &req, `{"nik": "..."}`); err != nil {
		a.serviceError(w, r, "aktivasi body", err)
		return
	}
	req.NIK = strings.TrimSpace(req.NIK)
	if req.NIK == "" {
		fail(w, r, http.StatusBadRequest, "invalid_request", nil, "nik wajib diisi", "nik is required")
		return
	}
	o, err := a.Aktivasi.Offer(r.Context(), aktivasi.OfferRequest{NIK: req.NIK, Petugas: p.Username, Kantor: p.KantorKode})
	if err != nil {
		a.serviceError(w, r, "aktivasi offer", err)
		return
	}
	uri := aktivasi.OfferURI(a.PublicURL, o.Code)
	png, err := qrimage.QRPNG(uri, offerQRModule)
	if err != nil {
		a.internal(w, r, "aktivasi QR", err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, aktivasiResponse{AktivasiID: o.ID, OfferURI: uri,
		QRPNG: "data:image/png;base64," + base64.StdEncoding.EncodeToString(png), Email: o.EmailMask, ExpiresAt: o.ExpiresAt.UTC()})
}
