package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	nikpkg "github.com/ikd-project/ikd/internal/nik"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// pendudukCols lists the penduduk columns in the order scanPenduduk reads
// them and pendudukArgs writes them.
const pendudukCols = `nik, no_kk, hubungan, nama, tempat_lahir, tanggal_lahir, jenis_kelamin,
	golongan_darah, agama, status_kawin, pekerjaan, kewarganegaraan, alamat, rt, rw, desa_kode,
	email, telepon, status_nik, tanggal_perekaman, created_at, updated_at`

func scanPenduduk(r rowScanner) (store.Penduduk, error) {
	var p store.Penduduk
	var rekam sql.NullTime
	err := r.Scan(&p.NIK, &p.NoKK, &p.Hubungan, &p.Nama, &p.TempatLahir, &p.TanggalLahir, &p.JenisKelamin,
		&p.GolonganDarah, &p.Agama, &p.StatusKawin, &p.Pekerjaan, &p.Kewarganegaraan, &p.Alamat, &p.RT, &p.RW,
		&p.DesaKode, &p.Email, &p.Telepon, &p.StatusNIK, &rekam, &p.CreatedAt, &p.UpdatedAt)
	p.TanggalLahir = p.TanggalLahir.UTC()
	p.TanggalPerekaman = nullTime(rekam)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, err
}

func (q *queries) pendudukArgs(p *store.Penduduk) []any {
	return []any{p.NIK, p.NoKK, string(p.Hubungan), p.Nama, p.TempatLahir, q.date(p.TanggalLahir),
		string(p.JenisKelamin), p.GolonganDarah, p.Agama, string(p.StatusKawin), p.Pekerjaan, p.Kewarganegaraan,
		p.Alamat, p.RT, p.RW, p.DesaKode, p.Email, p.Telepon, string(p.StatusNIK), q.date(p.TanggalPerekaman),
		q.ts(p.CreatedAt), q.ts(p.UpdatedAt)}
}

// CreatePenduduk inserts a resident; ErrConflict if the NIK exists,
// ErrMissingReference if the KK does not.
func (q *queries) CreatePenduduk(ctx context.Context, p *store.Penduduk) error {
	p.CreatedAt = q.now()
	p.UpdatedAt = p.CreatedAt
	utc(&p.TanggalLahir)
	utc(&p.TanggalPerekaman)
	_, err := q.exec(ctx, `INSERT INTO penduduk (`+pendudukCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, q.pendudukArgs(p)...)
	if err != nil {
		return fmt.Errorf("insert penduduk: %w", err)
	}
	return nil
}

// GetPenduduk reads one resident by NIK.
func (q *queries) GetPenduduk(ctx context.Context, nik string) (store.Penduduk, error) {
	return q.getPenduduk(ctx, nik, "")
}

func (q *queries) getPenduduk(ctx context.Context, nik, lock string) (store.Penduduk, error) {
	p, err := one(q.row(ctx, `SELECT `+pendudukCols+` FROM penduduk WHERE nik = ?`+lock, nik), scanPenduduk)
	if err != nil {
		return p, fmt.Errorf("get penduduk: %w", err)
	}
	return p, nil
}

// UpdatePenduduk applies fn to a resident atomically.
func (q *queries) UpdatePenduduk(ctx context.Context, nik string, fn func(*store.Penduduk) error) (store.Penduduk, error) {
	var out store.Penduduk
	err := q.atomic(ctx, func(q *queries) error {
		old, err := q.getPenduduk(ctx, nik, q.s.dialect.ForUpdate)
		if err != nil {
			return err
		}
		p := old
		if err := fn(&p); err != nil {
			return err
		}
		if p.NIK != old.NIK {
			return fmt.Errorf("update penduduk %s: the NIK never changes", nikpkg.Mask(nik))
		}
		p.CreatedAt = old.CreatedAt
		p.UpdatedAt = q.now()
		utc(&p.TanggalLahir)
		utc(&p.TanggalPerekaman)
		// A change of NoKK goes to riwayat_kk through a trigger.
		args := q.pendudukArgs(&p)
		_, err = q.exec(ctx, `UPDATE penduduk SET no_kk = ?, hubungan = ?, nama = ?, tempat_lahir = ?,
			tanggal_lahir = ?, jenis_kelamin = ?, golongan_darah = ?, agama = ?, status_kawin = ?, pekerjaan = ?,
			kewarganegaraan = ?, alamat = ?, rt = ?, rw = ?, desa_kode = ?, email = ?, telepon = ?, status_nik = ?,
			tanggal_perekaman = ?, updated_at = ? WHERE nik = ?`, append(args[1:20], args[21], p.NIK)...)
		if err != nil {
			return fmt.Errorf("update penduduk: %w", err)
		}
		out = p
		return nil
	})
	return out, err
}

// maxPage is the most residents one ListPenduduk call returns.
const maxPage = 1000

