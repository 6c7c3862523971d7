package konsol

import (
	"context"
	"net/http"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/kms"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/web"
)

// Keys lists the issuer's signing keys.
type Keys interface {
	List() []kms.Key
}

// Chain checks the audit log's chain.
type Chain interface {
	Verify(ctx context.Context, st audit.Lister, progress func(read int64)) (audit.Result, error)
}

// verifyLimit bounds a check of the chain from the console; the CLI's
// ikd audit verify has no limit.
const verifyLimit = 2 * time.Minute

// sistemPage shows the issuer keys and the audit chain's state.
type sistemPage struct {
	web.Page
	Officer  officer
	Keys     []kms.Key
	Head     store.AuditHead
	Verified *audit.Result // after a check
	Took     time.Duration
}

func (h *Handler) sistemData(w http.ResponseWriter, r *http.Request, o officer) (sistemPage, error) {
	p := sistemPage{Page: h.page(w, r, "konsol.sistem.title", o), Officer: o, Keys: h.Keys.List()}
	var err error
	p.Head, err = h.Audit.AuditHead(r.Context())
	return p, err
}

func (h *Handler) sistem(w http.ResponseWriter, r *http.Request, o officer) {
	p, err := h.sistemData(w, r, o)
	if err != nil {
		h.fail(w, r, "sistem", err, "/konsol/")
		return
	}
	h.render(w, http.StatusOK, "konsol-sistem", p)
}

// verifyChain checks the whole audit chain, as ikd audit verify does, and
// shows the result.
func (h *Handler) verifyChain(w http.ResponseWriter, r *http.Request, o officer) {
	p, err := h.sistemData(w, r, o)
	if err != nil {
		h.fail(w, r, "sistem", err, "/konsol/")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), verifyLimit)
	defer cancel()
	t0 := time.Now()
	res, err := h.Chain.Verify(ctx, h.Audit, nil)
	if err != nil {
		h.fail(w, r, "audit verify", err, "/konsol/admin/sistem")
		return
	}
	p.Verified, p.Took = &res, time.Since(t0).Round(time.Millisecond)
	h.render(w, http.StatusOK, "konsol-sistem", p)
}
