package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/ikd-project/ikd/internal/store"
)

// CreateStatusList records a new status list.
func (q *queries) CreateStatusList(ctx context.Context, l *store.StatusList) error {
	l.CreatedAt = q.now()
	res, err := q.exec(ctx, `INSERT INTO status_list (id, bits, size, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, l.ID, l.Bits, l.Size, q.ts(l.CreatedAt))
	return insertedOne(res, err, "insert status_list")
}

// ListStatusLists returns every status list, oldest first.
func (q *queries) ListStatusLists(ctx context.Context) ([]store.StatusList, error) {
	rows, err := q.query(ctx, `SELECT id, bits, size, created_at, version FROM status_list ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list status_list: %w", err)
	}
	return all(rows, func(r rowScanner) (store.StatusList, error) {
		var l store.StatusList
		err := r.Scan(&l.ID, &l.Bits, &l.Size, &l.CreatedAt, &l.Version)
		l.CreatedAt = l.CreatedAt.UTC()
		return l, err
	})
}

// AllocateStatus reserves an index; ErrConflict when it is taken.
func (q *queries) AllocateStatus(ctx context.Context, e *store.StatusEntry) error {
	e.UpdatedAt = q.now()
	res, err := q.exec(ctx, `INSERT INTO status_entry (list_id, idx, status, kredensial_id, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, e.ListID, e.Idx, e.Status, e.KredensialID, q.ts(e.UpdatedAt))
	return insertedOne(res, err, "allocate status index")
}

// insertedOne turns the result of an INSERT ... ON CONFLICT DO NOTHING into
// ErrConflict when no row went in. Callers that expect conflicts (a random
// index already taken) use it instead of a unique violation, which would
// abort the whole transaction on PostgreSQL.
func insertedOne(res sql.Result, err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, store.ErrConflict)
	}
	return nil
}

// SetStatus changes the status of a credential's entry; its list's
// version changes when the transaction commits (see bumpVersions).
func (q *queries) SetStatus(ctx context.Context, kredensialID string, status int) error {
	return q.atomic(ctx, func(q *queries) error {
		var list string
		err := q.row(ctx, `UPDATE status_entry SET status = ?, updated_at = ? WHERE kredensial_id = ? RETURNING list_id`,
			status, q.ts(q.now()), kredensialID).Scan(&list)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("set status of %s: %w", kredensialID, store.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("set status: %w", err)
		}
		if q.touched != nil { // nil in a caller's own transaction (TxQueries), which bumps nothing
			q.touched[list] = true
		}
		return nil
	})
}

// bumpVersions gives each status list whose entries the transaction
// changed a new random version, last before the commit: every instance
// that holds a token of the list sees with one small read that it is out
// of date. Last, so that the lists' rows are locked after everything else
// the transaction locked (the audit head above all), in one order (by
// ID): no lock-order inversion with another transaction. Random, so that
// a database restored to an earlier state never repeats a version with
// other content.
func (q *queries) bumpVersions(ctx context.Context) error {
	for _, id := range slices.Sorted(maps.Keys(q.touched)) {
		if _, err := q.exec(ctx, `UPDATE status_list SET version = ? WHERE id = ?`, rand.Int64N(math.MaxInt64-1)+1, id); err != nil {
			return fmt.Errorf("status list %s: new version: %w", id, err)
		}
	}
	return nil
}

// StatusEntries returns the entries with a non-zero status and the count
// of allocated entries.
func (q *queries) StatusEntries(ctx context.Context, listID string) ([]store.StatusEntry, int, error) {
	var n int
	if err := q.row(ctx, `SELECT count(*) FROM status_entry WHERE list_id = ?`, listID).Scan(&n); err != nil {
		return nil, 0, fmt.Errorf("count status entries: %w", err)
	}
	rows, err := q.query(ctx, `SELECT list_id, idx, status, kredensial_id, updated_at FROM status_entry
		WHERE list_id = ? AND status <> 0 ORDER BY idx`, listID)
	if err != nil {
		return nil, 0, fmt.Errorf("list status entries: %w", err)
	}
	out, err := all(rows, scanStatusEntry)
	return out, n, err
}

func scanStatusEntry(r rowScanner) (store.StatusEntry, error) {
	var e store.StatusEntry
	err := r.Scan(&e.ListID, &e.Idx, &e.Status, &e.KredensialID, &e.UpdatedAt)
	e.UpdatedAt = e.UpdatedAt.UTC()
	return e, err
}

// GetStatusEntry returns one entry by its list and index; ErrNotFound when
// the index is not allocated.
func (q *queries) GetStatusEntry(ctx context.Context, listID string, idx int) (store.StatusEntry, error) {
	e, err := one(q.row(ctx, `SELECT list_id, idx, status, kredensial_id, updated_at FROM status_entry
		WHERE list_id = ? AND idx = ?`, listID, idx), scanStatusEntry)
	if err != nil {
		return store.StatusEntry{}, fmt.Errorf("get status entry %s/%d: %w", listID, idx, err)
	}
	return e, nil
}

const aktivasiCols = `id, nik, kabkota_kode, kantor_kode, petugas, code_hash, tx_code_hash, attempts, state,
	token_hash, token_expires_at, expires_at, created_at, updated_at`

func scanAktivasi(r rowScanner) (store.Aktivasi, error) {
	var a store.Aktivasi
	var token sql.NullString
	var tokenExp sql.NullTime
	err := r.Scan(&a.ID, &a.NIK, &a.KabKotaKode, &a.KantorKode, &a.Petugas, &a.CodeHash, &a.TxCodeHash, &a.Attempts,
		&a.State, &token, &tokenExp, &a.ExpiresAt, &a.CreatedAt, &a.UpdatedAt)
	a.TokenHash, a.TokenExpiresAt = token.String, nullTime(tokenExp)
	a.ExpiresAt, a.CreatedAt, a.UpdatedAt = a.ExpiresAt.UTC(), a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, err
}

// nullString encodes "" as NULL, for unique columns that are often empty.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateAktivasi records a new activation offer.
func (q *queries) CreateAktivasi(ctx context.Context, a *store.Aktivasi) error {
	a.CreatedAt = q.now()
	a.UpdatedAt = a.CreatedAt
	utc(&a.ExpiresAt)
	utc(&a.TokenExpiresAt)
	_, err := q.exec(ctx, `INSERT INTO aktivasi (`+aktivasiCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.NIK, a.KabKotaKode, a.KantorKode, a.Petugas, a.CodeHash, a.TxCodeHash, a.Attempts, string(a.State),
		nullString(a.TokenHash), q.ts(a.TokenExpiresAt), q.ts(a.ExpiresAt), q.ts(a.CreatedAt), q.ts(a.UpdatedAt))
	if err != nil {
		return fmt.Errorf("insert aktivasi: %w", err)
	}
	return nil
}

func (q *queries) getAktivasi(ctx context.Context, col, key, lock string) (store.Aktivasi, error) {
	a, err := one(q.row(ctx, `SELECT `+aktivasiCols+` FROM aktivasi WHERE `+col+` = ?`+lock, key), scanAktivasi)
	if err != nil {
		return a, fmt.Errorf("get aktivasi: %w", err)
	}
	return a, nil
}

// LatestAktivasi reads a resident's newest activation (aktivasi_nik).
func (q *queries) LatestAktivasi(ctx context.Context, nik string) (store.Aktivasi, error) {
	a, err := one(q.row(ctx, `SELECT `+aktivasiCols+` FROM aktivasi WHERE nik = ? ORDER BY created_at DESC, id LIMIT 1`, nik), scanAktivasi)
	if err != nil {
		return a, fmt.Errorf("latest aktivasi: %w", err)
	}
	return a, nil
}

// GetAktivasi reads an activation by id.
func (q *queries) GetAktivasi(ctx context.Context, id string) (store.Aktivasi, error) {
	return q.getAktivasi(ctx, "id", id, "")
}

// GetAktivasiByCode reads an activation by the hash of its pre-authorized code.
func (q *queries) GetAktivasiByCode(ctx context.Context, codeHash string) (store.Aktivasi, error) {
	return q.getAktivasi(ctx, "code_hash", codeHash, "")
}

// GetAktivasiByToken reads an activation by the hash of its access token.
func (q *queries) GetAktivasiByToken(ctx context.Context, tokenHash string) (store.Aktivasi, error) {
	return q.getAktivasi(ctx, "token_hash", tokenHash, "")
}

// UpdateAktivasi applies fn to an activation atomically.
func (q *queries) UpdateAktivasi(ctx context.Context, id string, fn func(*store.Aktivasi) error) (store.Aktivasi, error) {
	var out store.Aktivasi
	err := q.atomic(ctx, func(q *queries) error {
		old, err := q.getAktivasi(ctx, "id", id, q.s.dialect.ForUpdate)
		if err != nil {
			return err
		}
		a := old
		if err := fn(&a); err != nil {
			return err
		}
		if a.ID != old.ID || a.NIK != old.NIK || a.CodeHash != old.CodeHash {
			return fmt.Errorf("update aktivasi %s: id, NIK and code never change", id)
		}
		a.CreatedAt, a.UpdatedAt = old.CreatedAt, q.now()
		utc(&a.ExpiresAt)
		utc(&a.TokenExpiresAt)
		_, err = q.exec(ctx, `UPDATE aktivasi SET tx_code_hash = ?, attempts = ?, state = ?, token_hash = ?,
			token_expires_at = ?, expires_at = ?, updated_at = ? WHERE id = ?`,
			a.TxCodeHash, a.Attempts, string(a.State), nullString(a.TokenHash), q.ts(a.TokenExpiresAt),
			q.ts(a.ExpiresAt), q.ts(a.UpdatedAt), a.ID)
		if err != nil {
			return fmt.Errorf("update aktivasi: %w", err)
		}
		if a.State == store.Selesai && old.State != store.Selesai {
			if err := q.countAktivasi(ctx, a); err != nil {
				return err
			}
		}
		out = a
		return nil
	})
	return out, err
}

const perangkatCols = `id, nik, jkt, aktivasi_id, state, bound_at, released_at`

func scanPerangkat(r rowScanner) (store.Perangkat, error) {
	var p store.Perangkat
	var released sql.NullTime
	err := r.Scan(&p.ID, &p.NIK, &p.JKT, &p.AktivasiID, &p.State, &p.BoundAt, &released)
	p.BoundAt, p.ReleasedAt = p.BoundAt.UTC(), nullTime(released)
	return p, err
}

// BindPerangkat binds an active device; ErrConflict if one is bound.
func (q *queries) BindPerangkat(ctx context.Context, p *store.Perangkat) error {
	p.State = store.PerangkatAktif
	if p.BoundAt.IsZero() {
		p.BoundAt = q.now()
	}
	utc(&p.BoundAt)
	err := q.row(ctx, `INSERT INTO perangkat (nik, jkt, aktivasi_id, state, bound_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		p.NIK, p.JKT, p.AktivasiID, string(p.State), q.ts(p.BoundAt)).Scan(&p.ID)
	if err != nil {
		return fmt.Errorf("bind perangkat: %w", q.s.classify(err))
	}
	return nil
}

// GetPerangkatAktif reads a resident's active device.
func (q *queries) GetPerangkatAktif(ctx context.Context, nik string) (store.Perangkat, error) {
	p, err := one(q.row(ctx, `SELECT `+perangkatCols+` FROM perangkat WHERE nik = ? AND state = 'AKTIF'`, nik), scanPerangkat)
	if err != nil {
		return p, fmt.Errorf("get active perangkat: %w", err)
	}
	return p, nil
}

// GetPerangkatByJKT reads the active device with key thumbprint jkt.
func (q *queries) GetPerangkatByJKT(ctx context.Context, jkt string) (store.Perangkat, error) {
	p, err := one(q.row(ctx, `SELECT `+perangkatCols+` FROM perangkat WHERE jkt = ? AND state = 'AKTIF'`, jkt), scanPerangkat)
	if err != nil {
		return p, fmt.Errorf("get perangkat by key: %w", err)
	}
	return p, nil
}

// WithPerangkatAktif returns those of niks that have an active device.
func (q *queries) WithPerangkatAktif(ctx context.Context, niks []string) ([]string, error) {
	if len(niks) == 0 {
		return nil, nil
	}
	cond, arg := q.s.dialect.InKeys("nik", niks)
	rows, err := q.query(ctx, `SELECT nik FROM perangkat WHERE state = 'AKTIF' AND `+cond+` ORDER BY nik`, arg)
	if err != nil {
		return nil, fmt.Errorf("list active perangkat: %w", err)
	}
	out, err := all(rows, func(r rowScanner) (string, error) {
		var n string
		return n, r.Scan(&n)
	})
	if err != nil {
		return nil, fmt.Errorf("list active perangkat: %w", err)
	}
	return out, nil
}

// ReleasePerangkat releases an active device; ErrNotFound if it is not active.
func (q *queries) ReleasePerangkat(ctx context.Context, id int64, at time.Time) error {
	res, err := q.exec(ctx, `UPDATE perangkat SET state = 'DILEPAS', released_at = ? WHERE id = ? AND state = 'AKTIF'`,
		q.ts(at), id)
	if err != nil {
		return fmt.Errorf("release perangkat: %w", err)
	}
	if err := affected(res); err != nil {
		return fmt.Errorf("release perangkat %d: %w", id, err)
	}
	// A released phone gets nothing more: its waiting credentials go.
	if _, err := q.exec(ctx, `DELETE FROM kredensial_kirim WHERE perangkat_id = ?`, id); err != nil {
		return fmt.Errorf("release perangkat %d: deliveries: %w", id, err)
	}
	return nil
}

const kredensialCols = `id, nik, format, profil, kid, perangkat_id, status_list_id, status_idx, state, tbs,
	issued_at, expires_at, created_at, updated_at`

// kredensialRead is what a read of kredensial selects: kredensialCols
// and when a re-issue superseded the credential.
const kredensialRead = kredensialCols + `, diganti_pada`

func scanKredensial(r rowScanner) (store.Kredensial, error) {
	var k store.Kredensial
	var superseded sql.NullTime
	err := r.Scan(&k.ID, &k.NIK, &k.Format, &k.Profil, &k.Kid, &k.PerangkatID, &k.StatusListID, &k.StatusIdx, &k.State,
		&k.TBS, &k.IssuedAt, &k.ExpiresAt, &k.CreatedAt, &k.UpdatedAt, &superseded)
	k.IssuedAt, k.ExpiresAt, k.CreatedAt, k.UpdatedAt = k.IssuedAt.UTC(), k.ExpiresAt.UTC(), k.CreatedAt.UTC(), k.UpdatedAt.UTC()
	k.DigantiPada = nullTime(superseded)
	return k, err
}

// CreateKredensial records a prepared credential before it is signed.
func (q *queries) CreateKredensial(ctx context.Context, k *store.Kredensial) error {
	k.CreatedAt = q.now()
	k.UpdatedAt = k.CreatedAt
	utc(&k.IssuedAt)
	utc(&k.ExpiresAt)
	_, err := q.exec(ctx, `INSERT INTO kredensial (`+kredensialCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.NIK, k.Format, k.Profil, k.Kid, k.PerangkatID, k.StatusListID, k.StatusIdx, string(k.State), k.TBS,
		q.ts(k.IssuedAt), q.ts(k.ExpiresAt), q.ts(k.CreatedAt), q.ts(k.UpdatedAt))
	if err != nil {
		return fmt.Errorf("insert kredensial: %w", err)
	}
	return nil
}

// GetKredensial reads a credential by id.
func (q *queries) GetKredensial(ctx context.Context, id string) (store.Kredensial, error) {
	k, err := one(q.row(ctx, `SELECT `+kredensialRead+` FROM kredensial WHERE id = ?`, id), scanKredensial)
	if err != nil {
		return k, fmt.Errorf("get kredensial: %w", err)
	}
	return k, nil
}

// SetKredensialState moves a credential to a new state.
func (q *queries) SetKredensialState(ctx context.Context, id string, state store.StateKredensial) error {
	res, err := q.exec(ctx, `UPDATE kredensial SET state = ?, updated_at = ? WHERE id = ?`, string(state), q.ts(q.now()), id)
	if err != nil {
		return fmt.Errorf("set kredensial state: %w", err)
	}
	if err := affected(res); err != nil {
		return fmt.Errorf("set kredensial %s state: %w", id, err)
	}
	return nil
}

// SupersedeKredensial marks a credential superseded by a re-issue at at.
func (q *queries) SupersedeKredensial(ctx context.Context, id string, at time.Time) error {
	res, err := q.exec(ctx, `UPDATE kredensial SET diganti_pada = ?, updated_at = ? WHERE id = ? AND diganti_pada IS NULL`,
		q.ts(at), q.ts(q.now()), id)
	if err != nil {
		return fmt.Errorf("supersede kredensial: %w", err)
	}
	if err := affected(res); err != nil {
		return fmt.Errorf("supersede kredensial %s: %w", id, err)
	}
	return nil
}

// PutKiriman keeps a re-issued credential for its device's wallet,
// replacing the one of the same configuration.
func (q *queries) PutKiriman(ctx context.Context, k store.Kiriman) error {
	_, err := q.exec(ctx, `INSERT INTO kredensial_kirim (perangkat_id, konfigurasi, kredensial_id, isi, dibuat_pada) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (perangkat_id, konfigurasi) DO UPDATE SET kredensial_id = excluded.kredensial_id, isi = excluded.isi, dibuat_pada = excluded.dibuat_pada`,
		k.PerangkatID, k.Konfigurasi, k.KredensialID, k.Isi, q.ts(q.now()))
	if err != nil {
		return fmt.Errorf("put kredensial_kirim: %w", err)
	}
	return nil
}

// ListKiriman lists the re-issued credentials waiting for a device's
// wallet, by configuration.
func (q *queries) ListKiriman(ctx context.Context, perangkatID int64) ([]store.Kiriman, error) {
	rows, err := q.query(ctx, `SELECT perangkat_id, konfigurasi, kredensial_id, isi, dibuat_pada FROM kredensial_kirim
		WHERE perangkat_id = ? ORDER BY konfigurasi`, perangkatID)
	if err != nil {
		return nil, fmt.Errorf("list kredensial_kirim: %w", err)
	}
	return all(rows, func(r rowScanner) (store.Kiriman, error) {
		var k store.Kiriman
		err := r.Scan(&k.PerangkatID, &k.Konfigurasi, &k.KredensialID, &k.Isi, &k.DibuatPada)
		k.DibuatPada = k.DibuatPada.UTC()
		return k, err
	})
}

// QueueReissue queues a resident for a re-issue of their credentials;
// one already queued stays as it is.
func (q *queries) QueueReissue(ctx context.Context, nik, alasan string) error {
	_, err := q.exec(ctx, `INSERT INTO terbit_ulang (nik, alasan, dibuat_pada) VALUES (?, ?, ?) ON CONFLICT (nik) DO NOTHING`,
		nik, alasan, q.ts(q.now()))
	if err != nil {
		return fmt.Errorf("queue re-issue: %w", err)
	}
	return nil
}

// ListReissue lists up to limit queued residents whose NIK follows
// after, in NIK order.
func (q *queries) ListReissue(ctx context.Context, after string, limit int) ([]string, error) {
	rows, err := q.query(ctx, `SELECT nik FROM terbit_ulang WHERE nik > ? ORDER BY nik LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("list re-issue queue: %w", err)
	}
	return all(rows, func(r rowScanner) (string, error) {
		var n string
		return n, r.Scan(&n)
	})
}

// TakeReissue removes a resident from the queue and returns why they were
// queued; ErrNotFound when they are not (taken by another instance).
func (q *queries) TakeReissue(ctx context.Context, nik string) (string, error) {
	alasan, err := one(q.row(ctx, `DELETE FROM terbit_ulang WHERE nik = ? RETURNING alasan`, nik), func(r rowScanner) (string, error) {
		var a string
		return a, r.Scan(&a)
	})
	if err != nil {
		return "", fmt.Errorf("take re-issue: %w", err)
	}
	return alasan, nil
}

// ListKredensialPerangkat lists the credentials issued to a device.
func (q *queries) ListKredensialPerangkat(ctx context.Context, perangkatID int64) ([]store.Kredensial, error) {
	rows, err := q.query(ctx, `SELECT `+kredensialRead+` FROM kredensial WHERE perangkat_id = ? ORDER BY created_at, id`, perangkatID)
	if err != nil {
		return nil, fmt.Errorf("list kredensial: %w", err)
	}
	return all(rows, scanKredensial)
}

// CreateNonce records a single-use nonce.
func (q *queries) CreateNonce(ctx context.Context, hash string, expires time.Time) error {
	if _, err := q.exec(ctx, `INSERT INTO nonce (hash, expires_at) VALUES (?, ?)`, hash, q.ts(expires)); err != nil {
		return fmt.Errorf("insert nonce: %w", err)
	}
	return nil
}

// ConsumeNonce deletes a nonce that is still valid at now; ErrNotFound
// otherwise. Expired nonces are swept on the way.
func (q *queries) ConsumeNonce(ctx context.Context, hash string, now time.Time) error {
	res, err := q.exec(ctx, `DELETE FROM nonce WHERE hash = ? AND expires_at > ?`, hash, q.ts(now))
	if err != nil {
		return fmt.Errorf("consume nonce: %w", err)
	}
	if err := affected(res); err != nil {
		return fmt.Errorf("consume nonce: %w", err)
	}
	if _, err := q.exec(ctx, `DELETE FROM nonce WHERE expires_at <= ?`, q.ts(now)); err != nil {
		return fmt.Errorf("sweep nonces: %w", err)
	}
	return nil
}
