package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/ikd-project/ikd/internal/store"
)

const permohonanCols = `nomor, nik, jenis, kantor_kode, state, pilihan, alasan_kartu, serial, batas_at, created_at, updated_at`

func scanPermohonan(r rowScanner) (store.Permohonan, error) {
	var p store.Permohonan
	err := r.Scan(&p.Nomor, &p.NIK, &p.Jenis, &p.KantorKode, &p.State, &p.Pilihan, &p.AlasanKartu, &p.Serial,
		&p.BatasAt, &p.CreatedAt, &p.UpdatedAt)
	p.BatasAt, p.CreatedAt, p.UpdatedAt = p.BatasAt.UTC(), p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, err
}

// CreatePermohonan records a request and its first step.
func (q *queries) CreatePermohonan(ctx context.Context, p *store.Permohonan, by string) error {
	p.CreatedAt = q.now()
	p.UpdatedAt = p.CreatedAt
	utc(&p.BatasAt)
	return q.atomic(ctx, func(q *queries) error {
		_, err := q.exec(ctx, `INSERT INTO permohonan (`+permohonanCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.Nomor, p.NIK, string(p.Jenis), p.KantorKode, string(p.State), string(p.Pilihan), p.AlasanKartu, p.Serial,
			q.ts(p.BatasAt), q.ts(p.CreatedAt), q.ts(p.UpdatedAt))
		if err != nil {
			return fmt.Errorf("insert permohonan: %w", err)
		}
		return q.addLangkah(ctx, store.LangkahPermohonan{Nomor: p.Nomor, At: p.CreatedAt, State: p.State, Petugas: by})
	})
}

func (q *queries) addLangkah(ctx context.Context, l store.LangkahPermohonan) error {
	_, err := q.exec(ctx, `INSERT INTO langkah_permohonan (nomor, at, state, petugas, catatan) VALUES (?, ?, ?, ?, ?)`,
		l.Nomor, q.ts(l.At), string(l.State), l.Petugas, l.Catatan)
	if err != nil {
		return fmt.Errorf("insert langkah permohonan: %w", err)
	}
	return nil
}

// GetPermohonan reads a request by its tracking number.
func (q *queries) GetPermohonan(ctx context.Context, nomor string) (store.Permohonan, error) {
	return q.getPermohonan(ctx, nomor, "")
}

func (q *queries) getPermohonan(ctx context.Context, nomor, lock string) (store.Permohonan, error) {
	p, err := one(q.row(ctx, `SELECT `+permohonanCols+` FROM permohonan WHERE nomor = ?`+lock, nomor), scanPermohonan)
	if err != nil {
		return p, fmt.Errorf("get permohonan: %w", err)
	}
	return p, nil
}

// UpdatePermohonan applies fn under the row's lock and records its step.
// The number, the resident, the kind and the office do not change.
func (q *queries) UpdatePermohonan(ctx context.Context, nomor string, fn func(*store.Permohonan, *store.LangkahPermohonan) error) (store.Permohonan, error) {
	var out store.Permohonan
	err := q.atomic(ctx, func(q *queries) error {
		old, err := q.getPermohonan(ctx, nomor, q.s.dialect.ForUpdate)
		if err != nil {
			return err
		}
		p := old
		step := store.LangkahPermohonan{Nomor: nomor}
		if err := fn(&p, &step); err != nil {
			return err
		}
		p.Nomor, p.NIK, p.Jenis, p.KantorKode, p.CreatedAt = old.Nomor, old.NIK, old.Jenis, old.KantorKode, old.CreatedAt
		p.UpdatedAt = q.now()
		utc(&p.BatasAt)
		if _, err := q.exec(ctx, `UPDATE permohonan SET state = ?, pilihan = ?, alasan_kartu = ?, serial = ?, batas_at = ?, updated_at = ?
			WHERE nomor = ?`, string(p.State), string(p.Pilihan), p.AlasanKartu, p.Serial, q.ts(p.BatasAt), q.ts(p.UpdatedAt), nomor); err != nil {
			return fmt.Errorf("update permohonan: %w", err)
		}
		step.At, step.State = p.UpdatedAt, p.State
		out = p
		return q.addLangkah(ctx, step)
	})
	return out, err
}

