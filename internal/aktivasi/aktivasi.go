// Package aktivasi runs the activation of a resident's digital ID
// (aktivasi IKD) as OpenID for Verifiable Credential Issuance 1.0 with a
// pre-authorized code:
//
//  1. An officer, with the resident in front of them, creates an offer
//     (Offer). ikd e-mails the resident a 6-digit code (tx_code) that the
//     officer never sees. The offer lives 10 minutes and is used once.
//  2. The wallet redeems the pre-authorized code with the tx_code for an
//     access token (Redeem). Five wrong codes kill the offer.
//  3. The wallet asks for a fresh nonce (Nonce) and proves possession of its
//     device key with a proof JWT over that nonce (Credential). ikd binds
//     the device, revokes the credentials of any earlier device, and issues
//     the credentials, all in one transaction.
//
// Secrets are stored only as hashes: the pre-authorized code and access
// token as SHA-256, the 6-digit code as an HMAC under a key kept outside the
// database, because six digits are too few to resist a search of a stolen
// hash.
package aktivasi

import (
	"context"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"net/url"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/nik"
	"github.com/ikd-project/ikd/internal/penduduk"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// Limits of the flow.
const (
	OfferTTL    = 10 * time.Minute // how long an offer can be redeemed
	TokenTTL    = 5 * time.Minute  // how long an access token is good for
	NonceTTL    = 5 * time.Minute  // how long a c_nonce is good for
	MaxAttempts = 5                // wrong codes that kill an offer
	CodeDigits  = 6                // length of the e-mailed code
)

// Mailer sends the activation code to the resident. The officer never sees
// the code.
type Mailer interface {
	SendActivationCode(ctx context.Context, m CodeMail) error
}

// CodeMail is the content of the activation e-mail.
type CodeMail struct {
	To, Nama, Code string
	Expires        time.Time
	Kantor         string
}

// Credential configuration IDs (OpenID4VCI) of what an activation issues:
// the SD-JWT VC, and one QR credential per profile, ConfigQRPrefix +
// profile (ktp_qr_dasar, ktp_qr_usia, ktp_qr_foto).
const (
	ConfigSDJWT    = "ktp_digital_sd_jwt"
	ConfigQRPrefix = "ktp_qr_"
)

// Issued is one credential delivered to the wallet.
type Issued struct {
	ConfigurationID string // e.g. "ktp_digital_sd_jwt", "ktp_qr_dasar"
	Credential      string // SD-JWT issuance form, or base64url of the CWT
}

// Issuer signs the credentials for a freshly bound device, inside the
// activation's transaction.
type Issuer interface {
	IssueFor(ctx context.Context, tx store.Tx, p store.Penduduk, dev store.Perangkat, devKey *ecdsa.PublicKey, akt store.Aktivasi) ([]Issued, error)
}

// Releaser revokes the credentials of a resident's active device and
// releases it, in the caller's transaction.
type Releaser interface {
	ReleaseDevice(ctx context.Context, tx store.Tx, nik, by, kantor string) error
}

// Service runs activations.
type Service struct {
	Store     store.Store
	Audit     *audit.Log
	Mailer    Mailer
	Issuer    Issuer
	Releaser  Releaser
	IssuerURL string // the credential issuer identifier, the proof JWT's aud
	CodeKey   []byte // HMAC key for the 6-digit codes (at least 32 bytes)
	Now       func() time.Time
}

// OfferRequest is what the officer's screen sends.
type OfferRequest struct {
	NIK     string
	Petugas string // officer username
	Kantor  string // office code
}

// Offer is what the officer's screen shows: a reference the wallet fetches
// (the QR stays small) and when it expires. It never holds the tx_code.
type Offer struct {
	ID        string
	Code      string // the pre-authorized code, given to the wallet only through the offer
	ExpiresAt time.Time
	EmailMask string // where the code went, masked: s***@gmail.com
}

// ActionRefused is the audit action of an activation offer refused
// because the resident is not in the officer's area (or unknown).
const ActionRefused = "aktivasi.ditolak"

// Offer creates an activation offer for a resident who exists, lives in
// the area of the officer's office, has an active NIK, a recorded e-KTP
// and an e-mail address, and mails the code. For a resident outside the
// area, and for an unknown NIK, the error is a *kantor.Refusal and the
// refused attempt is audited as ActionRefused.
func (s *Service) Offer(ctx context.Context, r OfferRequest) (Offer, error) {
	now := s.Now().UTC()
	code, codeHash := newSecret()
	tx6 := newDigits(CodeDigits)
	var out Offer
	var p store.Penduduk
	err := s.Store.InTx(ctx, func(tx store.Tx) error {
		var err error
		if p, err = eligible(ctx, tx, r); err != nil {
			return err
		}
		a := store.Aktivasi{
			ID: randomID(), NIK: p.NIK, KabKotaKode: wilayah.Ancestor(p.DesaKode, wilayah.KabKota), KantorKode: r.Kantor,
			Petugas: r.Petugas, CodeHash: codeHash, TxCodeHash: s.txHash(tx6), State: store.Ditawarkan,
			ExpiresAt: now.Add(OfferTTL),
		}
		if err := tx.CreateAktivasi(ctx, &a); err != nil {
			return err
		}
		_, err = s.Audit.Record(ctx, tx, audit.Entry{Actor: r.Petugas, Kantor: r.Kantor, Action: "aktivasi.tawarkan",
			Subject: p.NIK, Purpose: "aktivasi IKD atas permintaan penduduk", Detail: map[string]string{"aktivasi": a.ID}})
		out = Offer{ID: a.ID, Code: code, ExpiresAt: a.ExpiresAt, EmailMask: maskEmail(p.Email)}
		return err
	})
	if err != nil {
		return Offer{}, kantor.AuditRefusal(ctx, s.Store, s.Audit, kantor.Attempt{Action: ActionRefused,
			Petugas: r.Petugas, Kantor: r.Kantor, NIK: r.NIK, Purpose: "aktivasi IKD atas permintaan penduduk"}, err)
	}
	// The mail goes after the commit: a failed send leaves an offer that
	// expires unused, never a code for an offer that does not exist.
	if err := s.Mailer.SendActivationCode(ctx, CodeMail{To: p.Email, Nama: p.Nama, Code: tx6, Expires: out.ExpiresAt, Kantor: r.Kantor}); err != nil {
		// The SMTP mailer's errors hold the step and reply code only
		// (mail.Error); for any mailer, what reaches a log is masked too.
		err = errs.Redact(err, p.Email, out.EmailMask, p.NIK, nik.Mask(p.NIK), p.Nama, "***", tx6, "******")
		return Offer{}, fmt.Errorf("%w: %w", ErrMailFailed, err)
	}
	return out, nil
}

// eligible checks the activation rules for the resident of an offer
// request, the officer's area first.
func eligible(ctx context.Context, tx store.Tx, r OfferRequest) (store.Penduduk, error) {
	if _, err := nik.Parse(r.NIK); err != nil {
		return store.Penduduk{}, err
	}
	p, err := kantor.Resident(ctx, tx, r.Kantor, r.NIK)
	if err != nil {
		return p, fmt.Errorf("activation: %w", err)
	}
	switch {
	case p.StatusNIK != store.NIKAktif:
		return p, errs.Newf(errs.Invalid, "NIK berstatus %s; aktivasi hanya untuk NIK aktif", "the NIK is %s; only an active NIK can be activated", p.StatusNIK)
	case !penduduk.Terekam(&p):
		return p, errs.New(errs.Invalid, "KTP-el belum direkam; rekam biometrik terlebih dahulu", "the e-KTP is not recorded; record the biometrics first")
	case p.Email == "":
		return p, errs.New(errs.Invalid, "penduduk belum punya alamat e-mail; catat e-mail terlebih dahulu", "the resident has no e-mail address; record one first")
	}
	return p, nil
}

// ErrMailFailed is returned by Offer when the activation e-mail could not
// be sent; the offer expires unused.
var ErrMailFailed = errs.New(errs.Unavailable, "e-mail kode aktivasi tidak terkirim; periksa alamat e-mail penduduk atau coba lagi",
	"the activation code e-mail could not be sent; check the resident's e-mail address or try again")

// Errors of the token endpoint, as OpenID4VCI and OAuth name them.
var (
	ErrInvalidGrant = errs.New(errs.Unauthenticated, "kode aktivasi tidak sah, sudah dipakai atau kedaluwarsa", "the activation code is invalid, used or expired")
	ErrWrongTxCode  = errs.New(errs.Unauthenticated, "kode dari e-mail salah", "the code from the e-mail is wrong")
	ErrOfferDead    = errs.New(errs.Forbidden, "kode salah 5 kali; minta petugas membuat aktivasi baru", "5 wrong codes; ask the officer for a new activation")
)

// Token is an access token for the credential endpoint.
type Token struct {
	AccessToken string
	ExpiresIn   time.Duration
}

// Redeem exchanges the pre-authorized code and the e-mailed code for an
// access token. Exactly one redemption of an offer can succeed, however
// many arrive at once; the fifth wrong code kills the offer.
func (s *Service) Redeem(ctx context.Context, preAuthCode, txCode string) (Token, error) {
	now := s.Now().UTC()
	a, err := s.Store.GetAktivasiByCode(ctx, hashSecret(preAuthCode))
	if store.IsNotFound(err) {
		return Token{}, ErrInvalidGrant
	}
	if err != nil {
		return Token{}, err
	}
	token, tokenHash := newSecret()
	var wrong, dead bool
	_, err = s.Store.UpdateAktivasi(ctx, a.ID, func(a *store.Aktivasi) error {
		wrong, dead = false, false
		if a.State != store.Ditawarkan || !now.Before(a.ExpiresAt) {
			return ErrInvalidGrant
		}
		if !hmac.Equal([]byte(a.TxCodeHash), []byte(s.txHash(txCode))) {
			a.Attempts++
			wrong = true
			if a.Attempts >= MaxAttempts {
				a.State, dead = store.Gagal, true
			}
			return nil // the attempt is counted even though the redemption fails
		}
		a.State, a.TokenHash, a.TokenExpiresAt = store.Ditukar, tokenHash, now.Add(TokenTTL)
		return nil
	})
	switch {
	case err != nil:
		return Token{}, err
	case dead:
		return Token{}, ErrOfferDead
	case wrong:
		return Token{}, ErrWrongTxCode
	}
	return Token{AccessToken: token, ExpiresIn: TokenTTL}, nil
}

// Nonce returns a fresh single-use c_nonce for a proof JWT.
func (s *Service) Nonce(ctx context.Context) (string, error) {
	n, h := newSecret()
	if err := s.Store.CreateNonce(ctx, h, s.Now().UTC().Add(NonceTTL)); err != nil {
		return "", err
	}
	return n, nil
}

// Errors of the credential endpoint.
var (
	ErrInvalidToken = errs.New(errs.Unauthenticated, "token akses tidak sah atau kedaluwarsa", "the access token is invalid or expired")
	ErrInvalidNonce = errs.New(errs.Unauthenticated, "nonce tidak sah, sudah dipakai atau kedaluwarsa", "the nonce is invalid, used or expired")
)

// Credential checks the access token and the proof of possession, binds the
// device (releasing any earlier one and revoking its credentials) and issues
// the credentials, atomically.
func (s *Service) Credential(ctx context.Context, accessToken, proofJWT string) ([]Issued, error) {
	now := s.Now().UTC()
	proof, err := VerifyProof(proofJWT, s.IssuerURL, now)
	if err != nil {
		return nil, err
	}
	var out []Issued
	err = s.Store.InTx(ctx, func(tx store.Tx) error {
		if err := tx.ConsumeNonce(ctx, hashSecret(proof.Nonce), now); err != nil {
			if store.IsNotFound(err) {
				return ErrInvalidNonce
			}
			return err
		}
		a, err := tx.GetAktivasiByToken(ctx, hashSecret(accessToken))
		if err != nil {
			return ErrInvalidToken
		}
		// Spend the token first: UpdateAktivasi locks the activation, so
		// of concurrent requests with one token exactly one finds it
		// unspent; the others wait for it and are refused, rather than
		// racing to bind a device.
		a, err = tx.UpdateAktivasi(ctx, a.ID, func(a *store.Aktivasi) error {
			if a.State != store.Ditukar || !now.Before(a.TokenExpiresAt) {
				return ErrInvalidToken
			}
			a.State = store.Selesai
			return nil
		})
		if err != nil {
			return err
		}
		out, err = s.bindAndIssue(ctx, tx, a, proof, now)
		return err
	})
	return out, err
}

func (s *Service) bindAndIssue(ctx context.Context, tx store.Tx, a store.Aktivasi, proof Proof, now time.Time) ([]Issued, error) {
	p, err := tx.GetPenduduk(ctx, a.NIK)
	if err != nil {
		return nil, err
	}
	// One active device per resident: a new activation releases the old
	// phone and revokes its credentials.
	if _, err := tx.GetPerangkatAktif(ctx, a.NIK); err == nil {
		if err := s.Releaser.ReleaseDevice(ctx, tx, a.NIK, a.Petugas, a.KantorKode); err != nil {
			return nil, err
		}
	} else if !store.IsNotFound(err) {
		return nil, err
	}
	dev := store.Perangkat{NIK: a.NIK, JKT: proof.Thumbprint, AktivasiID: a.ID, BoundAt: now}
	if err := tx.BindPerangkat(ctx, &dev); err != nil {
		return nil, err
	}
	if _, err := s.Audit.Record(ctx, tx, audit.Entry{Actor: "wallet", Kantor: a.KantorKode, Action: "perangkat.ikat",
		Subject: a.NIK, Purpose: "aktivasi IKD", Detail: map[string]string{"aktivasi": a.ID, "perangkat": proof.Thumbprint}}); err != nil {
		return nil, err
	}
	return s.Issuer.IssueFor(ctx, tx, p, dev, proof.Key, a)
}

func (s *Service) txHash(code string) string {
	m := hmac.New(sha256.New, s.CodeKey)
	m.Write([]byte(code))
	return hex.EncodeToString(m.Sum(nil))
}

// newSecret returns a random 256-bit secret (base64url) and its SHA-256.
func newSecret() (secret, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	secret = base64.RawURLEncoding.EncodeToString(b)
	return secret, hashSecret(secret)
}

func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func randomID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// newDigits returns n uniformly random decimal digits.
func newDigits(n int) string {
	max := big.NewInt(1)
	for i := 0; i < n; i++ {
		max.Mul(max, big.NewInt(10))
	}
	v, err := rand.Int(rand.Reader, max)
	if err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return fmt.Sprintf("%0*d", n, v)
}

// maskEmail shows the first letter and the domain: s***@gmail.com.
func maskEmail(e string) string {
	for i := 0; i < len(e); i++ {
		if e[i] == '@' && i > 0 {
			return e[:1] + "***" + e[i:]
		}
	}
	return "***"
}

// LookupOffer returns the live offer (not yet redeemed, not dead, not
// expired) whose pre-authorized code is code, for the credential offer
// endpoint; ErrInvalidGrant otherwise. It changes nothing.
func (s *Service) LookupOffer(ctx context.Context, code string) (store.Aktivasi, error) {
	if code == "" {
		return store.Aktivasi{}, ErrInvalidGrant
	}
	a, err := s.Store.GetAktivasiByCode(ctx, hashSecret(code))
	if store.IsNotFound(err) {
		return store.Aktivasi{}, ErrInvalidGrant
	}
	if err != nil {
		return store.Aktivasi{}, err
	}
	if a.State != store.Ditawarkan || !s.Now().UTC().Before(a.ExpiresAt) {
		return store.Aktivasi{}, ErrInvalidGrant
	}
	return a, nil
}

// OfferURI is the text of the officer's QR code for an offer: an
// OpenID4VCI credential offer by reference, which the wallet fetches from
// GET /oid4vci/offers/{code} of the issuer at publicURL.
func OfferURI(publicURL, code string) string {
	return "openid-credential-offer://?credential_offer_uri=" + url.QueryEscape(publicURL+"/oid4vci/offers/"+url.PathEscape(code))
}
