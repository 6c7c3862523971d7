package konsol

import (
	"context"
	"net/http"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/kms"
	"github.com/ikd-project/ikd/internal/kunci"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/web"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// Keys lists the issuer's signing keys.
type Keys interface {
	List() []kms.Key
}

// KeyAdmin rotates and withdraws the issuer's keys, audited.
type KeyAdmin interface {
	Rotate(ctx context.Context, a kunci.Actor, verifyFor time.Duration) (kms.Key, error)
	Withdraw(ctx context.Context, a kunci.Actor, id string) error
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
	// Province: the officer is an admin of the provincial Dinas, who alone
	// changes keys (they sign for the whole province).
	Province bool
	Notice   string
	Err      string
}

func (h *Handler) sistemData(w http.ResponseWriter, r *http.Request, o officer) (sistemPage, error) {
	p := sistemPage{Page: h.page(w, r, "konsol.sistem.title", o), Officer: o, Keys: h.Keys.List(),
		Province: wilayah.Level(o.Kantor.WilayahKode) == wilayah.Provinsi}
	var err error
	p.Head, err = h.Audit.AuditHead(r.Context())
	return p, err
}

func (h *Handler) sistem(w http.ResponseWriter, r *http.Request, o officer) {
	p, err := h.sistemData(w, r, o)
	if err != nil {
		h.failAs(w, r, o, "sistem", err, "/konsol/")
		return
	}
	h.render(w, http.StatusOK, "konsol-sistem", p)
}

// verifyChain checks the whole audit chain, as ikd audit verify does, and
// shows the result.
func (h *Handler) verifyChain(w http.ResponseWriter, r *http.Request, o officer) {
	p, err := h.sistemData(w, r, o)
	if err != nil {
		h.failAs(w, r, o, "sistem", err, "/konsol/")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), verifyLimit)
	defer cancel()
	t0 := time.Now()
	res, err := h.Chain.Verify(ctx, h.Audit, nil)
	if err != nil {
		h.failAs(w, r, o, "audit verify", err, "/konsol/admin/sistem")
		return
	}
	p.Verified, p.Took = &res, time.Since(t0).Round(time.Millisecond)
	h.render(w, http.StatusOK, "konsol-sistem", p)
}

// rotateKey makes a new signing key at once: the issuer signs with it from
// the next credential, and the trust list names both keys. The old key
// keeps verifying for a credential's lifetime.
func (h *Handler) rotateKey(w http.ResponseWriter, r *http.Request, o officer) {
	var err error
	var k kms.Key
	if r.PostFormValue("yakin") != "ya" {
		err = errs.New(errs.Invalid, "centang konfirmasi untuk mengganti kunci", "tick the confirmation to rotate the key")
	} else {
		k, err = h.KeyAdmin.Rotate(r.Context(), actorOf(o), h.KeyVerifyFor)
	}
	h.keyAnswer(w, r, o, err, "konsol.sistem.dirotasi", k.ID)
}

// withdrawKey stops a retired key from verifying (a compromised key).
func (h *Handler) withdrawKey(w http.ResponseWriter, r *http.Request, o officer) {
	id := r.PathValue("id")
	h.keyAnswer(w, r, o, h.KeyAdmin.Withdraw(r.Context(), actorOf(o), id), "konsol.sistem.ditarik", id)
}

// keyAnswer shows the system page after a key change: what was done, or
// the refusal.
func (h *Handler) keyAnswer(w http.ResponseWriter, r *http.Request, o officer, err error, done, id string) {
	p, perr := h.sistemData(w, r, o)
	if perr != nil {
		h.failAs(w, r, o, "sistem", perr, "/konsol/")
		return
	}
	if msg, ok := formError(err, p.Lang); ok || err == nil {
		p.Err = msg
		if err == nil {
			p.Notice = web.T(p.Lang, done) + " " + id
		}
		h.render(w, formStatus(err), "konsol-sistem", p)
		return
	}
	h.failAs(w, r, o, "keys", err, "/konsol/admin/sistem")
}

func actorOf(o officer) kunci.Actor { return kunci.Actor{Name: o.Username, Kantor: o.KantorKode} }
