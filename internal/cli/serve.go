package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ikd-project/ikd/internal/app"
	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/beranda"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/demo"
	"github.com/ikd-project/ikd/internal/store"
)

// shutdownGrace is how long requests in flight get to finish on SIGTERM.
const shutdownGrace = 15 * time.Second

func runServe(ctx context.Context, env *Env, args []string) error {
	cfg := config.Defaults()
	fs := flags(env, "serve", "serve [flags]")
	cfg.Register(fs, env.Getenv, "database", "data-dir", "listen", "log", "lang", "demo", "public-url")
	logger, err := setup(env, fs, &cfg, args)
	if err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if w := cfg.DatabaseWarning(); w != "" {
		// At every start, not once: the connection to a remote database
		// carries residents' personal data and the password.
		logger.Warn(w)
	}
	st, auditLog, err := openAudited(ctx, &cfg, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	status := &loadStatus{}
	srv, err := app.NewServer(ctx, &cfg, st, auditLog, logger, status.snapshot)
	if err != nil {
		return err
	}
	status.register(srv.Registry())
	tlsConfig, err := cfg.TLSConfig()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	// The demo loads in the background while the server already answers;
	// the home page shows its progress. It stops between batches on
	// shutdown and picks up again on the next start.
	var wg sync.WaitGroup
	if cfg.Demo {
		wg.Go(func() {
			loadDemoInBackground(ctx, st, &cfg, app.NewBatchLoader(st, auditLog, "system:demo", "demo"), auditLog, status, logger)
		})
	}
	scheme := "http"
	if tlsConfig != nil {
		scheme = "https"
	}
	logger.Info("listening", "url", scheme+"://"+ln.Addr().String()+"/", "backend", st.Backend(), "version", Version())
	fmt.Fprintf(env.Stderr, "ikd: buka / open %s://%s/ (konsol petugas: /konsol/)\n", scheme, ln.Addr())
	err = srv.Serve(ctx, ln, tlsConfig, shutdownGrace)
	wg.Wait()
	return errors.Join(err, recordSeenOnShutdown(ctx, &cfg, st, auditLog))
}

// recordSeenOnShutdown records the audit head reached by this run in the
// seen file (app.RecordSeen), so that events deleted before the next start
// are noticed then; ctx may already be cancelled.
func recordSeenOnShutdown(ctx context.Context, cfg *config.Config, st store.Store, l *audit.Log) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := app.RecordSeen(ctx, cfg, st, l); err != nil {
		return fmt.Errorf("on shutdown: %w", err)
	}
	return nil
}

func loadDemoInBackground(ctx context.Context, st store.Store, cfg *config.Config, l *app.BatchLoader, auditLog *audit.Log, status *loadStatus, logger *slog.Logger) {
	unlock, err := waitDemoLock(ctx, st, logger)
	if err != nil {
		if ctx.Err() == nil {
			logger.Error("demo: lock", "err", err)
			status.fail(err)
		}
		return
	}
	defer unlock()
	done, err := demoComplete(ctx, st)
	if err != nil {
		logger.Error("demo: read state", "err", err)
		status.fail(err)
		return
	}
	if done {
		historyInBackground(ctx, st, cfg, auditLog, status, logger)
		return
	}
	logger.Info("demo: creating the Bengkulu demo province in the background", "seed", cfg.DemoSeed, "scale", cfg.DemoScale)
	start := time.Now()
	err = loadDemo(ctx, st, cfg, l, status.progress)
	switch {
	case errors.Is(err, context.Canceled):
		logger.Info("demo: stopped before it finished; it resumes on the next start")
	case err != nil:
		logger.Error("demo: failed", "err", err)
		status.fail(err)
	default:
		logger.Info("demo: complete", "residents", status.snapshot().Done, "duration", time.Since(start).Round(time.Second).String())
		historyInBackground(ctx, st, cfg, auditLog, status, logger)
	}
}

// demoLockWait is how often serve tries again for the demo's lock while
// another process generates the demo.
const demoLockWait = 5 * time.Second

// waitDemoLock takes the lock that keeps two processes from generating
// the demo in one database at once, waiting while another holds it.
func waitDemoLock(ctx context.Context, st store.Store, logger *slog.Logger) (func(), error) {
	for said := false; ; said = true {
		unlock, err := st.TryLock(ctx, demoLock)
		if !errors.Is(err, store.ErrLocked) {
			return unlock, err
		}
		if !said {
			logger.Info("demo: another ikd process is creating the demo in this database; waiting for it")
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(demoLockWait):
		}
	}
}

// historyInBackground gives the demo its activations since 2022 (about 2%
// of the residents who can activate, through the real activation flow);
// the home page shows the progress as it does the residents'. Before it,
// once, the demo's blangko ledger and service requests (demo.LoadStock,
// demo.LoadRequests: a second or two).
func historyInBackground(ctx context.Context, st store.Store, cfg *config.Config, auditLog *audit.Log, status *loadStatus, logger *slog.Logger) {
	if err := demo.LoadStock(ctx, st, time.Now(), cfg.DemoScale); err != nil {
		logger.Error("demo stock: failed", "err", err)
	}
	if err := demo.LoadRequests(ctx, st, time.Now()); err != nil {
		logger.Error("demo requests: failed", "err", err)
	}
	start := time.Now()
	n, err := demoHistory(ctx, st, cfg, auditLog, status.progress)
	switch {
	case errors.Is(err, context.Canceled):
		logger.Info("demo history: stopped before it finished; it resumes on the next start")
		return
	case err != nil:
		logger.Error("demo history: failed", "err", err)
		status.fail(err)
		return
	}
	if n > 0 {
		logger.Info("demo history: complete", "activations", n, "duration", time.Since(start).Round(time.Second).String())
	}
	status.complete()
}

// loadStatus tracks the background demo load for /healthz, the home page
// and /metrics.
type loadStatus struct {
	mu          sync.Mutex
	s           beranda.LoadStatus
	done, total prometheus.GaugeFunc
}

func (l *loadStatus) progress(done, total int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.s.Active, l.s.Done, l.s.Total = true, int64(done), int64(total)
}

func (l *loadStatus) complete() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.s.Active, l.s.Complete = false, true
}

func (l *loadStatus) fail(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.s.Active, l.s.Err = false, err.Error()
}

func (l *loadStatus) snapshot() beranda.LoadStatus {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.s
}

func (l *loadStatus) register(r *prometheus.Registry) {
	r.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "ikd_demo_residents_loaded", Help: "Residents of the demo province written so far.",
	}, func() float64 { return float64(l.snapshot().Done) }))
}
