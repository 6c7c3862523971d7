package httpapi

import "net/http"

// ServeInternal answers err as the handlers answer an unexpected error
// (server_error, or unavailable for a busy database or a passed
// deadline), for the contract test of those answers, which no test request
// can provoke on a healthy server.
func ServeInternal(a *API, w http.ResponseWriter, r *http.Request, err error) {
	a.internal(w, r, "contract test", err)
}
