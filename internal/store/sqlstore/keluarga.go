package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/ikd-project/ikd/internal/nik"
	"github.com/ikd-project/ikd/internal/store"
)

const kkCols = `no_kk, kepala_nik, alamat, rt, rw, desa_kode, tanggal_terbit, created_at, updated_at`

func scanKK(r rowScanner) (store.KartuKeluarga, error) {
	var k store.KartuKeluarga
	var terbit sql.NullTime
	err := r.Scan(&k.NoKK, &k.KepalaNIK, &k.Alamat, &k.RT, &k.RW, &k.DesaKode, &terbit, &k.CreatedAt, &k.UpdatedAt)
	k.TanggalTerbit = nullTime(terbit)
	k.CreatedAt, k.UpdatedAt = k.CreatedAt.UTC(), k.UpdatedAt.UTC()
	return k, err
}

func (q *queries) kkArgs(k *store.KartuKeluarga) []any {
	return []any{k.NoKK, k.KepalaNIK, k.Alamat, k.RT, k.RW, k.DesaKode, q.date(k.TanggalTerbit),
		q.ts(k.CreatedAt), q.ts(k.UpdatedAt)}
}

// CreateKK inserts a family card; ErrConflict if the number exists.
func (q *queries) CreateKK(ctx context.Context, k *store.KartuKeluarga) error {
	k.CreatedAt = q.now()
	k.UpdatedAt = k.CreatedAt
	utc(&k.TanggalTerbit)
	_, err := q.exec(ctx, `INSERT INTO kartu_keluarga (`+kkCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, q.kkArgs(k)...)
	if err != nil {
		return fmt.Errorf("insert kartu_keluarga: %w", err)
	}
	return nil
}

// GetKK reads a family card by number.
func (q *queries) GetKK(ctx context.Context, noKK string) (store.KartuKeluarga, error) {
	return q.getKK(ctx, noKK, "")
}

func (q *queries) getKK(ctx context.Context, noKK, lock string) (store.KartuKeluarga, error) {
	k, err := one(q.row(ctx, `SELECT `+kkCols+` FROM kartu_keluarga WHERE no_kk = ?`+lock, noKK), scanKK)
	if err != nil {
		return k, fmt.Errorf("get kartu_keluarga: %w", err)
	}
	return k, nil
}

// UpdateKK applies fn to a family card atomically.
func (q *queries) UpdateKK(ctx context.Context, noKK string, fn func(*store.KartuKeluarga) error) (store.KartuKeluarga, error) {
	var out store.KartuKeluarga
	err := q.atomic(ctx, func(q *queries) error {
		old, err := q.getKK(ctx, noKK, q.s.dialect.ForUpdate)
		if err != nil {
			return err
		}
		k := old
		if err := fn(&k); err != nil {
			return err
		}
		if k.NoKK != old.NoKK {
			return fmt.Errorf("update kartu_keluarga %s: a KK number never changes; issue a new KK", nik.Mask(noKK))
		}
		k.CreatedAt, k.UpdatedAt = old.CreatedAt, q.now()
		utc(&k.TanggalTerbit)
		_, err = q.exec(ctx, `UPDATE kartu_keluarga SET kepala_nik = ?, alamat = ?, rt = ?, rw = ?, desa_kode = ?,
			tanggal_terbit = ?, updated_at = ? WHERE no_kk = ?`,
			k.KepalaNIK, k.Alamat, k.RT, k.RW, k.DesaKode, q.date(k.TanggalTerbit), q.ts(k.UpdatedAt), k.NoKK)
		if err != nil {
			return fmt.Errorf("update kartu_keluarga: %w", err)
		}
		out = k
		return nil
	})
	return out, err
}

// ListAnggotaKK lists a family card's members, the head first, then by
// birth date.
func (q *queries) ListAnggotaKK(ctx context.Context, noKK string) ([]store.Penduduk, error) {
	rows, err := q.query(ctx, `SELECT `+pendudukCols+` FROM penduduk WHERE no_kk = ?
		ORDER BY CASE WHEN hubungan = 'KEPALA KELUARGA' THEN 0 ELSE 1 END, tanggal_lahir, nik`, noKK)
	if err != nil {
		return nil, fmt.Errorf("list anggota kk: %w", err)
	}
	return all(rows, scanPenduduk)
}

// RiwayatKK lists a resident's earlier KK memberships, oldest first.
func (q *queries) RiwayatKK(ctx context.Context, nik string) ([]store.RiwayatKK, error) {
	rows, err := q.query(ctx, `SELECT nik, no_kk, hubungan, sampai FROM riwayat_kk WHERE nik = ? ORDER BY sampai, id`, nik)
	if err != nil {
		return nil, fmt.Errorf("riwayat kk: %w", err)
	}
	return all(rows, func(r rowScanner) (store.RiwayatKK, error) {
		var h store.RiwayatKK
		err := r.Scan(&h.NIK, &h.NoKK, &h.Hubungan, &h.Sampai)
		h.Sampai = h.Sampai.UTC()
		return h, err
	})
}
