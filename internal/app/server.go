package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/beranda"
	"github.com/ikd-project/ikd/internal/blangko"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/demo"
	"github.com/ikd-project/ikd/internal/dompet"
	"github.com/ikd-project/ikd/internal/httpapi"
	"github.com/ikd-project/ikd/internal/httpserver"
	"github.com/ikd-project/ikd/internal/jemput"
	"github.com/ikd-project/ikd/internal/konsol"
	"github.com/ikd-project/ikd/internal/ktpel"
	"github.com/ikd-project/ikd/internal/kunci"
	"github.com/ikd-project/ikd/internal/lembaga"
	"github.com/ikd-project/ikd/internal/penduduk"
	"github.com/ikd-project/ikd/internal/permohonan"
	"github.com/ikd-project/ikd/internal/petugas"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/target"
	"github.com/ikd-project/ikd/internal/web"
)

// NewServer wires ikd's HTTP server on an open store and audit log: the
// home page, the officers' console, the wallet and verifier API, the
// institutions' and officers' API. status reports the background demo load for the home page and
// /healthz.
func NewServer(ctx context.Context, cfg *config.Config, st store.Store, auditLog *audit.Log, logger *slog.Logger,
	status func() beranda.LoadStatus) (*httpserver.Server, error) {
	dig, err := NewDigitalID(ctx, cfg, st, auditLog, logger)
	if err != nil {
		return nil, err
	}
	pages, err := web.Parse()
	if err != nil {
		return nil, err
	}
	srv := httpserver.New(logger, st.Ready, func() any { return status() })
	srv.Background((&Reissuer{Store: st, Issuer: dig.Issuer, Logger: logger}).Run)
	stock := &blangko.Service{Store: st, Audit: auditLog}
	// Rate limits per client address count in the database, so that every
	// instance behind a load balancer adds to one count.
	shared := &httpserver.Shared{Counter: st, Logger: logger,
		Hash: func(addr string) string { return auditLog.ValueHash("alamat-ip", addr)[:32] }}
	srv.Background(pruneQuotas(st, logger))
	home := &beranda.Handler{Pages: pages, Stats: st, Stock: stock, Tracking: st, Status: status, Now: time.Now, Logger: logger,
		Shared: shared}
	home.Mount(srv.Handle)
	api := &httpapi.API{PublicURL: dig.PublicURL, Store: st, Keys: dig.Keys, Issuer: dig.Issuer,
		Aktivasi: dig.Aktivasi, Logger: logger}
	// Institutions verify against the trust list this server signs (for the
	// keys) and the status of each credential as the database holds it, so
	// a suspension or revocation counts at once, whichever process made it.
	// Their verifications' audit events are committed together (group
	// commit): each answer still waits for its own event's commit.
	institutions := &lembaga.Service{Store: st, Audit: auditLog, Group: audit.NewGroup(auditLog, st, 0), Quota: st}
	api.UseLembaga(institutions)
	// Officers start activations with their API tokens (POST /api/v1/aktivasi)
	// or in the console, signed in with password and TOTP.
	officers := &petugas.Service{Store: st, Audit: auditLog}
	api.Petugas = officers
	api.Mount(srv.Handle)
	reader := &penduduk.Reader{Store: st, Audit: auditLog, Portrait: dig.Issuer.Portrait}
	// The resident's wallet reads its own record with its device key.
	wallet := &dompet.Handler{Nonces: dig.Aktivasi, Devices: st, Reader: reader, Lembaga: st,
		PublicURL: dig.PublicURL, Now: time.Now, Logger: logger}
	wallet.Mount(srv.Handle)
	// The public verifier page runs the verifier as WebAssembly.
	srv.Handle("GET /verifikasi/", httpserver.AllowWasm(web.App("verifikasi")))
	console := &konsol.Handler{Pages: pages, Petugas: officers, Aktivasi: dig.Aktivasi, Offers: st, Offices: st, Officers: st, Status: dig.Issuer,
		Cards: &ktpel.Service{Store: st, Audit: auditLog}, Printer: dig.Issuer,
		Lembaga: institutions, InstitutionList: st, Keys: dig.Keys, Chain: auditLog, Audit: st,
		KeyAdmin:     &kunci.Service{Keys: dig.Keys, Store: st, Audit: auditLog, MinVerify: CredentialValidity},
		KeyVerifyFor: CredentialValidity,
		Stock:        stock,
		Targets:      st,
		TargetSetter: &target.Service{Store: st, Audit: auditLog},
		Dashboard:    st,
		Drives:       &jemput.Service{Store: st, Audit: auditLog},
		Requests:     &permohonan.Service{Store: st, Audit: auditLog, Stock: stock, Status: dig.Issuer},
		Penduduk:     reader,
		PublicURL:    dig.PublicURL, Logger: logger, Demo: konsol.DemoResidents(st, demo.MetaComplete),
		Shared: shared}
	console.Mount(srv.Handle)
	return srv, nil
}

// pruneQuotas deletes the shared counters of windows that ended more than
// a day ago, once an hour.
func pruneQuotas(st store.Store, logger *slog.Logger) func(ctx context.Context) {
	return func(ctx context.Context) {
		t := time.NewTicker(time.Hour)
		defer t.Stop()
		for {
			if _, err := st.PruneQuota(ctx, time.Now().Add(-24*time.Hour).Unix()); err != nil && ctx.Err() == nil {
				logger.Warn("prune shared counters", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}
}
