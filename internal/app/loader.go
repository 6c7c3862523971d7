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
		before, err := l.holders(ctx, tx, b)
		if err != nil {
			return err
		}
		if res, err = tx.LoadBatch(ctx, b); err != nil {
			return err
		}
		if err := l.queueChanged(ctx, tx, before); err != nil {
			return err
		}
		if err := l.revokeInactive(ctx, tx, b); err != nil {
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

// holders reads, before the batch is written, what the credentials of the
// batch's residents with a digital ID carry (when l.Reissue is set).
func (l *BatchLoader) holders(ctx context.Context, tx store.Tx, b *store.Batch) (map[string]sdjwt.KTP, error) {
	if !l.Reissue {
		return nil, nil
	}
	niks := make([]string, 0, len(b.Penduduk))
	for i := range b.Penduduk {
		if b.Penduduk[i].StatusNIK == store.NIKAktif {
			niks = append(niks, b.Penduduk[i].NIK)
		}
	}
	withDevice, err := tx.WithPerangkatAktif(ctx, niks)
	if err != nil {
		return nil, fmt.Errorf("residents with a digital ID: %w", err)
	}
	out := make(map[string]sdjwt.KTP, len(withDevice))
	for _, n := range withDevice {
		p, err := tx.GetPenduduk(ctx, n)
		if err != nil {
			return nil, fmt.Errorf("resident with a digital ID: %w", err)
		}
		out[n] = issuance.KTPOf(p)
	}
	return out, nil
}

// queueChanged queues for a re-issue the holders whose credentials' data
// the batch changed.
func (l *BatchLoader) queueChanged(ctx context.Context, tx store.Tx, before map[string]sdjwt.KTP) error {
	for n, old := range before {
		p, err := tx.GetPenduduk(ctx, n)
		if err != nil {
			return fmt.Errorf("re-issue check: %w", err)
		}
		if p.StatusNIK != store.NIKAktif || issuance.KTPOf(p) == old {
			continue
		}
		if err := tx.QueueReissue(ctx, n, "impor_siak"); err != nil {
			return err
		}
	}
	return nil
}

// revokeInactive revokes the credentials of the batch's residents whose NIK
// is not active: a deceased resident's or a deactivated NIK's digital ID
// must stop verifying. One query finds which of them have a device.
func (l *BatchLoader) revokeInactive(ctx context.Context, tx store.Tx, b *store.Batch) error {
	if l.Revoker == nil {
		return nil
	}
	status := map[string]store.StatusNIK{}
	var inactive []string
	for i := range b.Penduduk {
		if p := &b.Penduduk[i]; p.StatusNIK != store.NIKAktif {
			status[p.NIK] = p.StatusNIK
			inactive = append(inactive, p.NIK)
		}
	}
	withDevice, err := tx.WithPerangkatAktif(ctx, inactive)
	if err != nil {
		return fmt.Errorf("revoke credentials of inactive NIKs: %w", err)
	}
	for _, nik := range withDevice {
		reason := "NIK dinonaktifkan"
		if status[nik] == store.NIKMati {
			reason = "penduduk meninggal dunia"
		}
		if _, err := l.Revoker.Revoke(ctx, tx, nik, reason); err != nil {
			return fmt.Errorf("revoke credentials of an inactive NIK: %w", err)
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
