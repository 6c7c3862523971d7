package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/nik"
	"github.com/ikd-project/ikd/internal/store"
)

// The columns a bulk load writes to each table (appended, upserted or
// staged); in the order of the *Cols constants, so that kkArgs and
// pendudukArgs build the rows.
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

// LoadBatch writes a batch with the backend's bulk path, in key order (a
// B-tree then takes its inserts page by page). With the dialect's
// BulkUpsert (SQLite), every row goes through a multi-row upsert. Without it
// (PostgreSQL, whose COPY cannot upsert), the rows are first appended
// straight to their table as if all were new (so they are on a first
// import); if a key exists already, that is undone, the keys are looked up
// in one query, new rows are appended and existing ones are staged and
// merged with a set-based upsert. Either way an unchanged row is left
// alone, so a re-import touches nothing it need not.
func (q *queries) LoadBatch(ctx context.Context, b *store.Batch) (store.BatchResult, error) {
	var res store.BatchResult
	if q.tx == nil {
		return res, fmt.Errorf("load batch: needs a transaction")
	}
	if err := checkBatchKeys(b); err != nil {
		return res, err
	}
	for _, setup := range q.s.dialect.BatchSetup {
		if _, err := q.exec(ctx, setup); err != nil {
			return res, fmt.Errorf("load batch: %w", err)
		}
	}
	at := b.At
	if at.IsZero() {
		at = q.now()
	}
	at = at.UTC()
	kk, pd, cards := q.batchTables(b, at)
	var err error
	if res.Keluarga, err = q.loadTable(ctx, kk); err != nil {
		return res, err
	}
	// A change of KK number is written to riwayat_kk by a trigger on
	// penduduk; the new history rows are those past the current last id.
	before, err := q.lastRiwayat(ctx)
	if err != nil {
		return res, err
	}
	if res.Penduduk, err = q.loadTable(ctx, pd); err != nil {
		return res, err
	}
	after, err := q.lastRiwayat(ctx)
	if err != nil {
		return res, err
	}
	res.PindahKK = int(after - before)
	if _, err = q.loadTable(ctx, cards); err != nil {
		return res, err
	}
	return res, nil
}

// batchTable is one table's share of a batch: its rows, each with the
// unique key an upsert matches on.
type batchTable struct {
	name   string
	key    string   // the unique column
	cols   []string // the columns written, in row()'s order
	merge  string   // the upsert from stage_<name>
	upsert string   // its ON CONFLICT clause alone
	keys   []string // keys[i] is row i's key
	row    func(i int) []any
}

func (q *queries) batchTables(b *store.Batch, at time.Time) (kk, pd, cards *batchTable) {
	stamp := q.ts(at) // encoded once for the whole batch
	kk = &batchTable{name: "kartu_keluarga", key: "no_kk", cols: stageKKCols, merge: mergeKK, upsert: onConflictKK,
		keys: make([]string, len(b.Keluarga)),
		row:  func(i int) []any { return stamped(q.kkArgs(&b.Keluarga[i]), stamp) }}
	for i := range b.Keluarga {
		kk.keys[i] = b.Keluarga[i].NoKK
	}
	pd = &batchTable{name: "penduduk", key: "nik", cols: stagePendudukCols, merge: mergePenduduk, upsert: onConflictPenduduk,
		keys: make([]string, len(b.Penduduk)),
		row:  func(i int) []any { return stamped(q.pendudukArgs(&b.Penduduk[i]), stamp) }}
	for i := range b.Penduduk {
		pd.keys[i] = b.Penduduk[i].NIK
	}
	cards = &batchTable{name: "ktpel", key: "blangko_serial", cols: stageKTPelCols, merge: mergeKTPel, upsert: onConflictKTPel,
		keys: make([]string, len(b.KTPel)),
		row: func(i int) []any {
			c := b.KTPel[i]
			dicetak := c.DicetakAt
			if dicetak.IsZero() {
				dicetak = at
			}
			return []any{c.NIK, c.BlangkoSerial, string(c.Status), c.KantorKode, q.ts(dicetak), stamp}
		}}
	for i := range b.KTPel {
		cards.keys[i] = b.KTPel[i].BlangkoSerial
	}
	return kk, pd, cards
}

// stamped sets the last two values of a row, created_at and updated_at
// (kkCols and pendudukCols end with them), to the batch's time.
func stamped(row []any, stamp any) []any {
	row[len(row)-2], row[len(row)-1] = stamp, stamp
	return row
}

// loadTable appends t's new rows and merges its existing ones, returning
// how many rows it inserted or changed.
func (q *queries) loadTable(ctx context.Context, t *batchTable) (int, error) {
	if len(t.keys) == 0 {
		return 0, nil
	}
	d := q.s.dialect
	if d.BulkUpsert != nil {
		n, err := d.BulkUpsert(ctx, q.conn, q.tx, t.name, t.cols, pick(t.row, t.byKey()), t.upsert)
		if err != nil {
			return 0, fmt.Errorf("upsert %s: %w", t.name, q.s.classify(err))
		}
		return int(n), nil
	}
	order := t.byKey()
	if ok, err := q.tryAppend(ctx, t, order); err != nil || ok {
		return len(order), err
	}
	fresh, old, err := q.splitByKey(ctx, t, order)
	if err != nil {
		return 0, err
	}
	if len(fresh) > 0 {
		if err := d.Append(ctx, q.conn, q.tx, t.name, t.cols, pick(t.row, fresh)); err != nil {
			return 0, fmt.Errorf("insert %s: %w", t.name, q.s.classify(err))
		}
	}
	if len(old) == 0 {
		return len(fresh), nil
	}
	if err := d.Stage(ctx, q.conn, q.tx, t.name, t.cols, pick(t.row, old)); err != nil {
		return 0, fmt.Errorf("stage %s: %w", t.name, q.s.classify(err))
	}
	n, err := q.mergeCount(ctx, "merge "+t.name, t.merge)
	return len(fresh) + n, err
}

