package httpapi

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
	"github.com/ikd-project/ikd/internal/issuance"
	"github.com/ikd-project/ikd/internal/kms"
	"github.com/ikd-project/ikd/internal/lembaga"
	"github.com/ikd-project/ikd/internal/petugas"
	"github.com/ikd-project/ikd/internal/store"
)

// MaxBody is the largest request body read (64 KiB).
const MaxBody = 64 << 10

// Lifetimes of what the API publishes.
const (
	StatusTokenTTL = time.Hour          // exp of a status list token
	StatusCacheFor = 5 * time.Minute    // Cache-Control max-age of /status/{id}
	TrustListValid = 7 * 24 * time.Hour // valid_until of the trust list
	// TrustListCacheFor is how long a copy of the trust list may be kept
	// after it was signed: the max-age of /.well-known/ikd-trust-list
	// counts down to it.
	TrustListCacheFor = 5 * time.Minute
)

// Keys is the part of the key store the API reads.
type Keys interface {
	Active() kms.Key
	List() []kms.Key
}

// StatusLists is the part of the store the API reads itself (the trust
// list names every status list); the services hold the rest.
type StatusLists interface {
	ListStatusLists(ctx context.Context) ([]store.StatusList, error)
}

// API serves the wallet and verifier endpoints.
type API struct {
	PublicURL string // the credential issuer identifier; no trailing slash
	Store     StatusLists
	Keys      Keys
	Issuer    *issuance.Issuer
	Aktivasi  *aktivasi.Service
	// Lembaga verifies presentations for registered institutions; nil
	// leaves POST /api/v1/verifications unmounted.
	Lembaga *lembaga.Service
	// Petugas authenticates officers by their API tokens; nil leaves
	// POST /api/v1/aktivasi and /api/v1/penduduk/{nik}/... unmounted.
	Petugas *petugas.Service
	Now     func() time.Time // time.Now when nil
	Logger  *slog.Logger

	trust trustCache // the signed trust list TrustList serves
}

func (a *API) now() time.Time {
	if a.Now == nil {
		return time.Now().UTC()
	}
	return a.Now().UTC()
}

// Mount registers the API's routes with handle (httpserver.Server.Handle).
func (a *API) Mount(handle func(pattern string, h http.Handler)) {
	handle("GET /.well-known/openid-credential-issuer", http.HandlerFunc(a.issuerMetadata))
	handle("GET /.well-known/oauth-authorization-server", http.HandlerFunc(a.authServerMetadata))
	handle("GET /.well-known/jwt-vc-issuer", http.HandlerFunc(a.jwtVCIssuer))
	handle("GET /.well-known/ikd-trust-list", http.HandlerFunc(a.serveTrustList))
	handle("GET /status/{id}", http.HandlerFunc(a.statusList))
	handle("GET /oid4vci/offers/{code}", http.HandlerFunc(a.offer))
	handle("POST /oid4vci/token", http.HandlerFunc(a.token))
	handle("POST /oid4vci/nonce", http.HandlerFunc(a.nonce))
	handle("POST /oid4vci/credential", http.HandlerFunc(a.credential))
	handle("GET /api/v1/openapi.json", http.HandlerFunc(a.openapi))
	if a.Lembaga != nil {
		handle("POST /api/v1/verifications", http.HandlerFunc(a.verifications))
	}
	if a.Petugas != nil {
		handle("POST /api/v1/aktivasi", http.HandlerFunc(a.aktivasi))
		for _, act := range issuance.Actions {
			handle("POST /api/v1/penduduk/{nik}/"+string(act), a.changeStatus(act))
		}
	}
}

// lang is the language of error descriptions: "en" when the request's
// first Accept-Language is English, else Bahasa Indonesia.
func lang(r *http.Request) string {
	al := strings.TrimSpace(r.Header.Get("Accept-Language"))
	first, _, _ := strings.Cut(al, ",")
	first, _, _ = strings.Cut(first, ";")
	first = strings.ToLower(strings.TrimSpace(first))
	if first == "en" || strings.HasPrefix(first, "en-") {
		return "en"
	}
	return "id"
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// oauthError is an OAuth-style error body.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

// fail answers an OAuth-style error; desc is the user-safe message of err
// in the request's language, or fallback (id, en) when err carries none.
func fail(w http.ResponseWriter, r *http.Request, status int, code string, err error, fallbackID, fallbackEN string) {
	fb := fallbackID
	if lang(r) == "en" {
		fb = fallbackEN
	}
	w.Header().Set("Cache-Control", "no-store")
	switch status {
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer error="`+code+`"`)
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", httpserver.RetryAfter)
	}
	writeJSON(w, status, oauthError{Error: code, Description: errs.Message(err, lang(r), fb)})
}

// internal logs an unexpected error (never the request's content) and
// answers server_error; an error of a busy database or of a request whose
// deadline passed (or whose client left) is no fault of the server and
// answers 503 unavailable with Retry-After instead (httpserver.ProblemOf).
func (a *API) internal(w http.ResponseWriter, r *http.Request, what string, err error) {
	a.logError(r, what, err)
	p, shown := httpserver.ProblemOf(err), err
	if p != httpserver.ProblemUnavailable {
		// The text of an internal error is for the log only.
		p, shown = httpserver.ProblemInternal, nil
	}
	fail(w, r, p.Status, p.Code, shown, p.ID, p.EN)
}

// logError logs an error of a request with its route (never its path or
// content).
func (a *API) logError(r *http.Request, what string, err error) {
	if a.Logger != nil {
		a.Logger.ErrorContext(r.Context(), "httpapi: "+what, "err", err, "route", r.Pattern)
	}
}
