package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/store"
)

const jemputCols = `id, nama, sasaran, tempat, kantor_kode, mulai_at, selesai_at, hitung_sampai, jam, dibuat_oleh, created_at`

func scanJemput(r rowScanner) (store.Jemput, error) {
	var j store.Jemput
	err := r.Scan(&j.ID, &j.Nama, &j.Sasaran, &j.Tempat, &j.KantorKode, &j.MulaiAt, &j.SelesaiAt, &j.HitungSampai, &j.Jam,
		&j.DibuatOleh, &j.CreatedAt)
	j.MulaiAt, j.SelesaiAt, j.HitungSampai, j.CreatedAt = j.MulaiAt.UTC(), j.SelesaiAt.UTC(), j.HitungSampai.UTC(), j.CreatedAt.UTC()
	return j, err
}

// aktifJemput is the condition that roster entry p of drive j counts as
// activated (store.JemputQueries.RekapJemput has the rule).
const aktifJemput = `EXISTS (SELECT 1 FROM aktivasi a WHERE a.nik = p.nik AND a.state = 'SELESAI'
	AND a.updated_at >= j.mulai_at AND a.updated_at < j.hitung_sampai
	AND (a.kantor_kode = j.kantor_kode OR a.petugas IN (SELECT s.username FROM jemput_petugas s WHERE s.jemput_id = j.id)))`

// placeholders returns n comma-separated placeholders.
func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// inArgs are the values of an IN list of placeholders.
func inArgs[T any](values []T) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = v
	}
	return out
}

