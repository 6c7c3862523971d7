// Package aktivasi runs the activation of a resident's digital ID
// (aktivasi IKD) as OpenID for Verifiable Credential Issuance 1.0 with a
// pre-authorized code:
//
//  1. An officer, with the resident in front of them, creates an offer
//     (Offer). ikd e-mails the resident a 6-digit code (tx_code) that the
//     officer never sees. The offer lives 10 minutes and is used once.
//  2. The wallet redeems the pre-authorized code with the tx_code for an
//     access token (Redeem). Five wrong codes kill the offer.
//  3. For each configuration of the offer (ConfigurationIDs), the wallet
//     asks for a fresh nonce (Nonce) and proves possession of its device
//     key with a proof JWT over that nonce (CredentialFor). The first
//     request binds the device and revokes the credentials of any earlier
//     device; every request must prove that same key and gets one
//     credential of the configuration it names, each configuration once
//     (OpenID4VCI 1.0 §8; docs/oid4vci.md). Each request runs in one
//     transaction.
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
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/issuance"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
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

// Mailer sends the resident's e-mail about their activation: the code,
// which the officer never sees, and the notice to the old address when an
// officer changes the resident's e-mail address.
type Mailer interface {
	SendActivationCode(ctx context.Context, m CodeMail) error
	SendEmailChanged(ctx context.Context, m ChangeMail) error
}

// ChangeMail is the notice that a resident's e-mail address was changed at
// an office, sent to the old address: the code of the next activation
// goes to the new one, so the resident must hear of a change they did not
// ask for.
type ChangeMail struct {
	To, Nama string
	NewMask  string // the new address, masked (MaskEmail); never in full
	Kantor   string // the name of the officer's office
	At       time.Time
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
	ConfigSDJWT    = issuance.ConfigSDJWT
	ConfigQRPrefix = issuance.ConfigQRPrefix
)

// ConfigurationIDs lists every credential configuration an offer holds,
// the SD-JWT VC first, then the QR profiles in qrcred.Profiles order.
func ConfigurationIDs() []string {
	ids := []string{ConfigSDJWT}
	for _, p := range qrcred.Profiles {
		ids = append(ids, ConfigQRPrefix+string(p))
	}
	return ids
}

// Kinds maps configuration IDs to the issuer's kinds of credential.
func Kinds(configs []string) ([]issuance.Kind, error) {
	out := make([]issuance.Kind, 0, len(configs))
	for _, c := range configs {
		switch p, qr := strings.CutPrefix(c, ConfigQRPrefix); {
		case c == ConfigSDJWT:
			out = append(out, issuance.Kind{Format: issuance.FormatSDJWT})
		case qr && slices.Contains(qrcred.Profiles, qrcred.Profile(p)):
			out = append(out, issuance.Kind{Format: issuance.FormatCWT, Profile: p})
		default:
			return nil, fmt.Errorf("activation: %w: %q", ErrUnknownConfiguration, c)
		}
	}
	return out, nil
}

// Issued is one credential delivered to the wallet.
type Issued struct {
	ConfigurationID string // e.g. "ktp_digital_sd_jwt", "ktp_qr_dasar"
	Credential      string // SD-JWT issuance form, or base64url of the CWT
}

// Issuer signs the credentials of configs (configuration IDs, in that
// order) for the device an activation bound, inside the activation's
// transaction. It refuses a configuration the device already holds with
// an error matching issuance.ErrAlreadyIssued, and any new credential for
// a device whose credentials are suspended or revoked with one matching
// issuance.ErrNotValid.
type Issuer interface {
	IssueFor(ctx context.Context, tx store.Tx, p store.Penduduk, dev store.Perangkat, devKey *ecdsa.PublicKey, akt store.Aktivasi, configs []string) ([]Issued, error)
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
		out = Offer{ID: a.ID, Code: code, ExpiresAt: a.ExpiresAt, EmailMask: MaskEmail(p.Email)}
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

// ErrNoticeFailed is returned by NotifyEmailChanged when the notice to the
// old address could not be sent.
var ErrNoticeFailed = errs.New(errs.Unavailable, "pemberitahuan ke alamat e-mail lama tidak terkirim",
	"the notice to the old e-mail address could not be sent")

// NotifyEmailChanged tells the resident at their old address old that an
// officer of the office named kantor changed their e-mail address to
// newAddr (shown masked) at the service's now. What reaches a log of a
// failure is masked.
func (s *Service) NotifyEmailChanged(ctx context.Context, nama, old, newAddr, kantor string) error {
	m := ChangeMail{To: old, Nama: nama, NewMask: MaskEmail(newAddr), Kantor: kantor, At: s.Now().UTC()}
	if err := s.Mailer.SendEmailChanged(ctx, m); err != nil {
		err = errs.Redact(err, old, MaskEmail(old), newAddr, m.NewMask, nama, "***")
		return fmt.Errorf("%w: %w", ErrNoticeFailed, err)
	}
	return nil
}

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
	// ErrUnknownConfiguration is a credential_configuration_id that is
	// not one of the offer's.
	ErrUnknownConfiguration = errs.New(errs.Invalid, "credential_configuration_id tidak dikenal", "unknown credential_configuration_id")
	// ErrWrongDevice is a later request of an activation whose proof is
	// by another key than the device the activation bound; it matches
	// ErrInvalidProof too.
	ErrWrongDevice error = &proofError{errs.New(errs.Invalid,
		"bukti kunci perangkat tidak sah: aktivasi ini sudah mengikat perangkat lain",
		"invalid key proof: this activation is bound to another device")}
)

