package petugas

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/store"
)

// Session limits.
const (
	IdleTimeout     = 30 * time.Minute // a session unused this long ends
	SessionLifetime = 12 * time.Hour   // a session ends this long after login, used or not
	// touchEvery spares a write per request: the last use is recorded
	// when it is older than this.
	touchEvery = time.Minute
)

// Audit actions of sessions.
const (
	ActionMasuk  = "petugas.masuk"  // login: a session started
	ActionKeluar = "petugas.keluar" // logout
)

// ErrNoSession means the session is unknown, ended, idle too long or past
// its lifetime, or its officer was deactivated: sign in again.
var ErrNoSession = errs.New(errs.Unauthenticated, "sesi berakhir; silakan masuk lagi", "the session has ended; please sign in again")

// secret returns 256 random bits, URL-safe base64.
func secret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// StartSession starts a console session for an officer who has just
// logged in and returns the session id for the cookie (never stored) and
// the session. Every login gets a new id: no id chosen before login is
// ever accepted.
func (s *Service) StartSession(ctx context.Context, p store.Petugas, addr string) (string, store.Sesi, error) {
	id := secret()
	se := store.Sesi{IDHash: hashID(id), Username: p.Username, CSRF: secret(), ExpiresAt: s.now().Add(SessionLifetime)}
	err := s.Store.InTx(ctx, func(tx store.Tx) error {
		if err := tx.CreateSesi(ctx, &se); err != nil {
			return err
		}
		_, err := s.Audit.Record(ctx, tx, audit.Entry{Actor: p.Username, Kantor: p.KantorKode, Action: ActionMasuk,
			Purpose: "masuk konsol petugas", Detail: map[string]any{"alamat": addr}})
		return err
	})
	if err != nil {
		return "", store.Sesi{}, err
	}
	return id, se, nil
}

// Session returns the officer and session of a session id, or
// ErrNoSession; an ended session is removed.
func (s *Service) Session(ctx context.Context, id string) (store.Petugas, store.Sesi, error) {
	if id == "" {
		return store.Petugas{}, store.Sesi{}, ErrNoSession
	}
	now := s.now()
	se, err := s.Store.GetSesi(ctx, hashID(id))
	if store.IsNotFound(err) {
		return store.Petugas{}, store.Sesi{}, ErrNoSession
	}
	if err != nil {
		return store.Petugas{}, store.Sesi{}, err
	}
	if !now.Before(se.ExpiresAt) || now.Sub(se.LastSeenAt) >= IdleTimeout {
		return store.Petugas{}, store.Sesi{}, s.end(ctx, se.IDHash)
	}
	p, err := s.Store.GetPetugas(ctx, se.Username)
	if err != nil {
		return store.Petugas{}, store.Sesi{}, err
	}
	if p.State != store.PetugasAktif {
		return store.Petugas{}, store.Sesi{}, s.end(ctx, se.IDHash)
	}
	if now.Sub(se.LastSeenAt) >= touchEvery {
		if err := s.Store.TouchSesi(ctx, se.IDHash, now); err != nil {
			return store.Petugas{}, store.Sesi{}, err
		}
		se.LastSeenAt = now
	}
	return p, se, nil
}

// end removes a session that is over and returns ErrNoSession.
func (s *Service) end(ctx context.Context, idHash string) error {
	if err := s.Store.DeleteSesi(ctx, idHash); err != nil {
		return err
	}
	return ErrNoSession
}

// EndSession is the officer's logout.
func (s *Service) EndSession(ctx context.Context, p store.Petugas, se store.Sesi) error {
	return s.Store.InTx(ctx, func(tx store.Tx) error {
		if err := tx.DeleteSesi(ctx, se.IDHash); err != nil {
			return err
		}
		_, err := s.Audit.Record(ctx, tx, audit.Entry{Actor: p.Username, Kantor: p.KantorKode, Action: ActionKeluar,
			Purpose: "keluar konsol petugas"})
		return err
	})
}
