package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// childCodeLen is the length of a code one level below each level.
var childCodeLen = map[wilayah.Tingkat]int{wilayah.Provinsi: len("17.01"), wilayah.KabKota: len("17.01.01"),
	wilayah.Kecamatan: len("17.01.01.2001")}

// areaRows is a subquery of the columns cols of table's rows of area
// induk and of its direct children, with its arguments. The children are
// the codes of the next level's length in the range induk+"." to
// induk+"/" ('/' follows '.'): the index on (length(wilayah_kode),
// wilayah_kode) of migration 00015 reads them and nothing deeper (without
// it the province's range is every row of every level).
func areaRows(table, cols, induk string) (string, []any, error) {
	l := wilayah.Level(induk)
	if l == 0 {
		return "", nil, fmt.Errorf("%q is not an area code", induk)
	}
	own := "SELECT " + cols + " FROM " + table + " WHERE wilayah_kode = ?"
	n, ok := childCodeLen[l]
	if !ok {
		return "(" + own + ")", []any{induk}, nil
	}
	return "(" + own + " UNION ALL SELECT " + cols + " FROM " + table +
			" WHERE length(wilayah_kode) = ? AND wilayah_kode >= ? AND wilayah_kode < ?)",
		[]any{induk, n, induk + ".", induk + "/"}, nil
}

// StatistikPenduduk reads the resident counts of an area and its children.
func (q *queries) StatistikPenduduk(ctx context.Context, induk string) ([]store.StatPenduduk, error) {
	from, args, err := areaRows("statistik_penduduk", "wilayah_kode, lahir, penduduk, kawin, rekam, rekam_kawin", induk)
	if err != nil {
		return nil, fmt.Errorf("statistik penduduk: %w", err)
	}
	rows, err := q.query(ctx, `SELECT wilayah_kode, lahir, penduduk, kawin, rekam, rekam_kawin
		FROM `+from+` s ORDER BY wilayah_kode, lahir`, args...)
	if err != nil {
		return nil, fmt.Errorf("statistik penduduk %s: %w", induk, err)
	}
	return all(rows, func(r rowScanner) (store.StatPenduduk, error) {
		var s store.StatPenduduk
		err := r.Scan(&s.Kode, &s.Lahir, &s.Penduduk, &s.Kawin, &s.Rekam, &s.RekamKawin)
		return s, err
	})
}

// StatistikAktivasi reads the activations of an area and its children.
func (q *queries) StatistikAktivasi(ctx context.Context, induk string, since, until time.Time) ([]store.StatAktivasi, error) {
	from, args, err := areaRows("statistik_aktivasi", "wilayah_kode, minggu, jumlah", induk)
	if err != nil {
		return nil, fmt.Errorf("statistik aktivasi: %w", err)
	}
	return q.sumAktivasi(ctx, `SELECT wilayah_kode, sum(jumlah), sum(CASE WHEN minggu >= ? AND minggu < ? THEN jumlah ELSE 0 END)
		FROM `+from+` s GROUP BY wilayah_kode ORDER BY wilayah_kode`,
		append([]any{q.date(since), q.date(until)}, args...)...)
}

// StatistikAktivasiKantor reads the activations per office.
func (q *queries) StatistikAktivasiKantor(ctx context.Context, since, until time.Time) ([]store.StatAktivasi, error) {
	return q.sumAktivasi(ctx, `SELECT kantor_kode, sum(jumlah), sum(CASE WHEN minggu >= ? AND minggu < ? THEN jumlah ELSE 0 END)
		FROM statistik_aktivasi_kantor GROUP BY kantor_kode ORDER BY kantor_kode`, q.date(since), q.date(until))
}

func (q *queries) sumAktivasi(ctx context.Context, query string, args ...any) ([]store.StatAktivasi, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("statistik aktivasi: %w", err)
	}
	return all(rows, func(r rowScanner) (store.StatAktivasi, error) {
		var s store.StatAktivasi
		err := r.Scan(&s.Kode, &s.Total, &s.Recent)
		return s, err
	})
}