// CreateJemput inserts a drive and its officers.
func (q *queries) CreateJemput(ctx context.Context, j *store.Jemput) error {
	j.CreatedAt = q.now().UTC().Truncate(time.Microsecond)
	utc(&j.MulaiAt)
	utc(&j.SelesaiAt)
	utc(&j.HitungSampai)
	j.Petugas = slices.Compact(slices.Sorted(slices.Values(j.Petugas)))
	return q.atomic(ctx, func(q *queries) error {
		err := q.row(ctx, `INSERT INTO jemput (nama, sasaran, tempat, kantor_kode, mulai_at, selesai_at, hitung_sampai, jam, dibuat_oleh, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			j.Nama, string(j.Sasaran), j.Tempat, j.KantorKode, q.ts(j.MulaiAt), q.ts(j.SelesaiAt), q.ts(j.HitungSampai), j.Jam,
			j.DibuatOleh, q.ts(j.CreatedAt)).Scan(&j.ID)
		if err != nil {
			return fmt.Errorf("insert jemput: %w", q.s.classify(err))
		}
		for _, u := range j.Petugas {
			if _, err := q.exec(ctx, `INSERT INTO jemput_petugas (jemput_id, username) VALUES (?, ?)`, j.ID, u); err != nil {
				return fmt.Errorf("insert jemput petugas: %w", err)
			}
		}
		return nil
	})
}

// GetJemput reads a drive and its officers.
func (q *queries) GetJemput(ctx context.Context, id int64) (store.Jemput, error) {
	j, err := one(q.row(ctx, `SELECT `+jemputCols+` FROM jemput WHERE id = ?`, id), scanJemput)
	if err != nil {
		return j, fmt.Errorf("get jemput: %w", err)
	}
	officers, err := q.jemputPetugas(ctx, []int64{id})
	j.Petugas = officers[id]
	return j, err
}

func (q *queries) jemputPetugas(ctx context.Context, ids []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.query(ctx, `SELECT jemput_id, username FROM jemput_petugas WHERE jemput_id IN (`+placeholders(len(ids))+`)
		ORDER BY jemput_id, username`, inArgs(ids)...)
	if err != nil {
		return nil, fmt.Errorf("list jemput petugas: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var u string
		if err := rows.Scan(&id, &u); err != nil {
			return nil, err
		}
		out[id] = append(out[id], u)
	}
	return out, rows.Err()
}

// ListJemput lists drives, newest start first.
func (q *queries) ListJemput(ctx context.Context, kantor []string, limit int) ([]store.Jemput, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	cond := ""
	if len(kantor) > 0 {
		cond = ` WHERE kantor_kode IN (` + placeholders(len(kantor)) + `)`
	}
	rows, err := q.query(ctx, `SELECT `+jemputCols+` FROM jemput`+cond+` ORDER BY mulai_at DESC, id DESC LIMIT `+fmt.Sprint(limit), inArgs(kantor)...)
	if err != nil {
		return nil, fmt.Errorf("list jemput: %w", err)
	}
	list, err := all(rows, scanJemput)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(list))
	for i, j := range list {
		ids[i] = j.ID
	}
	officers, err := q.jemputPetugas(ctx, ids)
	for i := range list {
		list[i].Petugas = officers[list[i].ID]
	}
	return list, err
}

// AddPeserta adds roster entries.
func (q *queries) AddPeserta(ctx context.Context, ps []store.PesertaJemput) error {
	now := q.now().UTC().Truncate(time.Microsecond)
	return q.atomic(ctx, func(q *queries) error {
		for i := range ps {
			p := &ps[i]
			p.AddedAt = now
			err := q.row(ctx, `INSERT INTO jemput_peserta (jemput_id, nik, baris, added_at) VALUES (?, ?, ?, ?) RETURNING id`,
				p.JemputID, p.NIK, p.Baris, q.ts(p.AddedAt)).Scan(&p.ID)
			if err != nil {
				return fmt.Errorf("insert jemput peserta: %w", q.s.classify(err))
			}
		}
		return nil
	})
}

const pesertaSelect = `SELECT p.id, p.jemput_id, p.nik, d.nama, p.baris, p.added_at, p.hadir_at, p.hadir_oleh,
	CASE WHEN ` + aktifJemput + ` THEN 1 ELSE 0 END
	FROM jemput_peserta p JOIN jemput j ON j.id = p.jemput_id JOIN penduduk d ON d.nik = p.nik`

func scanPeserta(r rowScanner) (store.PesertaJemput, error) {
	var p store.PesertaJemput
	var hadir sql.NullTime
	var aktif int
	err := r.Scan(&p.ID, &p.JemputID, &p.NIK, &p.Nama, &p.Baris, &p.AddedAt, &hadir, &p.HadirOleh, &aktif)
	p.AddedAt, p.HadirAt, p.Aktif = p.AddedAt.UTC(), nullTime(hadir), aktif == 1
	return p, err
}

// ListPeserta returns a drive's roster in the order it was added.
func (q *queries) ListPeserta(ctx context.Context, jemputID int64) ([]store.PesertaJemput, error) {
	rows, err := q.query(ctx, pesertaSelect+` WHERE p.jemput_id = ? ORDER BY p.id`, jemputID)
	if err != nil {
		return nil, fmt.Errorf("list jemput peserta: %w", err)
	}
	return all(rows, scanPeserta)
}

// HadirPeserta checks a roster entry in, once.
func (q *queries) HadirPeserta(ctx context.Context, jemputID int64, nik string, at time.Time, by string) (store.PesertaJemput, error) {
	utc(&at)
	var out store.PesertaJemput
	err := q.atomic(ctx, func(q *queries) error {
		res, err := q.exec(ctx, `UPDATE jemput_peserta SET hadir_at = ?, hadir_oleh = ? WHERE jemput_id = ? AND nik = ? AND hadir_at IS NULL`,
			q.ts(at), by, jemputID, nik)
		if err != nil {
			return fmt.Errorf("check in jemput peserta: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		p, err := one(q.row(ctx, pesertaSelect+` WHERE p.jemput_id = ? AND p.nik = ?`, jemputID, nik), scanPeserta)
		if err != nil {
			return fmt.Errorf("get jemput peserta: %w", err)
		}
		if n == 0 {
			return fmt.Errorf("jemput peserta checked in already: %w", store.ErrConflict)
		}
		out = p
		return nil
	})
	return out, err
}

// RekapJemput counts each drive's roster, check-ins and activations.
func (q *queries) RekapJemput(ctx context.Context, ids []int64) (map[int64]store.RekapJemput, error) {
	out := map[int64]store.RekapJemput{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.query(ctx, `SELECT p.jemput_id, COUNT(*), COUNT(p.hadir_at), SUM(CASE WHEN `+aktifJemput+` THEN 1 ELSE 0 END)
		FROM jemput_peserta p JOIN jemput j ON j.id = p.jemput_id
		WHERE p.jemput_id IN (`+placeholders(len(ids))+`) GROUP BY p.jemput_id`, inArgs(ids)...)
	if err != nil {
		return nil, fmt.Errorf("rekap jemput: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var r store.RekapJemput
		if err := rows.Scan(&id, &r.Peserta, &r.Hadir, &r.Aktif); err != nil {
			return nil, err
		}
		out[id] = r
	}
	return out, rows.Err()
}