// ActionCredentialRefused is the audit action of a credential request
// refused after its access token and proof were checked: a proof by
// another device than the one the activation bound, a configuration
// already issued, or a digital ID suspended or revoked meanwhile.
const ActionCredentialRefused = "kredensial.permintaan_ditolak"

// Credential answers, with one proof, a request for every configuration
// of the offer (ConfigurationIDs): what an in-process wallet does (the
// demo history, the samples). It is CredentialFor for all of them at once.
func (s *Service) Credential(ctx context.Context, accessToken, proofJWT string) ([]Issued, error) {
	return s.credentials(ctx, accessToken, proofJWT, ConfigurationIDs())
}

// CredentialFor answers one OpenID4VCI 1.0 credential request: the
// credential of configuration configID, for the device key proved by
// proofJWT (over a fresh c_nonce, which it consumes). The first request of
// an activation binds that device, releasing any earlier device of the
// resident and revoking its credentials; later requests must prove the
// same device key (else ErrWrongDevice). The access token serves each
// configuration of the offer once until it expires: a configuration
// already issued is refused (issuance.ErrAlreadyIssued), as is every
// request once the activation's device was released (ErrInvalidToken) or
// its credentials suspended or revoked (issuance.ErrNotValid). Each check,
// the binding and the issuance run in one transaction.
func (s *Service) CredentialFor(ctx context.Context, accessToken, configID, proofJWT string) (Issued, error) {
	out, err := s.credentials(ctx, accessToken, proofJWT, []string{configID})
	if err != nil {
		return Issued{}, err
	}
	if len(out) != 1 || out[0].ConfigurationID != configID {
		return Issued{}, fmt.Errorf("activation: the issuer returned %d credentials for %s", len(out), configID)
	}
	return out[0], nil
}

// credentials runs one credential request for configs.
func (s *Service) credentials(ctx context.Context, accessToken, proofJWT string, configs []string) ([]Issued, error) {
	for _, c := range configs {
		if !slices.Contains(ConfigurationIDs(), c) {
			return nil, ErrUnknownConfiguration
		}
	}
	now := s.Now().UTC()
	proof, err := VerifyProof(proofJWT, s.IssuerURL, now)
	if err != nil {
		return nil, err
	}
	var out []Issued
	var akt store.Aktivasi
	err = s.Store.InTx(ctx, func(tx store.Tx) error {
		var err error
		akt, out, err = s.credentialsTx(ctx, tx, accessToken, proof, configs, now)
		return err
	})
	if refusal(err) != "" {
		return nil, s.auditRefusal(ctx, akt, proof, configs, err)
	}
	if err != nil {
		return nil, fmt.Errorf("activation: credential request: %w", err)
	}
	return out, nil
}

