package sqlstore

import (
	"context"
	"fmt"
)

// AddQuota adds n to the counter key for the window starting at window
// (Unix seconds), starting it afresh when the counter holds an earlier
// window, and returns its total in this window: one atomic statement, so
// instances that share the database share the count.
func (q *queries) AddQuota(ctx context.Context, key string, window, n int64) (int64, error) {
	var total int64
	err := q.row(ctx, `INSERT INTO kuota (kunci, jendela, n) VALUES (?, ?, ?)
		ON CONFLICT (kunci) DO UPDATE SET
			n = CASE WHEN kuota.jendela = excluded.jendela THEN kuota.n + excluded.n ELSE excluded.n END,
			jendela = excluded.jendela
		RETURNING n`, key, window, n).Scan(&total)
	if err != nil {
		return 0, fmt.Errorf("add to quota %s: %w", key, q.s.classify(err))
	}
	return total, nil
}

// PruneQuota deletes the counters whose window started before before.
func (q *queries) PruneQuota(ctx context.Context, before int64) (int64, error) {
	res, err := q.exec(ctx, `DELETE FROM kuota WHERE jendela < ?`, before)
	if err != nil {
		return 0, fmt.Errorf("prune quotas: %w", err)
	}
	return res.RowsAffected()
}
