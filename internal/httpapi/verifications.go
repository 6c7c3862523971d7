package httpapi

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/lembaga"
	"github.com/ikd-project/ikd/internal/verify"
)

// verificationRequest is the body of POST /api/v1/verifications.
type verificationRequest struct {
	Presentation string `json:"presentation"` // an IKD1: QR text or an SD-JWT presentation
	Nonce        string `json:"nonce"`        // the nonce the institution showed the holder, if any
	Aud          string `json:"aud"`          // the audience of an SD-JWT key binding; setting it requires one
}

// verificationResponse is the answer of POST /api/v1/verifications.
type verificationResponse struct {
	Result     string         `json:"result"` // VALID or INVALID
	Reason     string         `json:"reason,omitempty"`
	Message    string         `json:"message"`
	Format     string         `json:"format,omitempty"`
	Profile    string         `json:"profile,omitempty"`
	Claims     map[string]any `json:"claims"` // only the institution's allowed fields
	VerifiedAt time.Time      `json:"verified_at"`
}

// verifications verifies a presentation for a registered institution
// (lembaga pengguna), authenticated by its API key as a Bearer token. The
// answer holds only the claims the institution may receive, and the
// verification lands in the resident's history (the audit log).
func (a *API) verifications(w http.ResponseWriter, r *http.Request) {
	key := bearer(r)
	if key == "" {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("WWW-Authenticate", "Bearer")
		writeJSON(w, http.StatusUnauthorized, oauthError{Error: "invalid_token",
			Description: pick(r, "kunci API wajib dikirim: Authorization: Bearer <kunci>", "an API key is required: Authorization: Bearer <key>")})
		return
	}
	l, err := a.Lembaga.Authenticate(r.Context(), key)
	if err != nil {
		a.lembagaError(w, r, err)
		return
	}
	var req verificationRequest
	if err := readJSON(w, r, MaxBody, &req, `{"presentation": "...", "nonce": "...", "aud": "..."}`); err != nil {
		a.serviceError(w, r, "verification body", err)
		return
	}
	if strings.TrimSpace(req.Presentation) == "" {
		fail(w, r, http.StatusBadRequest, "invalid_request", nil, "presentation wajib diisi", "presentation is required")
		return
	}
	res, err := a.Lembaga.VerifyFor(r.Context(), l, req.Presentation,
		verify.Options{Nonce: req.Nonce, Aud: req.Aud, RequireKB: req.Aud != ""})
	if err != nil {
		a.lembagaError(w, r, err)
		return
	}
	out := verificationResponse{Result: "VALID", Format: res.Format, Profile: res.Profile, Claims: res.Claims,
		VerifiedAt: res.VerifiedAt, Message: pick(r, "KTP digital sah", "the digital ID is valid")}
	if !res.Valid {
		out.Result, out.Reason = "INVALID", string(res.Reason)
		out.Message = pick(r, res.MessageID, res.MessageEN)
	}
	if out.Claims == nil {
		out.Claims = map[string]any{}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}

// lembagaError answers an error of the lembaga service.
func (a *API) lembagaError(w http.ResponseWriter, r *http.Request, err error) {
	var rl *lembaga.RateLimitError
	switch {
	case errors.As(err, &rl):
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(rl.RetryAfter.Seconds()))))
		fail(w, r, http.StatusTooManyRequests, "rate_limited", err, "", "")
	case errors.Is(err, errs.Unauthenticated):
		fail(w, r, http.StatusUnauthorized, "invalid_token", err, "", "")
	default:
		a.internal(w, r, "verification", err)
	}
}

// pick returns the message in the request's language.
func pick(r *http.Request, id, en string) string {
	if lang(r) == "en" {
		return en
	}
	return id
}