// AktivasiMingguan reads an area's weekly activations.
func (q *queries) AktivasiMingguan(ctx context.Context, kode string, since time.Time) ([]store.StatMinggu, error) {
	rows, err := q.query(ctx, `SELECT minggu, jumlah FROM statistik_aktivasi WHERE wilayah_kode = ? AND minggu >= ?
		ORDER BY minggu`, kode, q.date(since))
	if err != nil {
		return nil, fmt.Errorf("aktivasi mingguan %s: %w", kode, err)
	}
	return all(rows, func(r rowScanner) (store.StatMinggu, error) {
		var s store.StatMinggu
		err := r.Scan(&s.Minggu, &s.Jumlah)
		s.Minggu = s.Minggu.UTC()
		return s, err
	})
}

// countAktivasi adds a finished activation to the weekly aggregates of
// the resident's desa, kecamatan, kab/kota and province (in key order, so
// that concurrent activations lock the shared rows in the same order) and
// of the office that did it, in the caller's transaction.
func (q *queries) countAktivasi(ctx context.Context, a store.Aktivasi) error {
	var desa string
	if err := q.row(ctx, `SELECT desa_kode FROM penduduk WHERE nik = ?`, a.NIK).Scan(&desa); err != nil {
		return fmt.Errorf("count activation: %w", err)
	}
	minggu := q.date(store.Minggu(a.UpdatedAt))
	for _, t := range []wilayah.Tingkat{wilayah.Provinsi, wilayah.KabKota, wilayah.Kecamatan, wilayah.Desa} {
		if _, err := q.exec(ctx, `INSERT INTO statistik_aktivasi (wilayah_kode, minggu, jumlah) VALUES (?, ?, 1)
			ON CONFLICT (wilayah_kode, minggu) DO UPDATE SET jumlah = statistik_aktivasi.jumlah + 1`,
			wilayah.Ancestor(desa, t), minggu); err != nil {
			return fmt.Errorf("count activation: %w", err)
		}
	}
	if _, err := q.exec(ctx, `INSERT INTO statistik_aktivasi_kantor (kantor_kode, minggu, jumlah) VALUES (?, ?, 1)
		ON CONFLICT (kantor_kode, minggu) DO UPDATE SET jumlah = statistik_aktivasi_kantor.jumlah + 1`,
		a.KantorKode, minggu); err != nil {
		return fmt.Errorf("count activation: %w", err)
	}
	return nil
}

// ListTarget returns the targets set for a year, in code order.
func (q *queries) ListTarget(ctx context.Context, tahun int) ([]store.Target, error) {
	rows, err := q.query(ctx, `SELECT tahun, wilayah_kode, persen, sumber, petugas, diubah_pada FROM target_wilayah
		WHERE tahun = ? ORDER BY wilayah_kode`, tahun)
	if err != nil {
		return nil, fmt.Errorf("list target: %w", err)
	}
	return all(rows, func(r rowScanner) (store.Target, error) {
		var t store.Target
		err := r.Scan(&t.Tahun, &t.WilayahKode, &t.Persen, &t.Sumber, &t.Petugas, &t.DiubahPada)
		t.DiubahPada = t.DiubahPada.UTC()
		return t, err
	})
}

// SetTarget sets (or replaces) an area's target for a year.
func (q *queries) SetTarget(ctx context.Context, t *store.Target) error {
	t.DiubahPada = q.now()
	_, err := q.exec(ctx, `INSERT INTO target_wilayah (tahun, wilayah_kode, persen, sumber, petugas, diubah_pada) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (tahun, wilayah_kode) DO UPDATE SET persen = excluded.persen, sumber = excluded.sumber,
		petugas = excluded.petugas, diubah_pada = excluded.diubah_pada`,
		t.Tahun, t.WilayahKode, t.Persen, t.Sumber, t.Petugas, q.ts(t.DiubahPada))
	if err != nil {
		return fmt.Errorf("set target: %w", err)
	}
	return nil
}

// DeleteTarget removes an area's target for a year.
func (q *queries) DeleteTarget(ctx context.Context, tahun int, kode string) error {
	res, err := q.exec(ctx, `DELETE FROM target_wilayah WHERE tahun = ? AND wilayah_kode = ?`, tahun, kode)
	if err != nil {
		return fmt.Errorf("delete target: %w", err)
	}
	if err := affected(res); err != nil {
		return fmt.Errorf("delete target %d %s: %w", tahun, kode, err)
	}
	return nil
}