// ListPermohonan lists an office's requests, newest first.
func (q *queries) ListPermohonan(ctx context.Context, kantor string, open bool, limit int) ([]store.Permohonan, error) {
	cond := `kantor_kode = ?`
	if open {
		cond += ` AND state NOT IN ('SELESAI', 'DITOLAK')`
	}
	rows, err := q.query(ctx, `SELECT `+permohonanCols+` FROM permohonan WHERE `+cond+` ORDER BY created_at DESC, nomor LIMIT `+fmt.Sprint(limit), kantor)
	if err != nil {
		return nil, fmt.Errorf("list permohonan: %w", err)
	}
	return all(rows, scanPermohonan)
}

// ListPermohonanNIK lists a resident's requests, newest first.
func (q *queries) ListPermohonanNIK(ctx context.Context, nik string, limit int) ([]store.Permohonan, error) {
	rows, err := q.query(ctx, `SELECT `+permohonanCols+` FROM permohonan WHERE nik = ? ORDER BY created_at DESC, nomor LIMIT `+fmt.Sprint(limit), nik)
	if err != nil {
		return nil, fmt.Errorf("list permohonan of a resident: %w", err)
	}
	return all(rows, scanPermohonan)
}

// LangkahPermohonan returns a request's steps, oldest first.
func (q *queries) LangkahPermohonan(ctx context.Context, nomor string) ([]store.LangkahPermohonan, error) {
	rows, err := q.query(ctx, `SELECT nomor, at, state, petugas, catatan FROM langkah_permohonan WHERE nomor = ? ORDER BY id`, nomor)
	if err != nil {
		return nil, fmt.Errorf("list langkah permohonan: %w", err)
	}
	return all(rows, func(r rowScanner) (store.LangkahPermohonan, error) {
		var l store.LangkahPermohonan
		err := r.Scan(&l.Nomor, &l.At, &l.State, &l.Petugas, &l.Catatan)
		l.At = l.At.UTC()
		return l, err
	})
}

// CountIKD counts replacements served by IKD since a time, per office.
func (q *queries) CountIKD(ctx context.Context, since time.Time) (map[string]int, error) {
	rows, err := q.query(ctx, `SELECT kantor_kode, COUNT(*) FROM permohonan
		WHERE jenis IN ('HILANG', 'RUSAK') AND pilihan = 'IKD' AND state = 'SELESAI' AND updated_at >= ? GROUP BY kantor_kode`, q.ts(since.UTC()))
	if err != nil {
		return nil, fmt.Errorf("count ikd replacements: %w", err)
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

// RekapPermohonan counts the open requests per office, through the
// partial index of open ones (finished requests are never read).
func (q *queries) RekapPermohonan(ctx context.Context, now time.Time) (map[string]store.RekapPermohonan, error) {
	rows, err := q.query(ctx, `SELECT kantor_kode, count(*), sum(CASE WHEN batas_at < ? THEN 1 ELSE 0 END)
		FROM permohonan WHERE state NOT IN ('SELESAI', 'DITOLAK') GROUP BY kantor_kode`, q.ts(now.UTC()))
	if err != nil {
		return nil, fmt.Errorf("rekap permohonan: %w", err)
	}
	defer rows.Close()
	out := map[string]store.RekapPermohonan{}
	for rows.Next() {
		var k string
		var r store.RekapPermohonan
		if err := rows.Scan(&k, &r.Terbuka, &r.Terlambat); err != nil {
			return nil, fmt.Errorf("rekap permohonan: %w", err)
		}
		out[k] = r
	}
	return out, rows.Err()
}
