package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/httpserver"
	"github.com/ikd-project/ikd/internal/store"
)

// readBody reads a request body of at most limit bytes. Its errors are
// *errs.Error (Invalid) with the message to answer.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, errs.Newf(errs.Invalid, "isi permintaan lebih dari %d KiB", "the request body is larger than %d KiB", limit>>10)
	case err != nil:
		return nil, errs.New(errs.Invalid, "isi permintaan tidak terbaca", "the request body could not be read")
	}
	return body, nil
}

// decodeJSON decodes body, one JSON object with no unknown fields and
// nothing after it, into v. On failure it returns an *errs.Error (Invalid)
// that shows the expected shape (e.g. {"nik": "..."}).
func decodeJSON(body []byte, v any, shape string) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil || dec.More() {
		return errs.Newf(errs.Invalid, "isi permintaan harus JSON %s", "the body must be JSON %s", shape)
	}
	return nil
}

// readJSON reads and decodes a JSON request body of at most limit bytes
// into v (see readBody and decodeJSON).
func readJSON(w http.ResponseWriter, r *http.Request, limit int64, v any, shape string) error {
	body, err := readBody(w, r, limit)
	if err != nil {
		return err
	}
	return decodeJSON(body, v, shape)
}

// officer authenticates the officer of a request by their API token as a
// Bearer token. When it fails it has answered the request and returns
// false.
func (a *API) officer(w http.ResponseWriter, r *http.Request) (store.Petugas, bool) {
	tok := bearer(r)
	if tok == "" {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("WWW-Authenticate", "Bearer")
		writeJSON(w, http.StatusUnauthorized, oauthError{Error: "invalid_token",
			Description: pick(r, "token petugas wajib dikirim: Authorization: Bearer <token>", "an officer token is required: Authorization: Bearer <token>")})
		return store.Petugas{}, false
	}
	p, err := a.Petugas.Authenticate(r.Context(), tok)
	if err != nil {
		a.serviceError(w, r, "authenticate petugas", err)
		return store.Petugas{}, false
	}
	return p, true
}

// serviceError answers an error of a service by its kind
// (httpserver.ProblemOf); 401 answers carry the OAuth code invalid_token.
// A server problem is logged as what (see internal). Errors are logged as
// they are: a service must redact personal data from them first
// (errs.Redact).
func (a *API) serviceError(w http.ResponseWriter, r *http.Request, what string, err error) {
	p := httpserver.ProblemOf(err)
	if p.Server() {
		a.internal(w, r, what, err)
		return
	}
	fail(w, r, p.Status, p.Code, err, p.ID, p.EN)
}
