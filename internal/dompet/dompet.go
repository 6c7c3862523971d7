// Package dompet serves the resident's wallet: the installable web app at
// /dompet/ (static files of package web, run in the phone's browser) and
// its one server call, POST /dompet/api/data, which returns everything ikd
// holds about the resident: the record, the KK, the cards, the digital ID
// and the history of who read or verified it (UU PDP's access right), and
// the credentials re-issued to the device after a photo or data change
// (issuance.Reissue), which the wallet takes in place of its own.
//
// The wallet has no password. It signs the request with the device key the
// activation bound (a JWT of type aktivasi.DeviceRequestType over a fresh
// nonce from /oid4vci/nonce, with the endpoint as aud), so only the phone
// holding that key reads the record, and only while the device is bound:
// a released phone or a revoked or suspended digital ID reads nothing. Every read is in
// the audit log (penduduk.baca_sendiri).
package dompet

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/aktivasi"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/httpserver"
	"github.com/ikd-project/ikd/internal/penduduk"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/web"
)

// DataPath is the wallet's data endpoint, the aud of its signed request.
const DataPath = "/dompet/api/data"

// Handler serves the wallet. Its fields are its dependencies.
type Handler struct {
	// Nonces consumes the nonce a signed request carries.
	Nonces interface {
		ConsumeNonce(ctx context.Context, nonce string) error
	}
	// Devices finds the device a request's key is bound as, and the
	// re-issued credentials waiting for it.
	Devices interface {
		GetPerangkatByJKT(ctx context.Context, jkt string) (store.Perangkat, error)
		ListKiriman(ctx context.Context, perangkatID int64) ([]store.Kiriman, error)
	}
	// Reader reads the resident's own record and audits the read.
	Reader interface {
		OpenOwn(ctx context.Context, nik string, dev store.Perangkat) (penduduk.Record, error)
	}
	// Lembaga names the institutions in the history.
	Lembaga interface {
		ListLembaga(ctx context.Context) ([]store.Lembaga, error)
	}
	PublicURL string
	Now       func() time.Time
	Logger    *slog.Logger
}

// Mount registers the wallet's routes.
func (h *Handler) Mount(handle func(pattern string, handler http.Handler)) {
	handle("GET /dompet/", web.App("dompet"))
	handle("POST "+DataPath, http.HandlerFunc(h.data))
}

// Errors of a signed request.
var (
	errNoProof = errs.New(errs.Unauthenticated, "permintaan harus ditandatangani kunci perangkat (Authorization: IKD-Device …)",
		"the request must be signed by the device key (Authorization: IKD-Device …)")
)

// device checks the request's signature and returns the bound device.
func (h *Handler) device(r *http.Request) (store.Perangkat, error) {
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "IKD-Device ")
	if !ok || raw == "" {
		return store.Perangkat{}, errNoProof
	}
	proof, err := aktivasi.VerifyDeviceRequest(raw, h.PublicURL+DataPath, h.Now())
	if err != nil {
		return store.Perangkat{}, err
	}
	if err := h.Nonces.ConsumeNonce(r.Context(), proof.Nonce); err != nil {
		return store.Perangkat{}, err
	}
	dev, err := h.Devices.GetPerangkatByJKT(r.Context(), proof.Thumbprint)
	if store.IsNotFound(err) {
		return store.Perangkat{}, penduduk.ErrNotBound
	}
	return dev, err
}

// fail answers a failed request as a JSON problem in the request's
// language (httpserver.ProblemOf); a server problem is logged, and its
// text is never shown.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	p := httpserver.ProblemOf(err)
	if p.Server() {
		h.Logger.ErrorContext(r.Context(), "dompet: data", "err", err, "route", r.Pattern)
	}
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `IKD-Device error="`+p.Code+`"`)
	}
	writeJSON(w, p.Status, map[string]string{"error": p.Code, "error_description": p.Message(err, lang(r))})
}

// writeJSON answers v as JSON, never cached: it is personal data.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// lang is the language the wallet asks in (its switch sets
// Accept-Language): "en" or "id".
func lang(r *http.Request) string {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(r.Header.Get("Accept-Language"))), "en") {
		return "en"
	}
	return "id"
}
