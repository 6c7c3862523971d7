package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ikd-project/ikd/internal/store"
)

const petugasCols = `username, nama, kantor_kode, token_hash, state, created_at,
	peran, password_hash, totp_secret, totp_wajib, totp_step, setup_hash, setup_expires_at, gagal, terkunci_sampai`

func scanPetugas(r rowScanner) (store.Petugas, error) {
	var p store.Petugas
	var setupExp, locked sql.NullTime
	err := r.Scan(&p.Username, &p.Nama, &p.KantorKode, &p.TokenHash, &p.State, &p.CreatedAt,
		&p.Peran, &p.PasswordHash, &p.TOTPSecret, &p.TOTPWajib, &p.TOTPStep, &p.SetupHash, &setupExp, &p.Gagal, &locked)
	p.CreatedAt = p.CreatedAt.UTC()
	p.SetupExpiresAt, p.TerkunciSampai = nullTime(setupExp), nullTime(locked)
	return p, err
}

// CreatePetugas inserts an officer; ErrConflict on a taken username or
// token hash, ErrMissingReference on an unknown office.
func (q *queries) CreatePetugas(ctx context.Context, p *store.Petugas) error {
	p.CreatedAt = q.now()
	if p.State == "" {
		p.State = store.PetugasAktif
	}
	if p.Peran == "" {
		p.Peran = store.PeranOperator
	}
	utc(&p.SetupExpiresAt)
	utc(&p.TerkunciSampai)
	_, err := q.exec(ctx, `INSERT INTO petugas (`+petugasCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.Username, p.Nama, p.KantorKode, p.TokenHash, string(p.State), q.ts(p.CreatedAt),
		string(p.Peran), p.PasswordHash, p.TOTPSecret, p.TOTPWajib, p.TOTPStep, p.SetupHash, q.ts(p.SetupExpiresAt), p.Gagal, q.ts(p.TerkunciSampai))
	if err != nil {
		return fmt.Errorf("insert petugas: %w", err)
	}
	return nil
}

// GetPetugasByTokenHash reads an officer by their token hash.
func (q *queries) GetPetugasByTokenHash(ctx context.Context, tokenHash string) (store.Petugas, error) {
	p, err := one(q.row(ctx, `SELECT `+petugasCols+` FROM petugas WHERE token_hash = ?`, tokenHash), scanPetugas)
	if err != nil {
		return p, fmt.Errorf("get petugas: %w", err)
	}
	return p, nil
}

// ListPetugas lists officers, oldest first.
func (q *queries) ListPetugas(ctx context.Context) ([]store.Petugas, error) {
	rows, err := q.query(ctx, `SELECT `+petugasCols+` FROM petugas ORDER BY created_at, username`)
	if err != nil {
		return nil, fmt.Errorf("list petugas: %w", err)
	}
	return all(rows, scanPetugas)
}

// SetPetugasState changes an officer's state.
func (q *queries) SetPetugasState(ctx context.Context, username string, state store.StatePetugas) error {
	res, err := q.exec(ctx, `UPDATE petugas SET state = ? WHERE username = ?`, string(state), username)
	if err != nil {
		return fmt.Errorf("set petugas state: %w", err)
	}
	if err := affected(res); err != nil {
		return fmt.Errorf("set petugas %s state: %w", username, err)
	}
	return nil
}

// GetPetugas reads an officer by username.
func (q *queries) GetPetugas(ctx context.Context, username string) (store.Petugas, error) {
	return q.getPetugas(ctx, username, "")
}

func (q *queries) getPetugas(ctx context.Context, username, forUpdate string) (store.Petugas, error) {
	p, err := one(q.row(ctx, `SELECT `+petugasCols+` FROM petugas WHERE username = ?`+forUpdate, username), scanPetugas)
	if err != nil {
		return p, fmt.Errorf("get petugas: %w", err)
	}
	return p, nil
}