func pick(row func(int) []any, idx []int) Rows {
	return Rows{N: len(idx), Row: func(i int) []any { return row(idx[i]) }}
}

// tryAppend appends all of t's rows, in order, as if every key were new,
// which is so for a first import: it saves looking the keys up. When a key
// exists already, the append stops at it and is undone (a savepoint), and
// tryAppend reports false.
func (q *queries) tryAppend(ctx context.Context, t *batchTable, order []int) (bool, error) {
	if _, err := q.exec(ctx, "SAVEPOINT bulk_append"); err != nil {
		return false, fmt.Errorf("insert %s: %w", t.name, err)
	}
	err := q.s.dialect.Append(ctx, q.conn, q.tx, t.name, t.cols, pick(t.row, order))
	if err == nil {
		if _, err := q.exec(ctx, "RELEASE SAVEPOINT bulk_append"); err != nil {
			return false, fmt.Errorf("insert %s: %w", t.name, err)
		}
		return true, nil
	}
	if err = q.s.classify(err); !errors.Is(err, store.ErrConflict) {
		return false, fmt.Errorf("insert %s: %w", t.name, err)
	}
	if _, err := q.exec(ctx, "ROLLBACK TO SAVEPOINT bulk_append"); err != nil {
		return false, fmt.Errorf("insert %s: %w", t.name, err)
	}
	return false, nil
}

// splitByKey returns the indexes of t's rows whose key is not yet in the
// table and of those whose key is, both in order. One query asks about the
// whole batch.
func (q *queries) splitByKey(ctx context.Context, t *batchTable, order []int) (fresh, old []int, err error) {
	cond, arg := q.s.dialect.InKeys(t.key, t.keys)
	exists := make(map[string]struct{})
	if err := q.collectKeys(ctx, "SELECT "+t.key+" FROM "+t.name+" WHERE "+cond, arg, exists); err != nil {
		return nil, nil, fmt.Errorf("look up existing %s: %w", t.name, err)
	}
	for _, i := range order {
		if _, ok := exists[t.keys[i]]; ok {
			old = append(old, i)
		} else {
			fresh = append(fresh, i)
		}
	}
	return fresh, old, nil
}

// byKey returns the indexes of t's rows in key order.
func (t *batchTable) byKey() []int {
	idx := make([]int, len(t.keys))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return strings.Compare(t.keys[a], t.keys[b]) })
	return idx
}

func (q *queries) collectKeys(ctx context.Context, query string, arg any, into map[string]struct{}) error {
	rows, err := q.query(ctx, query, arg)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return err
		}
		into[k] = struct{}{}
	}
	return rows.Err()
}

// checkBatchKeys rejects a batch that names a NIK, KK number or card serial
// twice: an upsert cannot apply two rows to one record.
func checkBatchKeys(b *store.Batch) error {
	type kindKey struct{ kind, key string } // no string built per row
	seen := make(map[kindKey]struct{}, len(b.Penduduk)+len(b.Keluarga))
	check := func(kind, key string) error {
		k := kindKey{kind, key}
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

// onConflict builds the ON CONFLICT DO UPDATE clause of an upsert on table
// that updates the given columns, except key and keep, and only in rows
// whose values differ.
func onConflict(table, key string, cols, keep []string) string {
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
	return " ON CONFLICT (" + key + ") DO UPDATE SET " + strings.Join(set, ", ") +
		" WHERE " + strings.Join(differ, " OR ")
}

// mergeFromStage is the upsert of the staging table's rows into table.
// "WHERE true" is needed by SQLite's parser before ON CONFLICT.
func mergeFromStage(table string, cols []string, conflict string) string {
	list := strings.Join(cols, ", ")
	return "INSERT INTO " + table + " (" + list + ") SELECT " + list + " FROM stage_" + table + " WHERE true" + conflict
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
	onConflictKK       = onConflict("kartu_keluarga", "no_kk", stageKKCols, []string{"created_at"})
	onConflictPenduduk = onConflict("penduduk", "nik", stagePendudukCols, []string{"created_at"})
	onConflictKTPel    = onConflict("ktpel", "blangko_serial", stageKTPelCols, []string{"nik", "dicetak_at"})
	mergeKK            = mergeFromStage("kartu_keluarga", stageKKCols, onConflictKK)
	mergePenduduk      = mergeFromStage("penduduk", stagePendudukCols, onConflictPenduduk)
	mergeKTPel         = mergeFromStage("ktpel", stageKTPelCols, onConflictKTPel)
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
