package app

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/ikd-project/ikd/internal/aktivasi"
	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/demo"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/store"
)

// codeCatcher is the residents' inbox in the benchmark.
type codeCatcher struct{ code string }

func (c *codeCatcher) SendActivationCode(_ context.Context, m aktivasi.CodeMail) error {
	c.code = m.Code
	return nil
}

func (c *codeCatcher) SendEmailChanged(context.Context, aktivasi.ChangeMail) error { return nil }

// BenchmarkActivation runs whole activations: the officer's offer, the
// token, the nonce and the credential request with a device proof, which
// issues the four credentials (SD-JWT VC and three QR CWTs) with every
// database write and audit event, on SQLite (and on PostgreSQL with
// -bench Activation/postgres when IKD_TEST_POSTGRES_DSN is set). The limit
// measured in the same run is the cryptography alone: four ES256
// signatures and one verification.
//
//	go test -run '^$' -bench Activation -benchtime 200x ./internal/app/
func BenchmarkActivation(b *testing.B) {
	for _, be := range ikdtest.Backends {
		b.Run(be.Name, func(b *testing.B) { benchActivation(b, be.Open(b, nil)) })
	}
}

// demoDigitalID loads a demo province at scale into st and wires the
// digital ID on it as serve does, with the activation codes caught in
// the returned inbox.
func demoDigitalID(tb testing.TB, st store.Store, scale float64) (*DigitalID, *audit.Log, *codeCatcher, config.Config) {
	tb.Helper()
	ctx := context.Background()
	cfg := config.Defaults()
	cfg.DataDir, cfg.Demo = tb.TempDir(), true
	cfg.AuditKeyFile = filepath.Join(cfg.DataDir, "audit.key")
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	opts := demo.Options{Seed: 1, Scale: scale, AsOf: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	if err := demo.Load(ctx, st, opts, nil, nil); err != nil {
		tb.Fatal(err)
	}
	auditLog, err := NewAuditLog(ctx, &cfg, st, logger)
	if err != nil {
		tb.Fatal(err)
	}
	d, err := NewDigitalID(ctx, &cfg, st, auditLog, logger)
	if err != nil {
		tb.Fatal(err)
	}
	inbox := &codeCatcher{}
	d.Aktivasi.Mailer = inbox
	return d, auditLog, inbox, cfg
}

func benchActivation(b *testing.B, st store.Store) {
	ctx := context.Background()
	// The demo province at a small scale gives residents to activate.
	d, _, inbox, cfg := demoDigitalID(b, st, 0.005)
	var residents []store.Penduduk
	after := ""
	for len(residents) < 2000 {
		page, err := st.ListPenduduk(ctx, store.PendudukFilter{AfterNIK: after, Limit: 1000})
		if err != nil || len(page) == 0 {
			break
		}
		for _, p := range page {
			if p.StatusNIK == store.NIKAktif && !p.TanggalPerekaman.IsZero() && p.Email != "" {
				residents = append(residents, p)
			}
		}
		after = page[len(page)-1].NIK
	}
	device, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		p := residents[i%len(residents)]
		offer, err := d.Aktivasi.Offer(ctx, aktivasi.OfferRequest{NIK: p.NIK, Petugas: "bench", Kantor: "DISDUKCAPIL-" + p.DesaKode[:5]})
		if err != nil {
			b.Fatal(err)
		}
		tok, err := d.Aktivasi.Redeem(ctx, offer.Code, inbox.code)
		if err != nil {
			b.Fatal(err)
		}
		nonce, err := d.Aktivasi.Nonce(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := d.Aktivasi.Credential(ctx, tok.AccessToken, proof(b, device, cfg.PublicURL, nonce)); err != nil {
			b.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	floor := cryptoFloor(b, d.Keys.Active().Signer(), device)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "activations/s")
	b.ReportMetric(1/floor.Seconds(), "crypto-limit/s")
	b.ReportMetric(floor.Seconds()/(elapsed.Seconds()/float64(b.N)), "ratio")
}

// cryptoFloor times the signatures of one activation: four ES256 signs
// with the issuer key and one verification of a device proof.
func cryptoFloor(b *testing.B, issuer crypto.Signer, device *ecdsa.PrivateKey) time.Duration {
	h := sha256.Sum256([]byte("ikd"))
	sig, _ := ecdsa.SignASN1(rand.Reader, device, h[:])
	const rounds = 200
	start := time.Now()
	for i := 0; i < rounds; i++ {
		for j := 0; j < 4; j++ {
			if _, err := issuer.Sign(rand.Reader, h[:], crypto.SHA256); err != nil {
				b.Fatal(err)
			}
		}
		if !ecdsa.VerifyASN1(&device.PublicKey, h[:], sig) {
			b.Fatal("verify")
		}
	}
	return time.Since(start) / rounds
}

func proof(b testing.TB, device *ecdsa.PrivateKey, aud, nonce string) string {
	opts := (&jose.SignerOptions{ExtraHeaders: map[jose.HeaderKey]any{"jwk": jose.JSONWebKey{Key: &device.PublicKey}}}).
		WithType(aktivasi.ProofType)
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: device}, opts)
	if err != nil {
		b.Fatal(err)
	}
	jws, err := s.Sign([]byte(`{"aud":"` + aud + `","iat":` + strconv.FormatInt(time.Now().Unix(), 10) + `,"nonce":"` + nonce + `"}`))
	if err != nil {
		b.Fatal(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		b.Fatal(err)
	}
	return out
}
