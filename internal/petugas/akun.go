package petugas

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/store"
)

// Account rules.
const (
	SetupTTL = 72 * time.Hour   // how long a first-login code works
	MaxGagal = 5                // wrong passwords or codes before a lock
	LockFor  = 15 * time.Minute // how long a lock lasts
	// TOTPIssuer names the service in the officer's authenticator app.
	TOTPIssuer = "IKD Bengkulu"
)

// Audit actions of accounts.
const (
	ActionAkunAktif  = "petugas.akun_aktif"  // the officer set a password (and TOTP) with the first-login code
	ActionAkunReset  = "petugas.akun_reset"  // an admin issued a new first-login code
	ActionMasukGagal = "petugas.masuk_gagal" // a wrong password or code
	ActionTerkunci   = "petugas.terkunci"    // the account was locked after MaxGagal failures
)

// Errors of the console login. ErrLogin never says which part was wrong,
// nor whether the account is locked (which would tell that the username
// exists); it says that a lock may be the reason.
var (
	ErrLogin = errs.New(errs.Unauthenticated,
		"username, kata sandi atau kode autentikator salah, atau akun terkunci sementara karena terlalu banyak percobaan salah; coba lagi nanti",
		"wrong username, password or authenticator code, or the account is locked for a while after too many wrong attempts; try again later")
	ErrSetupCode = errs.New(errs.Unauthenticated, "kode aktivasi akun tidak sah, sudah dipakai atau kedaluwarsa; minta kode baru kepada admin",
		"the account activation code is invalid, used or expired; ask an admin for a new one")
	ErrTOTP = errs.New(errs.Invalid, "kode autentikator salah; periksa jam ponsel dan masukkan kode yang sedang tampil",
		"wrong authenticator code; check the phone's clock and enter the code shown now")
)

// Baru is a new officer.
type Baru struct {
	Username, Nama, Kantor string
	Peran                  store.Peran
	// TOTPWajib requires a second factor at login; admin and supervisor
	// always need one.
	TOTPWajib bool
}

// Created is a new officer with the secrets that exist nowhere else: the
// API token and the first-login code. Show them once.
type Created struct {
	Petugas   store.Petugas
	Token     string
	SetupCode string
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// newSetupCode returns a first-login code (80 random bits, base32, in
// groups of four to be typed) and its hash.
func newSetupCode() (code, hash string) {
	b := make([]byte, 10)
	rand.Read(b)
	raw := base32.StdEncoding.EncodeToString(b)
	code = raw[0:4] + "-" + raw[4:8] + "-" + raw[8:12] + "-" + raw[12:16]
	return code, hashSetupCode(code)
}

// hashSetupCode hashes a code as typed: case, spaces and hyphens ignored.
func hashSetupCode(code string) string {
	c := strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(code))
	sum := sha256.Sum256([]byte(c))
	return hex.EncodeToString(sum[:])
}

// checkPeran validates a role and whether it needs a second factor.
func checkPeran(p store.Peran) (totpWajib bool, err error) {
	if !slices.Contains(store.PeranAll, p) {
		return false, errs.Newf(errs.Invalid, "peran %q tidak dikenal: admin, supervisor, operator, stok atau viewer",
			"unknown role %q: admin, supervisor, operator, stok or viewer", p)
	}
	return p == store.PeranAdmin || p == store.PeranSupervisor, nil
}

// Setup is the officer's first login: with the one-time code they set a
// password and, when their account needs one or they chose to, enrol the
// TOTP secret shown to them (totpSecret, confirmed by totpCode). A wrong
// code counts toward the lock.
func (s *Service) Setup(ctx context.Context, username, code, password, again, totpSecret, totpCode string) error {
	now := s.now()
	p, err := s.unlocked(ctx, username, now)
	if err != nil {
		return ErrSetupCode
	}
	if p.SetupHash == "" || p.SetupHash != hashSetupCode(code) || !now.Before(p.SetupExpiresAt) {
		return s.fail(ctx, p, now, ErrSetupCode)
	}
	if err := checkPasswordPolicy(username, password, again); err != nil {
		return err
	}
	if p.TOTPWajib && totpSecret == "" {
		return errs.New(errs.Invalid, "akun ini wajib memakai aplikasi autentikator", "this account must use an authenticator app")
	}
	var step int64
	if totpSecret != "" {
		var ok bool
		if step, ok = totpStep(totpCode, totpSecret, now, 0); !ok {
			return ErrTOTP
		}
	}
	return s.Store.InTx(ctx, func(tx store.Tx) error {
		if _, err := tx.UpdatePetugas(ctx, username, func(q *store.Petugas) error {
			if q.SetupHash != p.SetupHash {
				return ErrSetupCode // used meanwhile
			}
			q.PasswordHash, q.TOTPSecret, q.TOTPStep = hashPassword(password), totpSecret, step
			q.SetupHash, q.SetupExpiresAt, q.Gagal, q.TerkunciSampai = "", time.Time{}, 0, time.Time{}
			return nil
		}); err != nil {
			return err
		}
		_, err := s.Audit.Record(ctx, tx, audit.Entry{Actor: username, Kantor: p.KantorKode, Action: ActionAkunAktif,
			Purpose: "aktivasi akun petugas", Detail: map[string]any{"totp": totpSecret != ""}})
		return err
	})
}

// NewTOTPSecret returns a fresh TOTP secret for username and its
// otpauth:// URI, for the authenticator app's QR.
func NewTOTPSecret(username string) (secret, uri string, err error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: TOTPIssuer, AccountName: username})
	if err != nil {
		return "", "", fmt.Errorf("generate totp: %w", err)
	}
	return k.Secret(), k.URL(), nil
}

