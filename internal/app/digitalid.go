package app

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/aktivasi"
	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/demo"
	"github.com/ikd-project/ikd/internal/issuance"
	"github.com/ikd-project/ikd/internal/kms"
	"github.com/ikd-project/ikd/internal/mail"
	"github.com/ikd-project/ikd/internal/nik"
	"github.com/ikd-project/ikd/internal/store"
)

// CredentialValidity is how long a digital ID's credentials are valid
// (shorter for a minor; see issuance.Issuer.Validity).
const CredentialValidity = 365 * 24 * time.Hour

// DigitalID is the digital ID's machinery, wired from the configuration:
// the issuer keys, the issuer, the mail outbox and the activation service.
type DigitalID struct {
	PublicURL string
	Store     store.Store
	Keys      *kms.FileStore
	Issuer    *issuance.Issuer
	Outbox    *mail.Outbox
	Aktivasi  *aktivasi.Service
}

// NewDigitalID opens the issuer keys in DATA-DIR/keys (created with a
// first key when empty; encrypted with the passphrase in
// cfg.KeyPassphraseFile when set), the activation code key
// DATA-DIR/activation.key (created when missing), the outbox DATA-DIR/outbox,
// and wires the issuer and the activation service for cfg.PublicURL.
func NewDigitalID(ctx context.Context, cfg *config.Config, st store.Store, auditLog *audit.Log, logger *slog.Logger) (*DigitalID, error) {
	if err := config.ValidatePublicURL(cfg.PublicURL); err != nil {
		return nil, err
	}
	keys, err := OpenKeys(cfg)
	if err != nil {
		return nil, err
	}
	codeKey, err := LoadOrCreateKey(filepath.Join(cfg.DataDir, "activation.key"), 32)
	if err != nil {
		return nil, fmt.Errorf("activation key: %w", err)
	}
	is := &issuance.Issuer{
		Store: st, Keys: keys, Audit: auditLog, Now: time.Now, IssuerURL: cfg.PublicURL,
		StatusURI: func(id string) string { return StatusURI(cfg.PublicURL, id) },
		Validity:  CredentialValidity,
		Portrait:  portraits(cfg.Demo, cfg.DemoSeed),
	}
	outbox := &mail.Outbox{Dir: filepath.Join(cfg.DataDir, "outbox"), Now: time.Now}
	mailer, err := newMailer(cfg, outbox)
	if err != nil {
		return nil, err
	}
	svc := &aktivasi.Service{
		Store: st, Audit: auditLog, Mailer: mailer, Issuer: ActivationIssuer{Issuer: is}, Releaser: is,
		IssuerURL: cfg.PublicURL, CodeKey: codeKey, Now: time.Now,
	}
	logger.Info("digital ID ready", "issuer", cfg.PublicURL, "kid", keys.Active().ID)
	return &DigitalID{PublicURL: cfg.PublicURL, Store: st, Keys: keys, Issuer: is, Outbox: outbox, Aktivasi: svc}, nil
}

// newMailer returns the SMTP sender when cfg names a server, else outbox.
func newMailer(cfg *config.Config, outbox *mail.Outbox) (aktivasi.Mailer, error) {
	if cfg.SMTPAddr == "" {
		return outbox, nil
	}
	s := &mail.SMTP{Addr: cfg.SMTPAddr, Username: cfg.SMTPUser, Now: time.Now}
	if cfg.SMTPPasswordFile != "" {
		b, err := os.ReadFile(cfg.SMTPPasswordFile)
		if err != nil {
			return nil, fmt.Errorf("SMTP password: %w", err)
		}
		s.Password = strings.TrimRight(string(b), "\r\n")
	}
	return s, nil
}

// OpenKeys opens the issuer keys in DATA-DIR/keys, creating a first key
// when there is none, encrypted with the passphrase in
// cfg.KeyPassphraseFile when it is set.
func OpenKeys(cfg *config.Config) (*kms.FileStore, error) {
	var pass []byte
	if cfg.KeyPassphraseFile != "" {
		b, err := os.ReadFile(cfg.KeyPassphraseFile)
		if err != nil {
			return nil, fmt.Errorf("key passphrase: %w", err)
		}
		pass = []byte(strings.TrimRight(string(b), "\r\n"))
		if len(pass) == 0 {
			return nil, fmt.Errorf("key passphrase file %s is empty", cfg.KeyPassphraseFile)
		}
	}
	keys, err := kms.OpenFileStore(filepath.Join(cfg.DataDir, "keys"), pass, time.Now)
	if err != nil {
		return nil, fmt.Errorf("issuer keys: %w", err)
	}
	return keys, nil
}

// StatusURI is the URI of status list id under publicURL: where its token
// is served, and the uri every credential's status names.
func StatusURI(publicURL, id string) string { return publicURL + "/status/" + id }

// portraits returns the resident's stored portrait. A resident without one
// gets the demo portrait when this is a demo database (cfg.Demo, or the
// demo province has been loaded into it): demo residents' portraits are
// derived on demand, never stored. It reads through q, the issuance's
// transaction.
func portraits(demoMode bool, seed int64) func(ctx context.Context, q store.Queries, n string) ([]byte, error) {
	return func(ctx context.Context, st store.Queries, n string) ([]byte, error) {
		p, err := st.GetPortrait(ctx, n)
		if err == nil && len(p.Data) > 0 {
			return p.Data, nil
		}
		if err != nil && !store.IsNotFound(err) {
			return nil, err
		}
		s := seed
		if v, err := st.GetMeta(ctx, demo.MetaComplete); err == nil {
			// "SEED SCALE", as demo.Load records it.
			if f := strings.Fields(v); len(f) > 0 {
				if n, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					s = n
				}
			}
			demoMode = true
		}
		if !demoMode {
			return nil, fmt.Errorf("the resident has no portrait: %w", store.ErrNotFound)
		}
		info, err := nik.Parse(n)
		if err != nil {
			return nil, err
		}
		return demo.Portrait(s, n, store.JenisKelamin(string(rune(info.Sex)))), nil
	}
}

// ActivationIssuer issues an activation's credentials with an
// issuance.Issuer: the SD-JWT VC as aktivasi.ConfigSDJWT and each QR
// CWT, base64url, as aktivasi.ConfigQRPrefix + profile.
type ActivationIssuer struct{ Issuer *issuance.Issuer }

var (
	_ aktivasi.Issuer   = ActivationIssuer{}
	_ aktivasi.Releaser = (*issuance.Issuer)(nil)
)

// IssueFor issues the credentials of configs inside the activation's
// transaction.
func (a ActivationIssuer) IssueFor(ctx context.Context, tx store.Tx, p store.Penduduk, dev store.Perangkat, devKey *ecdsa.PublicKey, akt store.Aktivasi, configs []string) ([]aktivasi.Issued, error) {
	kinds, err := aktivasi.Kinds(configs)
	if err != nil {
		return nil, err
	}
	issued, err := a.Issuer.IssueKinds(ctx, tx, p, dev, devKey, akt, kinds)
	if err != nil {
		return nil, err
	}
	out := make([]aktivasi.Issued, 0, len(issued))
	for _, c := range issued {
		out = append(out, aktivasi.Issued{ConfigurationID: issuance.Kind{Format: c.Format, Profile: c.Profile}.ConfigurationID(), Credential: c.Wire()})
	}
	return out, nil
}
