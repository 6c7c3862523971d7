package sqlstore

import (
	"context"
	"fmt"

	"github.com/ikd-project/ikd/internal/store"
)

const ktpelCols = `id, nik, blangko_serial, status, kantor_kode, dicetak_at, updated_at`

func scanKTPel(r rowScanner) (store.KTPel, error) {
	var c store.KTPel
	err := r.Scan(&c.ID, &c.NIK, &c.BlangkoSerial, &c.Status, &c.KantorKode, &c.DicetakAt, &c.UpdatedAt)
	c.DicetakAt, c.UpdatedAt = c.DicetakAt.UTC(), c.UpdatedAt.UTC()
	return c, err
}

// CreateKTPel records a printed card and sets c.ID; ErrConflict if the
// blangko serial was used before.
func (q *queries) CreateKTPel(ctx context.Context, c *store.KTPel) error {
	c.UpdatedAt = q.now()
	if c.DicetakAt.IsZero() {
		c.DicetakAt = c.UpdatedAt
	}
	utc(&c.DicetakAt)
	err := q.row(ctx, `INSERT INTO ktpel (nik, blangko_serial, status, kantor_kode, dicetak_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		c.NIK, c.BlangkoSerial, string(c.Status), c.KantorKode, q.ts(c.DicetakAt), q.ts(c.UpdatedAt)).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("insert ktpel: %w", q.s.classify(err))
	}
	return nil
}

// GetKTPel reads a card by id.
func (q *queries) GetKTPel(ctx context.Context, id int64) (store.KTPel, error) {
	return q.getKTPel(ctx, "id", id, "")
}

// GetKTPelBySerial reads a card by its blangko serial.
func (q *queries) GetKTPelBySerial(ctx context.Context, serial string) (store.KTPel, error) {
	return q.getKTPel(ctx, "blangko_serial", serial, "")
}

func (q *queries) getKTPel(ctx context.Context, col string, key any, lock string) (store.KTPel, error) {
	c, err := one(q.row(ctx, `SELECT `+ktpelCols+` FROM ktpel WHERE `+col+` = ?`+lock, key), scanKTPel)
	if err != nil {
		return c, fmt.Errorf("get ktpel: %w", err)
	}
	return c, nil
}

// UpdateKTPel applies fn to a card atomically. Only the status and the
// office may change.
func (q *queries) UpdateKTPel(ctx context.Context, id int64, fn func(*store.KTPel) error) (store.KTPel, error) {
	var out store.KTPel
	err := q.atomic(ctx, func(q *queries) error {
		old, err := q.getKTPel(ctx, "id", id, q.s.dialect.ForUpdate)
		if err != nil {
			return err
		}
		c := old
		if err := fn(&c); err != nil {
			return err
		}
		if c.ID != old.ID || c.NIK != old.NIK || c.BlangkoSerial != old.BlangkoSerial {
			return fmt.Errorf("update ktpel %d: id, NIK and blangko serial never change", id)
		}
		c.UpdatedAt = q.now()
		_, err = q.exec(ctx, `UPDATE ktpel SET status = ?, kantor_kode = ?, updated_at = ? WHERE id = ?`,
			string(c.Status), c.KantorKode, q.ts(c.UpdatedAt), c.ID)
		if err != nil {
			return fmt.Errorf("update ktpel: %w", err)
		}
		out = c
		return nil
	})
	return out, err
}

// ListKTPel lists a resident's cards, oldest first.
func (q *queries) ListKTPel(ctx context.Context, nik string) ([]store.KTPel, error) {
	rows, err := q.query(ctx, `SELECT `+ktpelCols+` FROM ktpel WHERE nik = ? ORDER BY dicetak_at, id`, nik)
	if err != nil {
		return nil, fmt.Errorf("list ktpel: %w", err)
	}
	return all(rows, scanKTPel)
}
