package httpserver

import (
	"context"
	"errors"
	"net/http"

	"github.com/ikd-project/ikd/internal/errs"
)

// Problem is how an error answers over HTTP, the same for the JSON API and
// the HTML pages: a status, a machine-readable code and a message for when
// the error carries no user-safe one of its own.
type Problem struct {
	Status int
	Code   string
	ID, EN string // fallback message in Bahasa Indonesia and English
}

// Server reports whether the problem is the server's (5xx): it is
// logged, and the error's own text is never shown.
func (p Problem) Server() bool { return p.Status >= 500 }

// Message returns the user-safe message of err in lang ("id" or "en"), or
// the problem's fallback; for a server problem always the fallback.
func (p Problem) Message(err error, lang string) string {
	fb := p.ID
	if lang == "en" {
		fb = p.EN
	}
	if p.Server() && p.Status != http.StatusServiceUnavailable {
		return fb
	}
	return errs.Message(err, lang, fb)
}

// The problems, one per kind of error.
var (
	ProblemInvalid         = Problem{http.StatusBadRequest, "invalid_request", "permintaan tidak sah", "invalid request"}
	ProblemUnauthenticated = Problem{http.StatusUnauthorized, "invalid_token", "token tidak sah", "invalid token"}
	ProblemForbidden       = Problem{http.StatusForbidden, "forbidden", "tidak diizinkan", "not allowed"}
	ProblemNotFound        = Problem{http.StatusNotFound, "not_found", "tidak ditemukan", "not found"}
	ProblemConflict        = Problem{http.StatusConflict, "conflict", "bertentangan dengan keadaan sekarang", "conflicts with the current state"}
	ProblemUnavailable     = Problem{http.StatusServiceUnavailable, "unavailable", "layanan sedang sibuk; coba lagi sebentar lagi", "the service is busy; try again in a moment"}
	ProblemInternal        = Problem{http.StatusInternalServerError, "server_error", "terjadi kesalahan di server; coba lagi", "internal server error; try again"}
)

// RetryAfter is the Retry-After, in seconds, of a 503 answer.
const RetryAfter = "1"

// ProblemOf maps an error to its problem by its errs kind. A busy
// database, a request whose deadline passed and one whose client left are
// no fault of the server: 503, to be retried. Anything without a kind is
// an internal error.
func ProblemOf(err error) Problem {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return ProblemUnavailable
	}
	switch errs.KindOf(err) {
	case errs.Invalid:
		return ProblemInvalid
	case errs.Unauthenticated:
		return ProblemUnauthenticated
	case errs.Forbidden:
		return ProblemForbidden
	case errs.NotFound:
		return ProblemNotFound
	case errs.Conflict:
		return ProblemConflict
	case errs.Unavailable:
		return ProblemUnavailable
	}
	return ProblemInternal
}
