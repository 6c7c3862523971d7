package httpapi

import (
	"net/http"

	"github.com/ikd-project/ikd/internal/issuance"
)

// MaxStatusBody is the largest body of the officer's status endpoints
// (1 KiB): a reason code.
const MaxStatusBody = 1 << 10

// statusRequest is the body of POST /api/v1/penduduk/{nik}/tangguhkan,
// /pulihkan and /cabut.
type statusRequest struct {
	Alasan string `json:"alasan"` // a reason code (issuance.Reasons)
}

// statusShape is the body the status endpoints expect, for error messages.
const statusShape = `{"alasan": "..."}`

// statusResponse is the answer of the status endpoints.
type statusResponse struct {
	NIK        string `json:"nik"` // masked
	Tindakan   string `json:"tindakan"`
	Alasan     string `json:"alasan"`
	Status     string `json:"status"`     // valid, suspended or revoked
	Kredensial int    `json:"kredensial"` // how many credentials changed
	Message    string `json:"message"`    // in the request's language
}

// changeStatus returns the handler of an officer's action on the digital
// ID of the resident named by the path's {nik}: authenticated like
// POST /api/v1/aktivasi, recorded under the officer and their office.
func (a *API) changeStatus(act issuance.Action) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := a.officer(w, r)
		if !ok {
			return
		}
		var req statusRequest
		if err := readJSON(w, r, MaxStatusBody, &req, statusShape); err != nil {
			a.serviceError(w, r, "status body", err)
			return
		}
		res, err := a.Issuer.ChangeStatus(r.Context(), issuance.StatusChange{Action: act, NIK: r.PathValue("nik"),
			Alasan: req.Alasan, Petugas: p.Username, Kantor: p.KantorKode})
		if err != nil {
			a.serviceError(w, r, "kredensial "+string(act), err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, statusResponse{NIK: res.NIKMask, Tindakan: string(act), Alasan: req.Alasan,
			Status: res.Status, Kredensial: res.Changed, Message: act.Done(lang(r))})
	}
}