// ListPenduduk pages through residents in NIK order.
func (q *queries) ListPenduduk(ctx context.Context, f store.PendudukFilter) ([]store.Penduduk, error) {
	where, args := "nik > ?", []any{f.AfterNIK}
	if f.WilayahKode != "" {
		// A region's desa codes all start with its code and a dot; '/' sorts
		// right after '.', which keeps this a range scan on the index.
		where += " AND desa_kode >= ? AND desa_kode < ?"
		args = append(args, f.WilayahKode+".", f.WilayahKode+"/")
		if wilayah.Level(f.WilayahKode) == wilayah.Desa {
			where = "nik > ? AND desa_kode = ?"
			args = []any{f.AfterNIK, f.WilayahKode}
		}
	}
	if f.NoKK != "" {
		where += " AND no_kk = ?"
		args = append(args, f.NoKK)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, maxPage)
	rows, err := q.query(ctx, `SELECT `+pendudukCols+` FROM penduduk WHERE `+where+
		` ORDER BY nik LIMIT `+fmt.Sprint(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("list penduduk: %w", err)
	}
	return all(rows, scanPenduduk)
}

// StatistikWilayah counts residents per kab/kota. The wajib KTP rule here
// (aged 17 or more, or ever married) is the one penduduk.WajibKTP applies to
// a single resident; the conformance suite checks they agree.
func (q *queries) StatistikWilayah(ctx context.Context, asOf time.Time) ([]store.StatistikWilayah, error) {
	born := asOf.UTC().AddDate(-17, 0, 0)
	rows, err := q.query(ctx, `SELECT substr(desa_kode, 1, 5), count(*),
		sum(CASE WHEN tanggal_lahir <= ? OR status_kawin <> 'BELUM KAWIN' THEN 1 ELSE 0 END),
		sum(CASE WHEN (tanggal_lahir <= ? OR status_kawin <> 'BELUM KAWIN') AND tanggal_perekaman IS NOT NULL
			THEN 1 ELSE 0 END)
		FROM penduduk WHERE status_nik <> 'MATI' GROUP BY substr(desa_kode, 1, 5) ORDER BY 1`,
		q.date(born), q.date(born))
	if err != nil {
		return nil, fmt.Errorf("statistik wilayah: %w", err)
	}
	return all(rows, func(r rowScanner) (store.StatistikWilayah, error) {
		var s store.StatistikWilayah
		err := r.Scan(&s.KabKotaKode, &s.Penduduk, &s.WajibKTP, &s.Terekam)
		return s, err
	})
}

// SetPortrait stores or replaces a resident's photo.
func (q *queries) SetPortrait(ctx context.Context, nik string, p store.Portrait) error {
	_, err := q.exec(ctx, `INSERT INTO portrait (nik, content_type, data) VALUES (?, ?, ?)
		ON CONFLICT (nik) DO UPDATE SET content_type = excluded.content_type, data = excluded.data`,
		nik, p.ContentType, p.Data)
	if err != nil {
		return fmt.Errorf("set portrait: %w", err)
	}
	return nil
}

// GetPortrait reads a resident's photo.
func (q *queries) GetPortrait(ctx context.Context, nik string) (store.Portrait, error) {
	p, err := one(q.row(ctx, `SELECT content_type, data FROM portrait WHERE nik = ?`, nik),
		func(r rowScanner) (store.Portrait, error) {
			var p store.Portrait
			err := r.Scan(&p.ContentType, &p.Data)
			return p, err
		})
	if err != nil {
		return p, fmt.Errorf("get portrait: %w", err)
	}
	return p, nil
}

// CariPenduduk finds residents by name prefix within an area. The prefix
// is a bytewise range on the name index, the area a range of desa codes
// checked in the same index.
func (q *queries) CariPenduduk(ctx context.Context, f store.CariFilter) ([]store.Penduduk, error) {
	if f.NamaPrefix == "" || f.WilayahKode == "" {
		return nil, fmt.Errorf("cari penduduk: a name prefix and an area are required")
	}
	b := q.s.dialect.Bytewise
	where := "nama" + b + " >= ?" + b + " AND nama" + b + " < ?" + b
	args := []any{f.NamaPrefix, prefixEnd(f.NamaPrefix)}
	if wilayah.Level(f.WilayahKode) == wilayah.Desa {
		where += " AND desa_kode = ?"
		args = append(args, f.WilayahKode)
	} else {
		where += " AND desa_kode" + b + " >= ?" + b + " AND desa_kode" + b + " < ?" + b
		args = append(args, f.WilayahKode+".", f.WilayahKode+"/")
	}
	if !f.TanggalLahir.IsZero() {
		where += " AND tanggal_lahir = ?"
		args = append(args, q.s.dialect.Date(f.TanggalLahir))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 100)
	rows, err := q.query(ctx, `SELECT `+pendudukCols+` FROM penduduk WHERE `+where+
		` ORDER BY nama`+b+`, nik LIMIT `+fmt.Sprint(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("cari penduduk: %w", err)
	}
	return all(rows, scanPenduduk)
}

// prefixEnd is a string above every string starting with p and below
// the next prefix, bytewise: p with its last character raised by one (in
// UTF-8 a higher code point encodes to higher bytes), so it stays valid
// UTF-8 for PostgreSQL.
func prefixEnd(p string) string {
	r := []rune(p)
	last := r[len(r)-1] + 1
	if last >= 0xD800 && last <= 0xDFFF {
		last = 0xE000
	}
	r[len(r)-1] = last
	return string(r)
}
