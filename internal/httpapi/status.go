package httpapi

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/ikd-project/ikd/internal/store"
)

var errNoActiveKey = errors.New("no active issuer key")

// statusList serves a status list token (draft-ietf-oauth-status-list).
func (a *API) statusList(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if id == "" || len(id) > 32 {
		writeJSON(w, http.StatusNotFound, oauthError{Error: "not_found"})
		return
	}
	tok, err := a.Issuer.PublishToken(r.Context(), id, StatusTokenTTL)
	if errors.Is(err, store.ErrNotFound) {
		writeJSON(w, http.StatusNotFound, oauthError{Error: "not_found"})
		return
	}
	if err != nil {
		a.internal(w, r, "status list token", err)
		return
	}
	w.Header().Set("Content-Type", "application/statuslist+jwt")
	w.Header().Set("Cache-Control", "max-age="+strconv.Itoa(int(StatusCacheFor.Seconds())))
	w.Write([]byte(tok))
}
