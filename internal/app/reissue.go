package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ikd-project/ikd/internal/issuance"
	"github.com/ikd-project/ikd/internal/store"
)

// ReissueEvery is how often the server looks for residents an import
// queued for a re-issue.
const ReissueEvery = 15 * time.Second

// reissueActor is who re-issues queued residents in the audit log.
const reissueActor = "system:terbit-ulang"

// Reissuer re-issues, in the server that holds the issuer keys, the
// credentials of residents whose data an import changed (queued by
// BatchLoader with Reissue set), each in its own transaction: taking a
// resident off the queue and re-issuing commit together, so a kill loses
// none and two instances never re-issue one resident twice.
type Reissuer struct {
	Store  store.Store
	Issuer interface {
		Reissue(ctx context.Context, tx store.Tx, r issuance.Reissue) (issuance.ReissueResult, error)
	}
	Logger *slog.Logger
}

// Run drains the queue now and every ReissueEvery until ctx ends.
func (r *Reissuer) Run(ctx context.Context) {
	t := time.NewTicker(ReissueEvery)
	defer t.Stop()
	for {
		n, err := r.Drain(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			r.Logger.Error("re-issue queue", "err", err, "reissued", n)
		case n > 0:
			r.Logger.Info("re-issued after a data change", "residents", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Drain re-issues the queued residents, 100 at a time in NIK order, and
// returns how many it did. A resident that fails stays queued for the next
// run and the others behind it go on, so none holds up the queue.
func (r *Reissuer) Drain(ctx context.Context) (int, error) {
	const page = 100
	done, after := 0, ""
	var failed []error
	for {
		niks, err := r.Store.ListReissue(ctx, after, page)
		if err != nil {
			return done, errors.Join(append(failed, err)...)
		}
		for _, n := range niks {
			after = n
			if err := r.one(ctx, n); err != nil {
				failed = append(failed, err)
				continue
			}
			done++
		}
		if len(niks) < page || ctx.Err() != nil {
			return done, errors.Join(failed...)
		}
	}
}

// one takes resident n off the queue and re-issues, in one transaction.
func (r *Reissuer) one(ctx context.Context, n string) error {
	return r.Store.InTx(ctx, func(tx store.Tx) error {
		alasan, err := tx.TakeReissue(ctx, n)
		if errors.Is(err, store.ErrNotFound) {
			return nil // another instance took it
		}
		if err != nil {
			return err
		}
		if _, err := r.Issuer.Reissue(ctx, tx, issuance.Reissue{NIK: n, Alasan: alasan, Petugas: reissueActor}); err != nil {
			return fmt.Errorf("re-issue %s…: %w", n[:min(6, len(n))], err)
		}
		return nil
	})
}
