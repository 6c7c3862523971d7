package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/ikd-project/ikd/internal/app"
	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/demo"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/httpapi"
	"github.com/ikd-project/ikd/internal/siakimport"
	"github.com/ikd-project/ikd/internal/store"
)

// demoAsOf is the demo province's "today": ages, recording dates and cards
// are generated relative to it, so a seed gives the same province on any
// day and on either database.
var demoAsOf = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func demoOptions(cfg *config.Config) demo.Options {
	return demo.Options{Seed: cfg.DemoSeed, Scale: cfg.DemoScale, AsOf: demoAsOf}
}

// demoLock is the store lock (store.Store.TryLock) held while a process
// generates the demo, so that two never write it at once.
const demoLock = "demo"

// errDemoBusy: another process is generating the demo in this database.
var errDemoBusy = errs.New(errs.Conflict,
	"proses ikd lain (misalnya ikd serve --demo) sedang membuat data demo di basis data ini; tunggu sampai selesai (lihat /healthz), lalu coba lagi",
	"another ikd process (such as ikd serve --demo) is creating the demo in this database; wait until it is done (see /healthz), then try again")

func runDemo(ctx context.Context, env *Env, args []string) error {
	cfg := config.Defaults()
	fs := flags(env, "demo", "demo [flags] [--csv FILE] [--samples]")
	cfg.Register(fs, env.Getenv, "database", "data-dir", "log", "lang", "demo", "public-url")
	csvPath := fs.String("csv", "", "write the demo province as a SIAK CSV to this file instead of the database")
	samples := fs.Bool("samples", false, "also activate two demo residents and write sample QR images (valid, expired, revoked) and the trust list to DATA-DIR/samples")
	logger, err := setup(env, fs, &cfg, args)
	if err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	opts := demoOptions(&cfg)
	if *csvPath != "" {
		return writeDemoCSV(*csvPath, opts, env)
	}
	st, auditLog, err := openAudited(ctx, &cfg, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	unlock, err := st.TryLock(ctx, demoLock)
	if errors.Is(err, store.ErrLocked) {
		return errDemoBusy
	}
	if err != nil {
		return err
	}
	defer unlock()
	if done, err := demoComplete(ctx, st); err != nil {
		return err
	} else if !done || !*samples {
		if err := loadDemoProgress(ctx, env, st, &cfg, auditLog); err != nil {
			return err
		}
	}
	if !*samples {
		return nil
	}
	cfg.Demo = true // demo portraits for the sample residents
	dig, err := app.NewDigitalID(ctx, &cfg, st, auditLog, logger)
	if err != nil {
		return err
	}
	api := &httpapi.API{PublicURL: dig.PublicURL, Store: st, Keys: dig.Keys, Issuer: dig.Issuer, Aktivasi: dig.Aktivasi, Logger: logger}
	return writeSamples(ctx, env, st, dig, api, filepath.Join(cfg.DataDir, "samples"))
}

// loadDemoProgress loads the demo province with a progress bar.
func loadDemoProgress(ctx context.Context, env *Env, st store.Store, cfg *config.Config, auditLog *audit.Log) error {
	opts := demoOptions(cfg)
	p := siakimport.NewProgress(env.Stderr, env.IsTerminal, time.Now)
	start := time.Now()
	err := loadDemo(ctx, st, cfg, app.NewBatchLoader(st, auditLog, "system:demo", "demo"), func(done, total int) {
		p.Update(int64(done), int64(total), done, 0)
	})
	p.Done()
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "demo Bengkulu: %d penduduk dalam %s / %d residents in %s\n",
		demo.Total(opts), time.Since(start).Round(time.Millisecond), demo.Total(opts), time.Since(start).Round(time.Millisecond))
	p = siakimport.NewProgress(env.Stderr, env.IsTerminal, time.Now)
	n, err := demoHistory(ctx, st, cfg, auditLog, func(done, total int) { p.Update(int64(done), int64(total), done, 0) })
	p.Done()
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(env.Stdout, "riwayat aktivasi demo / demo activation history: %d aktivasi sejak 2022 / activations since 2022\n", n)
	}
	return nil
}

// demoHistory gives the demo its activations since 2022, unless it has
// them already, then its enrollment drives (app.DemoDrives, once), and
// returns how many activations it made.
func demoHistory(ctx context.Context, st store.Store, cfg *config.Config, auditLog *audit.Log, progress func(done, total int)) (int, error) {
	n, err := demoActivations(ctx, st, cfg, auditLog, progress)
	if err != nil {
		return n, err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	m, err := app.DemoDrives(ctx, cfg, auditLog, quiet, cfg.DemoSeed)
	return n + m, err
}

// demoActivations is the demo's activation history, unless it has it.
func demoActivations(ctx context.Context, st store.Store, cfg *config.Config, auditLog *audit.Log, progress func(done, total int)) (int, error) {
	if _, err := st.GetMeta(ctx, app.HistoryMeta); err == nil {
		return 0, nil
	} else if !store.IsNotFound(err) {
		return 0, err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	// The history runs to today, so that the dashboard's weekly trend
	// and pace reach the current week (the residents stay as of demoAsOf).
	until := demoAsOf
	if now := time.Now().UTC(); now.After(until) {
		until = now
	}
	return app.DemoHistory(ctx, cfg, auditLog, quiet, cfg.DemoSeed, until, progress)
}

func writeDemoCSV(path string, opts demo.Options, env *Env) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := demo.WriteCSV(w, opts); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s: %d baris / rows\n", path, demo.Total(opts))
	return nil
}

// demoComplete reports whether the demo province was generated to the end.
func demoComplete(ctx context.Context, st store.Store) (bool, error) {
	_, err := st.GetMeta(ctx, demo.MetaComplete)
	if store.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// loadDemo writes the demo province with each batch audited by loader.
func loadDemo(ctx context.Context, st store.Store, cfg *config.Config, l *app.BatchLoader, progress func(done, total int)) error {
	return app.WithDeferredIndexes(ctx, st, func() error {
		return demo.Load(ctx, st, demoOptions(cfg), func(ctx context.Context, b *store.Batch) error {
			_, err := l.LoadBatch(ctx, b, 0, 0)
			return err
		}, progress)
	})
}