// credentialsTx is credentials inside its transaction. It returns the
// activation once the token is checked, for the audit of a refusal.
func (s *Service) credentialsTx(ctx context.Context, tx store.Tx, accessToken string, proof Proof, configs []string, now time.Time) (store.Aktivasi, []Issued, error) {
	if err := tx.ConsumeNonce(ctx, hashSecret(proof.Nonce), now); err != nil {
		if store.IsNotFound(err) {
			return store.Aktivasi{}, nil, ErrInvalidNonce
		}
		return store.Aktivasi{}, nil, err
	}
	a, err := tx.GetAktivasiByToken(ctx, hashSecret(accessToken))
	if err != nil {
		return store.Aktivasi{}, nil, ErrInvalidToken
	}
	// UpdateAktivasi locks the activation until the transaction ends, so
	// the requests of one token run one at a time: exactly one finds it
	// DITUKAR and binds a device, and the later ones see that device and
	// what it was issued. Status changes of the device take this lock too.
	first := false
	a, err = tx.UpdateAktivasi(ctx, a.ID, func(a *store.Aktivasi) error {
		if (a.State != store.Ditukar && a.State != store.Selesai) || !now.Before(a.TokenExpiresAt) {
			return ErrInvalidToken
		}
		first, a.State = a.State == store.Ditukar, store.Selesai
		return nil
	})
	if err != nil {
		return store.Aktivasi{}, nil, err
	}
	p, err := tx.GetPenduduk(ctx, a.NIK)
	if err != nil {
		return a, nil, err
	}
	var dev store.Perangkat
	if first {
		dev, err = s.bind(ctx, tx, a, proof, now)
	} else {
		dev, err = boundDevice(ctx, tx, a, proof)
	}
	if err != nil {
		return a, nil, err
	}
	out, err := s.Issuer.IssueFor(ctx, tx, p, dev, proof.Key, a, configs)
	return a, out, err
}

// bind binds the device of the first credential request of activation a.
// One active device per resident: a new activation releases the old phone
// and revokes its credentials.
func (s *Service) bind(ctx context.Context, tx store.Tx, a store.Aktivasi, proof Proof, now time.Time) (store.Perangkat, error) {
	if _, err := tx.GetPerangkatAktif(ctx, a.NIK); err == nil {
		if err := s.Releaser.ReleaseDevice(ctx, tx, a.NIK, a.Petugas, a.KantorKode); err != nil {
			return store.Perangkat{}, err
		}
	} else if !store.IsNotFound(err) {
		return store.Perangkat{}, err
	}
	dev := store.Perangkat{NIK: a.NIK, JKT: proof.Thumbprint, AktivasiID: a.ID, BoundAt: now}
	if err := tx.BindPerangkat(ctx, &dev); err != nil {
		return store.Perangkat{}, err
	}
	if _, err := s.Audit.Record(ctx, tx, audit.Entry{Actor: "wallet", Kantor: a.KantorKode, Action: "perangkat.ikat",
		Subject: a.NIK, Purpose: "aktivasi IKD", Detail: map[string]string{"aktivasi": a.ID, "perangkat": proof.Thumbprint}}); err != nil {
		return store.Perangkat{}, err
	}
	return dev, nil
}

// boundDevice returns the device activation a bound, for a later request
// of a. Once that device was released (a newer activation, an officer's
// revocation) the activation is over and its token is refused; a proof by
// any other key is ErrWrongDevice.
func boundDevice(ctx context.Context, tx store.Tx, a store.Aktivasi, proof Proof) (store.Perangkat, error) {
	dev, err := tx.GetPerangkatAktif(ctx, a.NIK)
	if store.IsNotFound(err) || (err == nil && dev.AktivasiID != a.ID) {
		return store.Perangkat{}, ErrInvalidToken
	}
	if err != nil {
		return store.Perangkat{}, err
	}
	if dev.JKT != proof.Thumbprint {
		return store.Perangkat{}, ErrWrongDevice
	}
	return dev, nil
}

// refusal names, for the audit log, why a request that got past the token
// check was refused; "" for other errors.
func refusal(err error) string {
	switch {
	case errors.Is(err, ErrWrongDevice):
		return "perangkat_lain"
	case errors.Is(err, issuance.ErrAlreadyIssued):
		return "sudah_terbit"
	case errors.Is(err, issuance.ErrNotValid):
		return "ikd_tidak_sah"
	}
	return ""
}

// auditRefusal records a refused credential request of activation a, after
// its transaction rolled back, and returns err.
func (s *Service) auditRefusal(ctx context.Context, a store.Aktivasi, proof Proof, configs []string, err error) error {
	aerr := s.Store.InTx(ctx, func(tx store.Tx) error {
		_, err := s.Audit.Record(ctx, tx, audit.Entry{Actor: "wallet", Kantor: a.KantorKode, Action: ActionCredentialRefused,
			Subject: a.NIK, Purpose: "aktivasi IKD", Detail: map[string]any{"aktivasi": a.ID, "perangkat": proof.Thumbprint,
				"konfigurasi": configs, "alasan_tolak": refusal(err)}})
		return err
	})
	if aerr != nil {
		return fmt.Errorf("activation: audit refused credential request: %w (refused: %w)", aerr, err)
	}
	return err
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

// MaskEmail shows the first letter and the domain: s***@gmail.com.
func MaskEmail(e string) string {
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
