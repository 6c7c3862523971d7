package konsol

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/ikd-project/ikd/internal/issuance"
	"github.com/ikd-project/ikd/internal/ktpel"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/web"
)

// Status changes a resident's digital ID for an officer (the issuer).
type Status interface {
	ChangeStatus(ctx context.Context, c issuance.StatusChange) (issuance.StatusResult, error)
}

// statusAction is one action the resident's page offers, with the
// reasons it may be given for, in the page's language.
type statusAction struct {
	Action  issuance.Action
	Label   string
	Reasons []reason
}

type reason struct{ Code, Label string }

// statusActions lists the actions that make sense for a digital ID in
// status ("valid", "suspended"): suspend or revoke a valid one, lift or
// revoke a suspended one.
func statusActions(lang, status string) []statusAction {
	var acts []issuance.Action
	switch status {
	case "valid":
		acts = []issuance.Action{issuance.Tangguhkan, issuance.Cabut}
	case "suspended":
		acts = []issuance.Action{issuance.Pulihkan, issuance.Cabut}
	}
	var out []statusAction
	for _, a := range acts {
		sa := statusAction{Action: a, Label: web.Label(lang, "konsol.status."+string(a))}
		for _, r := range issuance.Reasons {
			if slices.Contains(r.Actions, a) {
				l := r.ID
				if lang == "en" {
					l = r.EN
				}
				sa.Reasons = append(sa.Reasons, reason{Code: r.Code, Label: l})
			}
		}
		out = append(out, sa)
	}
	return out
}

// changeStatus suspends, lifts or revokes the resident's digital ID with
// a reason, then shows the resident's page with what was done.
func (h *Handler) changeStatus(w http.ResponseWriter, r *http.Request, o officer) {
	n := r.PathValue("nik")
	act := issuance.Action(r.PostFormValue("tindakan"))
	_, err := h.Status.ChangeStatus(r.Context(), issuance.StatusChange{Action: act, NIK: n,
		Alasan: r.PostFormValue("alasan"), Petugas: o.Username, Kantor: o.KantorKode})
	if err != nil {
		h.failAs(w, r, o, "status", err, "/konsol/penduduk/"+url.PathEscape(n))
		return
	}
	http.Redirect(w, r, "/konsol/penduduk/"+url.PathEscape(n)+"?tujuan=layanan&selesai="+url.QueryEscape(string(act)), http.StatusSeeOther)
}

// Cards records card handovers.
type Cards interface {
	Handover(ctx context.Context, p store.Petugas, nik string, id int64) error
}

// handover records that the resident received their printed card.
func (h *Handler) handover(w http.ResponseWriter, r *http.Request, o officer) {
	n := r.PathValue("nik")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err == nil {
		err = h.Cards.Handover(r.Context(), o.Petugas, n, id)
	} else {
		err = ktpel.ErrNotTheirs
	}
	if err != nil {
		h.failAs(w, r, o, "handover", err, "/konsol/penduduk/"+url.PathEscape(n))
		return
	}
	http.Redirect(w, r, "/konsol/penduduk/"+url.PathEscape(n)+"?tujuan=layanan&selesai=serahkan", http.StatusSeeOther)
}
