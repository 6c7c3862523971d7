package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/nik"
	"github.com/ikd-project/ikd/internal/store"
)

// The columns staged for each table; kept in the order of the *Cols
// constants so the same value builders serve both.
var (
	stageKKCols       = splitCols(kkCols)
	stagePendudukCols = splitCols(pendudukCols)
	stageKTPelCols    = []string{"nik", "blangko_serial", "status", "kantor_kode", "dicetak_at", "updated_at"}
)

func splitCols(s string) []string {
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// LoadBatch stages the batch with the backend's bulk path, then merges it
// into the real tables with set-based upserts. Rows whose values did not
// change are left alone, so a re-import touches nothing it need not.
func (q *queries) LoadBatch(ctx context.Context, b *store.Batch) (store.BatchResult, error) {
	var res store.BatchResult
	if q.tx == nil {
		return res, fmt.Errorf("load batch: needs a transaction")
	}
	if err := checkBatchKeys(b); err != nil {
		return res, err
	}
	at := b.At
	if at.IsZero() {
		at = q.now()
	}
	at = at.UTC()
	if err := q.stageBatch(ctx, b, at); err != nil {
		return res, err
	}
	var err error
	if res.Keluarga, err = q.mergeCount(ctx, "merge kartu_keluarga", mergeKK); err != nil {
		return res, err
	}
	// A change of KK number is written to riwayat_kk by a trigger on
	// penduduk; the new history rows are those past the current last id.
	before, err := q.lastRiwayat(ctx)
	if err != nil {
		return res, err
	}
	if res.Penduduk, err = q.mergeCount(ctx, "merge penduduk", mergePenduduk); err != nil {
		return res, err
	}
	after, err := q.lastRiwayat(ctx)
	if err != nil {
		return res, err
	}
	res.PindahKK = int(after - before)
	if len(b.KTPel) > 0 {
		if _, err = q.mergeCount(ctx, "merge ktpel", mergeKTPel); err != nil {
			return res, err
		}
	}
	return res, nil
}

func (q *queries) stageBatch(ctx context.Context, b *store.Batch, at time.Time) error {
	kk := make([][]any, len(b.Keluarga))
	for i := range b.Keluarga {
		k := b.Keluarga[i]
		k.CreatedAt, k.UpdatedAt = at, at
		kk[i] = q.kkArgs(&k)
	}
	pd := make([][]any, len(b.Penduduk))
	for i := range b.Penduduk {
		p := b.Penduduk[i]
		p.CreatedAt, p.UpdatedAt = at, at
		pd[i] = q.pendudukArgs(&p)
	}
	stage := func(table string, cols []string, rows [][]any) error {
		if err := q.s.dialect.Stage(ctx, q.conn, q.tx, table, cols, rows); err != nil {
			return fmt.Errorf("stage %s: %w", table, q.s.classify(err))
		}
		return nil
	}
	if err := stage("kartu_keluarga", stageKKCols, kk); err != nil {
		return err
	}
	if err := stage("penduduk", stagePendudukCols, pd); err != nil {
		return err
	}
	if len(b.KTPel) == 0 {
		return nil
	}
	cards := make([][]any, len(b.KTPel))
	for i, c := range b.KTPel {
		dicetak := c.DicetakAt
		if dicetak.IsZero() {
			dicetak = at
		}
		cards[i] = []any{c.NIK, c.BlangkoSerial, string(c.Status), c.KantorKode, q.ts(dicetak), q.ts(at)}
	}
	return stage("ktpel", stageKTPelCols, cards)
}

// checkBatchKeys rejects a batch that names a NIK, KK number or card serial
// twice: an upsert cannot apply two rows to one record.
func checkBatchKeys(b *store.Batch) error {
	seen := make(map[string]struct{}, len(b.Penduduk)+len(b.Keluarga))
	check := func(kind, key string) error {
		k := kind + key
		if _, dup := seen[k]; dup {
			if kind != "serial" {
				key = nik.Mask(key) // errors end up in logs
			}
			return fmt.Errorf("load batch: %s %s appears twice: %w", kind, key, store.ErrConflict)
		}
		seen[k] = struct{}{}
		return nil
	}
	for _, k := range b.Keluarga {
		if err := check("KK", k.NoKK); err != nil {
			return err
		}
	}
	for _, p := range b.Penduduk {
		if err := check("NIK", p.NIK); err != nil {
			return err
		}
	}
	for _, c := range b.KTPel {
		if err := check("serial", c.BlangkoSerial); err != nil {
			return err
		}
	}
	return nil
}

func (q *queries) mergeCount(ctx context.Context, what, query string, args ...any) (int, error) {
	res, err := q.exec(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	return int(n), nil
}

// upsert builds INSERT ... SELECT FROM the staging table ... ON CONFLICT DO
// UPDATE for the given columns, updating only rows whose values differ.
// "WHERE true" is needed by SQLite's parser before ON CONFLICT.
func upsert(table, key string, cols, keep []string) string {
	var set, differ []string
	for _, c := range cols {
		if c == key || contains(keep, c) {
			continue
		}
		set = append(set, c+" = excluded."+c)
		if c != "updated_at" {
			differ = append(differ, table+"."+c+" IS DISTINCT FROM excluded."+c)
		}
	}
	list := strings.Join(cols, ", ")
	return "INSERT INTO " + table + " (" + list + ") SELECT " + list + " FROM stage_" + table +
		" WHERE true ON CONFLICT (" + key + ") DO UPDATE SET " + strings.Join(set, ", ") +
		" WHERE " + strings.Join(differ, " OR ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var (
	mergeKK       = upsert("kartu_keluarga", "no_kk", stageKKCols, []string{"created_at"})
	mergePenduduk = upsert("penduduk", "nik", stagePendudukCols, []string{"created_at"})
	mergeKTPel    = upsert("ktpel", "blangko_serial", stageKTPelCols, []string{"nik", "dicetak_at"})
)

// lastRiwayat returns the id of the newest KK history row (0 for none),
// read from the primary key index.
func (q *queries) lastRiwayat(ctx context.Context) (int64, error) {
	var id int64
	if err := q.row(ctx, `SELECT coalesce(max(id), 0) FROM riwayat_kk`).Scan(&id); err != nil {
		return 0, fmt.Errorf("read riwayat_kk: %w", err)
	}
	return id, nil
}