// UpdatePetugas applies fn to an officer atomically.
func (q *queries) UpdatePetugas(ctx context.Context, username string, fn func(*store.Petugas) error) (store.Petugas, error) {
	var out store.Petugas
	err := q.atomic(ctx, func(q *queries) error {
		old, err := q.getPetugas(ctx, username, q.s.dialect.ForUpdate)
		if err != nil {
			return err
		}
		p := old
		if err := fn(&p); err != nil {
			return err
		}
		if p.Username != old.Username || p.TokenHash != old.TokenHash || !p.CreatedAt.Equal(old.CreatedAt) {
			return fmt.Errorf("update petugas %s: username, token and creation never change", username)
		}
		utc(&p.SetupExpiresAt)
		utc(&p.TerkunciSampai)
		_, err = q.exec(ctx, `UPDATE petugas SET nama = ?, kantor_kode = ?, state = ?, peran = ?, password_hash = ?,
			totp_secret = ?, totp_wajib = ?, totp_step = ?, setup_hash = ?, setup_expires_at = ?, gagal = ?, terkunci_sampai = ?
			WHERE username = ?`,
			p.Nama, p.KantorKode, string(p.State), string(p.Peran), p.PasswordHash, p.TOTPSecret, p.TOTPWajib, p.TOTPStep,
			p.SetupHash, q.ts(p.SetupExpiresAt), p.Gagal, q.ts(p.TerkunciSampai), username)
		if err != nil {
			return fmt.Errorf("update petugas: %w", err)
		}
		out = p
		return nil
	})
	return out, err
}

const sesiCols = `id_hash, username, csrf, created_at, last_seen_at, expires_at`

func scanSesi(r rowScanner) (store.Sesi, error) {
	var s store.Sesi
	err := r.Scan(&s.IDHash, &s.Username, &s.CSRF, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt)
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = s.CreatedAt.UTC(), s.LastSeenAt.UTC(), s.ExpiresAt.UTC()
	return s, err
}

// CreateSesi records a session, created and last seen now.
func (q *queries) CreateSesi(ctx context.Context, s *store.Sesi) error {
	s.CreatedAt = q.now()
	s.LastSeenAt = s.CreatedAt
	utc(&s.ExpiresAt)
	_, err := q.exec(ctx, `INSERT INTO sesi (`+sesiCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		s.IDHash, s.Username, s.CSRF, q.ts(s.CreatedAt), q.ts(s.LastSeenAt), q.ts(s.ExpiresAt))
	if err != nil {
		return fmt.Errorf("insert sesi: %w", err)
	}
	return nil
}

// GetSesi reads a session by its id hash.
func (q *queries) GetSesi(ctx context.Context, idHash string) (store.Sesi, error) {
	s, err := one(q.row(ctx, `SELECT `+sesiCols+` FROM sesi WHERE id_hash = ?`, idHash), scanSesi)
	if err != nil {
		return s, fmt.Errorf("get sesi: %w", err)
	}
	return s, nil
}

// TouchSesi records a session's last use.
func (q *queries) TouchSesi(ctx context.Context, idHash string, at time.Time) error {
	utc(&at)
	if _, err := q.exec(ctx, `UPDATE sesi SET last_seen_at = ? WHERE id_hash = ?`, q.ts(at), idHash); err != nil {
		return fmt.Errorf("touch sesi: %w", err)
	}
	return nil
}

// DeleteSesi ends a session.
func (q *queries) DeleteSesi(ctx context.Context, idHash string) error {
	if _, err := q.exec(ctx, `DELETE FROM sesi WHERE id_hash = ?`, idHash); err != nil {
		return fmt.Errorf("delete sesi: %w", err)
	}
	return nil
}

// DeleteSesiPetugas ends an officer's sessions.
func (q *queries) DeleteSesiPetugas(ctx context.Context, username string) (int, error) {
	res, err := q.exec(ctx, `DELETE FROM sesi WHERE username = ?`, username)
	if err != nil {
		return 0, fmt.Errorf("delete sesi of %s: %w", username, err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}