// Login checks an officer's password and, when the account has one, the
// TOTP code. Whatever was wrong (unknown username, password, code, an
// account not yet set up or deactivated, a locked account) the answer is
// ErrLogin, after as much work as a password check; MaxGagal wrong
// attempts in a row lock the account for LockFor.
func (s *Service) Login(ctx context.Context, username, password, code string) (store.Petugas, error) {
	now := s.now()
	username = strings.ToLower(strings.TrimSpace(username))
	p, err := s.Store.GetPetugas(ctx, username)
	if store.IsNotFound(err) {
		checkPassword(dummyHash, password) // as long as for a known officer
		return store.Petugas{}, ErrLogin
	}
	if err != nil {
		return store.Petugas{}, err
	}
	if now.Before(p.TerkunciSampai) {
		checkPassword(orDummy(p.PasswordHash), password) // as long as for an open account
		return store.Petugas{}, ErrLogin
	}
	ok := checkPassword(orDummy(p.PasswordHash), password) && p.State == store.PetugasAktif && p.PasswordHash != ""
	step := p.TOTPStep
	if ok && p.TOTPSecret != "" {
		step, ok = totpStep(code, p.TOTPSecret, now, p.TOTPStep)
	}
	if !ok {
		return store.Petugas{}, s.fail(ctx, p, now, ErrLogin)
	}
	if p.Gagal == 0 && step == p.TOTPStep {
		return p, nil
	}
	// Spend the code under the row lock: of two logins with one code,
	// one wins.
	return s.Store.UpdatePetugas(ctx, username, func(q *store.Petugas) error {
		if q.TOTPSecret != "" && step <= q.TOTPStep {
			return ErrLogin
		}
		q.Gagal, q.TOTPStep = 0, step
		return nil
	})
}

// totpStep checks a 6-digit RFC 6238 code (30 s steps, SHA-1, as every
// authenticator app does) at now, one step of clock drift either way, and
// returns the step it belongs to; ok is false for a wrong code and for a
// code of a step not after `after` (one already used: a code is good once).
func totpStep(code, secret string, now time.Time, after int64) (int64, bool) {
	code = strings.TrimSpace(code)
	opts := totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	for _, skew := range []int64{-1, 0, 1} {
		at := now.Add(time.Duration(skew) * 30 * time.Second)
		want, err := totp.GenerateCodeCustom(secret, at, opts)
		if err == nil && len(code) == len(want) && subtle.ConstantTimeCompare([]byte(code), []byte(want)) == 1 {
			step := at.Unix() / 30
			return step, step > after
		}
	}
	return 0, false
}

func orDummy(phc string) string {
	if phc == "" {
		return dummyHash
	}
	return phc
}

// errAccountLocked is unlocked's refusal, which callers answer with their
// own generic error.
var errAccountLocked = errors.New("account locked")

// unlocked reads an officer who is not locked at now.
func (s *Service) unlocked(ctx context.Context, username string, now time.Time) (store.Petugas, error) {
	p, err := s.Store.GetPetugas(ctx, username)
	if err != nil {
		return p, err
	}
	if now.Before(p.TerkunciSampai) {
		return p, errAccountLocked
	}
	return p, nil
}

// fail counts a wrong attempt of p, locking the account at MaxGagal, with
// an audit event, and returns refusal: the same whether or not this
// attempt locked the account.
func (s *Service) fail(ctx context.Context, p store.Petugas, now time.Time, refusal error) error {
	var locked bool
	err := s.Store.InTx(ctx, func(tx store.Tx) error {
		q, err := tx.UpdatePetugas(ctx, p.Username, func(q *store.Petugas) error {
			q.Gagal++
			if locked = q.Gagal >= MaxGagal; locked {
				q.Gagal, q.TerkunciSampai = 0, now.Add(LockFor)
			}
			return nil
		})
		if err != nil {
			return err
		}
		action := ActionMasukGagal
		if locked {
			action = ActionTerkunci
		}
		_, err = s.Audit.Record(ctx, tx, audit.Entry{Actor: p.Username, Kantor: p.KantorKode, Action: action,
			Purpose: "keamanan akun petugas", Detail: map[string]any{"gagal": q.Gagal}})
		return err
	})
	if err != nil {
		return err
	}
	return refusal
}

// ResetAccount gives an officer a new first-login code (an admin's
// action, for a forgotten password or a lost phone): the password and TOTP
// secret are cleared, every session ends, and the lock is lifted.
func (s *Service) ResetAccount(ctx context.Context, username string) (string, error) {
	code, hash := newSetupCode()
	err := s.Store.InTx(ctx, func(tx store.Tx) error {
		p, err := tx.UpdatePetugas(ctx, username, func(q *store.Petugas) error {
			q.PasswordHash, q.TOTPSecret, q.SetupHash, q.SetupExpiresAt = "", "", hash, s.now().Add(SetupTTL)
			q.Gagal, q.TerkunciSampai = 0, time.Time{}
			return nil
		})
		if err != nil {
			return err
		}
		if _, err := tx.DeleteSesiPetugas(ctx, username); err != nil {
			return err
		}
		_, err = s.Audit.Record(ctx, tx, audit.Entry{Actor: s.actor(), Kantor: p.KantorKode, Action: ActionAkunReset,
			Purpose: "pemulihan akun petugas", Detail: map[string]any{"petugas": username}})
		return err
	})
	if store.IsNotFound(err) {
		return "", errs.Newf(errs.NotFound, "petugas %s tidak ada", "no officer %s", username)
	}
	return code, err
}
