package demo

import (
	"context"
	"fmt"
	"github.com/ikd-project/ikd/internal/kantor"

	"github.com/ikd-project/ikd/internal/store"
)

// MetaComplete is the meta key Load sets when the whole province has been
// written; its value is the seed and the scale, "42 0.01".
const MetaComplete = "demo.complete"

// BatchFunc writes one batch of the province atomically.
type BatchFunc func(ctx context.Context, b *store.Batch) error

// Load writes the demo province into st: the reference offices (those
// that exist are left alone), then every batch of Generate in a transaction
// of its own, then MetaComplete. Batches are upserts, so running Load again
// after a crash or a cancellation finishes the job without duplicates.
// load writes one batch in one transaction; nil means a plain
// tx.LoadBatch (the server passes one that also writes an audit event).
// progress, when not nil, is called with the residents written so far and
// Total(opts); Load stops between batches when ctx is cancelled.
func Load(ctx context.Context, st store.Store, opts Options, load BatchFunc, progress func(done, total int)) error {
	if load == nil {
		load = func(ctx context.Context, b *store.Batch) error {
			return st.InTx(ctx, func(tx store.Tx) error {
				_, err := tx.LoadBatch(ctx, b)
				return err
			})
		}
	}
	if _, err := kantor.Seed(ctx, st); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	total, done := Total(opts), 0
	if progress != nil {
		progress(0, total)
	}
	err := Generate(opts, func(b *store.Batch) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := load(ctx, b); err != nil {
			return fmt.Errorf("demo: load batch: %w", err)
		}
		done += len(b.Penduduk)
		if progress != nil {
			progress(done, total)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return st.SetMeta(ctx, MetaComplete, fmt.Sprint(opts.Seed, " ", opts.Scale))
}
