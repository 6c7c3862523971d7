package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ikd-project/ikd/internal/store"
)

const mutasiCols = `id, at, jenis, dari, ke, jumlah, serial, ref, alasan, petugas`

func scanMutasi(r rowScanner) (store.BlangkoMutasi, error) {
	var m store.BlangkoMutasi
	var dari, ke, serial sql.NullString
	err := r.Scan(&m.ID, &m.At, &m.Jenis, &dari, &ke, &m.Jumlah, &serial, &m.Ref, &m.Alasan, &m.Petugas)
	m.Dari, m.Ke, m.Serial, m.At = dari.String, ke.String, serial.String, m.At.UTC()
	return m, err
}

// ApplyMutasi records a movement and moves the balances in one
// transaction; the balance's CHECK (saldo >= 0) refuses an overdraft.
func (q *queries) ApplyMutasi(ctx context.Context, m *store.BlangkoMutasi) error {
	if m.At.IsZero() {
		m.At = q.now()
	}
	utc(&m.At)
	return q.atomic(ctx, func(q *queries) error {
		err := q.row(ctx, `INSERT INTO blangko_mutasi (at, jenis, dari, ke, jumlah, serial, ref, alasan, petugas)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			q.ts(m.At), string(m.Jenis), nullString(m.Dari), nullString(m.Ke), m.Jumlah, nullString(m.Serial),
			m.Ref, m.Alasan, m.Petugas).Scan(&m.ID)
		if err != nil {
			return fmt.Errorf("insert blangko mutasi: %w", q.s.classify(err))
		}
		if m.Jenis == store.Pengajuan || m.Jenis == store.Persetujuan {
			return nil // what was asked and approved moves no card
		}
		if m.Dari != "" {
			if err := q.addSaldo(ctx, m.Dari, -m.Jumlah, m.At); err != nil {
				return err
			}
		}
		if m.Ke != "" {
			return q.addSaldo(ctx, m.Ke, m.Jumlah, m.At)
		}
		return nil
	})
}

// addSaldo adds delta to a unit's balance: a gain creates the balance
// if it has none; a loss updates it, where the CHECK refuses an
// overdraft, and a unit with no balance at all has nothing to lose.
func (q *queries) addSaldo(ctx context.Context, kantor string, delta int, at time.Time) error {
	if delta < 0 {
		res, err := q.exec(ctx, `UPDATE blangko_saldo SET saldo = saldo + ?, updated_at = ? WHERE kantor_kode = ?`, delta, q.ts(at), kantor)
		if err != nil {
			return fmt.Errorf("blangko saldo %s: %w", kantor, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return fmt.Errorf("blangko saldo %s: no stock: %w", kantor, store.ErrCheck)
		}
		return nil
	}
	_, err := q.exec(ctx, `INSERT INTO blangko_saldo (kantor_kode, saldo, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (kantor_kode) DO UPDATE SET saldo = blangko_saldo.saldo + excluded.saldo, updated_at = excluded.updated_at`,
		kantor, delta, q.ts(at))
	if err != nil {
		return fmt.Errorf("blangko saldo %s: %w", kantor, err)
	}
	return nil
}

// ListSaldo returns every unit's balance, by kantor code.
func (q *queries) ListSaldo(ctx context.Context) ([]store.BlangkoSaldo, error) {
	rows, err := q.query(ctx, `SELECT kantor_kode, saldo, updated_at FROM blangko_saldo ORDER BY kantor_kode`)
	if err != nil {
		return nil, fmt.Errorf("list blangko saldo: %w", err)
	}
	return all(rows, func(r rowScanner) (store.BlangkoSaldo, error) {
		var s store.BlangkoSaldo
		err := r.Scan(&s.KantorKode, &s.Saldo, &s.UpdatedAt)
		s.UpdatedAt = s.UpdatedAt.UTC()
		return s, err
	})
}

// ListMutasi returns movements since a time, newest first.
func (q *queries) ListMutasi(ctx context.Context, kantor string, use bool, since time.Time, limit int) ([]store.BlangkoMutasi, error) {
	op := "<>"
	if use {
		op = "="
	}
	cond, args := `at >= ? AND jenis `+op+` ?`, []any{q.ts(since.UTC()), string(store.Pemakaian)}
	if kantor != "" {
		cond += ` AND (dari = ? OR ke = ?)`
		args = append(args, kantor, kantor)
	}
	rows, err := q.query(ctx, `SELECT `+mutasiCols+` FROM blangko_mutasi WHERE `+cond+` ORDER BY at DESC, id DESC LIMIT `+fmt.Sprint(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("list blangko mutasi: %w", err)
	}
	return all(rows, scanMutasi)
}

// SumMutasi adds up a kind's movements since a time, per unit.
func (q *queries) SumMutasi(ctx context.Context, jenis store.JenisMutasi, since time.Time) (map[string]int, error) {
	col := "ke"
	if jenis == store.Pemakaian || jenis == store.MutasiRusak {
		col = "dari"
	}
	rows, err := q.query(ctx, `SELECT `+col+`, SUM(jumlah) FROM blangko_mutasi WHERE jenis = ? AND at >= ? AND `+col+` IS NOT NULL GROUP BY `+col,
		string(jenis), q.ts(since.UTC()))
	if err != nil {
		return nil, fmt.Errorf("sum blangko mutasi: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}
