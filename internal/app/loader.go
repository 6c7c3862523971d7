package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/issuance"
	"github.com/ikd-project/ikd/internal/kredensial/sdjwt"
	"github.com/ikd-project/ikd/internal/store"
)

// BatchLoader writes batches of residents (from a SIAK import or the demo
// generator), each in one transaction together with its audit event.
type BatchLoader struct {
	st     store.Store
	log    *audit.Log
	actor  string
	source string
	// Revoker, when set, revokes in the same transaction the digital ID of
	// every resident of the batch whose NIK is no longer active (deactivated
	// or deceased).
	Revoker Revoker
	// Reissue, when set, queues for a re-issue (store.QueueReissue) every
	// resident of the batch with a digital ID whose credentials' data the
	// batch changed; the server re-issues them (Reissuer).
	Reissue bool
}

// Revoker revokes a resident's credentials; issuance.Issuer is one.
type Revoker interface {
	Revoke(ctx context.Context, tx store.Tx, nik, reason string) (int, error)
}

// NewRevoker returns an Issuer that only changes credentials' statuses, as
// a bulk load needs: it holds no signing keys, so a command that only
// revokes (ikd import) neither opens nor creates them.
func NewRevoker(st store.Store, log *audit.Log) *issuance.Issuer {
	return &issuance.Issuer{Store: st, Audit: log, Now: time.Now}
}

// NewBatchLoader returns a loader that records its batches in the audit log
// as done by actor, from source (a file name, or "demo").
func NewBatchLoader(st store.Store, log *audit.Log, actor, source string) *BatchLoader {
	return &BatchLoader{st: st, log: log, actor: actor, source: source}
}

// batchDetail is the audit detail of a loaded batch: counts and line
// numbers, never personal data.
type batchDetail struct {
	Source    string `json:"source"`
	FirstLine int    `json:"first_line,omitempty"`
	LastLine  int    `json:"last_line,omitempty"`
	Rows      int    `json:"rows"`
	Changed   int    `json:"changed"`
	KK        int    `json:"kk_changed"`
	PindahKK  int    `json:"pindah_kk"`
}

// LoadBatch upserts b and appends one audit event, atomically. firstLine
// and lastLine locate the batch in its source file (0 when not from a file).
func (l *BatchLoader) LoadBatch(ctx context.Context, b *store.Batch, firstLine, lastLine int) (store.BatchResult, error) {
	var res store.BatchResult
	err := l.st.InTx(ctx, func(tx store.Tx) error {
		h, err := l.holders(ctx, tx, b)
		if err != nil {
			return err
		}
		if res, err = tx.LoadBatch(ctx, b); err != nil {
			return err
		}
		if err := l.afterLoad(ctx, tx, h); err != nil {
			return err
		}
		_, err = l.log.Record(ctx, tx, audit.Entry{
			Actor: l.actor, Action: "penduduk.load", Purpose: "pemutakhiran data kependudukan dari " + l.source,
			Detail: batchDetail{Source: l.source, FirstLine: firstLine, LastLine: lastLine, Rows: len(b.Penduduk),
				Changed: res.Penduduk, KK: res.Keluarga, PindahKK: res.PindahKK},
		})
		return err
	})
	if err != nil {
		return res, fmt.Errorf("load batch: %w", err)
	}
	return res, nil
}

// holder is a resident of a batch with a digital ID: their row in the
// batch and, for an active NIK, what their credentials carried before.
type holder struct {
	row *store.Penduduk
	old sdjwt.KTP
}

// holders finds, before the batch is written and with one query, the
// batch's residents with a digital ID (when there is anything to do for
// them: l.Revoker or l.Reissue set), reading what an active one's
// credentials carry.
func (l *BatchLoader) holders(ctx context.Context, tx store.Tx, b *store.Batch) ([]holder, error) {
	if l.Revoker == nil && !l.Reissue {
		return nil, nil
	}
	byNIK := make(map[string]*store.Penduduk, len(b.Penduduk))
	niks := make([]string, len(b.Penduduk))
	for i := range b.Penduduk {
		niks[i], byNIK[b.Penduduk[i].NIK] = b.Penduduk[i].NIK, &b.Penduduk[i]
	}
	withDevice, err := tx.WithPerangkatAktif(ctx, niks)
	if err != nil {
		return nil, fmt.Errorf("residents with a digital ID: %w", err)
	}
	out := make([]holder, 0, len(withDevice))
	for _, n := range withDevice {
		h := holder{row: byNIK[n]}
		if l.Reissue && h.row.StatusNIK == store.NIKAktif {
			p, err := tx.GetPenduduk(ctx, n)
			if err != nil {
				return nil, fmt.Errorf("resident with a digital ID: %w", err)
			}
			h.old = issuance.KTPOf(p)
		}
		out = append(out, h)
	}
	return out, nil
}

// afterLoad revokes the digital ID of the holders whose NIK the batch
// made inactive (a deceased resident's or a deactivated NIK's must stop
// verifying), and queues for a re-issue those whose credentials' data it
// changed.
func (l *BatchLoader) afterLoad(ctx context.Context, tx store.Tx, hs []holder) error {
	for _, h := range hs {
		switch st := h.row.StatusNIK; {
		case st != store.NIKAktif && l.Revoker != nil:
			reason := "NIK dinonaktifkan"
			if st == store.NIKMati {
				reason = "penduduk meninggal dunia"
			}
			if _, err := l.Revoker.Revoke(ctx, tx, h.row.NIK, reason); err != nil {
				return fmt.Errorf("revoke credentials of an inactive NIK: %w", err)
			}
		case st == store.NIKAktif && l.Reissue && issuance.KTPOf(*h.row) != h.old:
			if err := tx.QueueReissue(ctx, h.row.NIK, "impor_siak"); err != nil {
				return err
			}
		}
	}
	return nil
}

// WithDeferredIndexes runs load, a bulk load into st, with the search
// indexes built once at its end when it is the first load (see
// store.Store.DeferIndexes). They are built even when load fails or is
// stopped; a process killed before that builds them at its next start
// (migrations ensure them).
func WithDeferredIndexes(ctx context.Context, st store.Store, load func() error) error {
	deferred, err := st.DeferIndexes(ctx)
	if err != nil {
		return err
	}
	err = load()
	if deferred {
		if _, ierr := st.EnsureIndexes(context.WithoutCancel(ctx)); ierr != nil {
			return errors.Join(err, ierr)
		}
	}
	return err
}
