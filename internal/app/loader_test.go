package app

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/aktivasi"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/demo"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/penduduk"
	"github.com/ikd-project/ikd/internal/store"
)

// TestImportRevokesDeceased activates a resident for real, then loads a
// batch (as an import does) that marks them deceased: their four
// credentials are revoked in the same transaction.
func TestImportRevokesDeceased(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		cfg := config.Defaults()
		cfg.DataDir, cfg.Demo = t.TempDir(), true
		cfg.AuditKeyFile = filepath.Join(cfg.DataDir, "audit.key")
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		opts := demo.Options{Seed: 1, Scale: 0.001, AsOf: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
		if err := demo.Load(ctx, st, opts, nil, nil); err != nil {
			t.Fatal(err)
		}
		auditLog, err := NewAuditLog(ctx, &cfg, st, logger)
		if err != nil {
			t.Fatal(err)
		}
		d, err := NewDigitalID(ctx, &cfg, st, auditLog, logger)
		if err != nil {
			t.Fatal(err)
		}
		inbox := &codeCatcher{}
		d.Aktivasi.Mailer = inbox
		page, err := st.ListPenduduk(ctx, store.PendudukFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		var p store.Penduduk
		for _, r := range page {
			if r.StatusNIK == store.NIKAktif && penduduk.Terekam(&r) && r.Email != "" {
				p = r
				break
			}
		}
		offer, err := d.Aktivasi.Offer(ctx, aktivasi.OfferRequest{NIK: p.NIK, Petugas: "t", Kantor: "DISDUKCAPIL-" + p.DesaKode[:5]})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := d.Aktivasi.Redeem(ctx, offer.Code, inbox.code)
		if err != nil {
			t.Fatal(err)
		}
		nonce, _ := d.Aktivasi.Nonce(ctx)
		device, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if _, err := d.Aktivasi.Credential(ctx, tok.AccessToken, proof(t, device, cfg.PublicURL, nonce)); err != nil {
			t.Fatal(err)
		}
		revoked := func() int {
			nonzero, _, err := st.StatusEntries(ctx, "1")
			if err != nil {
				t.Fatal(err)
			}
			return len(nonzero)
		}
		if n := revoked(); n != 0 {
			t.Fatalf("%d revoked entries before the import", n)
		}
		kk, err := st.GetKK(ctx, p.NoKK)
		if err != nil {
			t.Fatal(err)
		}
		p.StatusNIK = store.NIKMati
		l := NewBatchLoader(st, auditLog, "system:import", "test.csv")
		l.Revoker = NewRevoker(st, auditLog) // what ikd import uses: no keys
		if _, err := l.LoadBatch(ctx, &store.Batch{Keluarga: []store.KartuKeluarga{kk}, Penduduk: []store.Penduduk{p}}, 2, 2); err != nil {
			t.Fatal(err)
		}
		if n := revoked(); n != 4 {
			t.Errorf("%d credentials revoked after the import marked the resident deceased, want 4", n)
		}
	})
}
