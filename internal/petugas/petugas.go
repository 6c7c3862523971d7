// Package petugas manages the officers (petugas) of the service offices:
// their accounts, the console's login and sessions, and their API tokens.
//
// An officer has an API token for machines (256 random bits shown once,
// of which only the SHA-256 is stored, sent as a Bearer token to the
// officer endpoints) and a console account: a role, a password (argon2id)
// set at the first login with a one-time code, a TOTP second factor
// (required for admin and supervisor), a lock after MaxGagal wrong
// attempts, and server-side sessions with an idle and an absolute limit.
package petugas

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/apikey"
	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/store"
)

// TokenPrefix starts every officer token, so that secret scanners and
// people can recognise one.
const TokenPrefix = "ikdp_"

// Audit actions.
const (
	ActionTambah   = "petugas.tambah"
	ActionNonaktif = "petugas.nonaktif"
)

// Errors of authentication. Both wrap errs.Unauthenticated.
var (
	ErrUnknownToken = errs.New(errs.Unauthenticated, "token petugas tidak dikenal", "unknown officer token")
	ErrNonaktif     = errs.New(errs.Unauthenticated, "petugas ini sudah dinonaktifkan; tokennya tidak berlaku lagi",
		"this officer has been deactivated; the token no longer works")
)

var usernameRE = regexp.MustCompile(`^[a-z][a-z0-9._-]{1,31}$`)

// Service adds, deactivates and authenticates officers.
type Service struct {
	Store store.Store
	Audit *audit.Log
	// Actor names who adds and deactivates in the audit log;
	// "system:petugas" when empty.
	Actor string
	Now   func() time.Time // time.Now when nil
}

func (s *Service) actor() string {
	if s.Actor == "" {
		return "system:petugas"
	}
	return s.Actor
}

// Add records an operator of office kantor, who needs no second factor,
// and returns it with its API token; see Create.
func (s *Service) Add(ctx context.Context, username, nama, kantor string) (store.Petugas, string, error) {
	c, err := s.Create(ctx, Baru{Username: username, Nama: nama, Kantor: kantor, Peran: store.PeranOperator})
	return c.Petugas, c.Token, err
}

// Create records an officer with a role and returns it with its API
// token and first-login code, which exist nowhere else: show them once.
func (s *Service) Create(ctx context.Context, b Baru) (Created, error) {
	username, nama, kantor := strings.TrimSpace(b.Username), strings.TrimSpace(b.Nama), strings.TrimSpace(b.Kantor)
	if !usernameRE.MatchString(username) {
		return Created{}, errs.Newf(errs.Invalid,
			"username %q tidak sah: 2 sampai 32 huruf kecil, angka, titik, garis bawah atau tanda hubung, diawali huruf",
			"username %q is invalid: 2 to 32 lower-case letters, digits, dots, underscores or hyphens, starting with a letter", username)
	}
	if nama == "" {
		return Created{}, errs.New(errs.Invalid, "nama petugas wajib diisi", "the officer's name is required")
	}
	needTOTP, err := checkPeran(b.Peran)
	if err != nil {
		return Created{}, err
	}
	token, hash := apikey.New(TokenPrefix)
	code, codeHash := newSetupCode()
	p := store.Petugas{Username: username, Nama: nama, KantorKode: kantor, TokenHash: hash, State: store.PetugasAktif,
		Peran: b.Peran, TOTPWajib: needTOTP || b.TOTPWajib, SetupHash: codeHash, SetupExpiresAt: s.now().Add(SetupTTL)}
	err = s.Store.InTx(ctx, func(tx store.Tx) error {
		if _, err := tx.GetKantor(ctx, kantor); store.IsNotFound(err) {
			return errs.Newf(errs.Invalid, "kantor %q tidak dikenal", "unknown office %q", kantor)
		} else if err != nil {
			return err
		}
		if err := tx.CreatePetugas(ctx, &p); err != nil {
			if errs.KindOf(err) == errs.Conflict {
				return errs.Newf(errs.Conflict, "username %s sudah dipakai", "username %s is taken", username)
			}
			return err
		}
		_, err := s.Audit.Record(ctx, tx, audit.Entry{Actor: s.actor(), Kantor: kantor, Action: ActionTambah,
			Purpose: "pendaftaran petugas", Detail: map[string]any{"petugas": username, "nama": nama, "kantor": kantor, "peran": p.Peran}})
		return err
	})
	if err != nil {
		return Created{}, fmt.Errorf("add petugas: %w", err)
	}
	return Created{Petugas: p, Token: token, SetupCode: code}, nil
}

// Deactivate marks an officer NONAKTIF: the token stops working and
// every console session ends, at once.
func (s *Service) Deactivate(ctx context.Context, username string) error {
	err := s.Store.InTx(ctx, func(tx store.Tx) error {
		if err := tx.SetPetugasState(ctx, username, store.PetugasNonaktif); err != nil {
			return err
		}
		if _, err := tx.DeleteSesiPetugas(ctx, username); err != nil {
			return err
		}
		_, err := s.Audit.Record(ctx, tx, audit.Entry{Actor: s.actor(), Action: ActionNonaktif,
			Purpose: "penonaktifan petugas", Detail: map[string]any{"petugas": username}})
		return err
	})
	if store.IsNotFound(err) {
		return errs.Newf(errs.NotFound, "petugas %s tidak ada", "no officer %s", username)
	}
	return err
}

// Authenticate returns the active officer of a token.
func (s *Service) Authenticate(ctx context.Context, token string) (store.Petugas, error) {
	if token == "" {
		return store.Petugas{}, ErrUnknownToken
	}
	// The lookup goes by the hash through the unique index: the token
	// itself is never compared, so timing says nothing about it.
	p, err := s.Store.GetPetugasByTokenHash(ctx, apikey.Hash(token))
	if store.IsNotFound(err) {
		return store.Petugas{}, ErrUnknownToken
	}
	if err != nil {
		return store.Petugas{}, err
	}
	if p.State != store.PetugasAktif {
		return store.Petugas{}, ErrNonaktif
	}
	return p, nil
}
