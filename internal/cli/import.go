package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/app"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/siakimport"
)

func runImport(ctx context.Context, env *Env, args []string) error {
	cfg := config.Defaults()
	fs := flags(env, "import", "import [flags] FILE.csv")
	cfg.Register(fs, env.Getenv, "database", "data-dir", "log", "lang", "public-url")
	batch := fs.Int("batch", siakimport.DefaultBatchSize, "residents per transaction")
	rejectsPath := fs.String("rejects", "", "file for rejected rows (default FILE.rejects.csv beside the input)")
	logger, err := setup(env, fs, &cfg, args)
	if err != nil {
		return err
	}
	path, err := oneArg(fs, "FILE.csv")
	if err != nil {
		return err
	}
	if *batch < 1 || *batch > 100000 {
		return errs.Newf(errs.Invalid, "--batch harus antara 1 dan 100000, bukan %d", "--batch must be between 1 and 100000, not %d", *batch)
	}
	in, err := os.Open(path)
	if err != nil {
		return errs.Newf(errs.Invalid, "berkas %s tidak dapat dibuka: %v", "cannot open %s: %v", path, err)
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	st, auditLog, err := openAudited(ctx, &cfg, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	// A resident whose NIK the export marks deactivated or deceased loses
	// their digital ID in the same transaction.
	loader := app.NewBatchLoader(st, auditLog, "system:import", filepath.Base(path))
	loader.Revoker = app.NewRevoker(st, auditLog)
	// A resident with a digital ID whose data changed is queued for the
	// server to re-issue (the import holds no signing keys).
	loader.Reissue = true
	if *rejectsPath == "" {
		*rejectsPath = strings.TrimSuffix(path, filepath.Ext(path)) + ".rejects.csv"
	}
	if ri, err := os.Stat(*rejectsPath); err == nil && os.SameFile(ri, info) {
		return errs.Newf(errs.Invalid, "--rejects %s adalah berkas yang diimpor; pilih berkas lain", "--rejects %s is the file being imported; choose another file", *rejectsPath)
	}
	// The rejects file holds residents' full data: owner-only, like the database.
	rej, err := os.OpenFile(*rejectsPath, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	rejw := bufio.NewWriter(rej)
	progress := siakimport.NewProgressLang(env.Stderr, env.IsTerminal, time.Now, cfg.Lang)
	var rep siakimport.Report
	runErr := app.WithDeferredIndexes(ctx, st, func() error {
		var err error
		rep, err = siakimport.Run(ctx, bufio.NewReaderSize(in, 1<<20), siakimport.Options{
			Loader: loader, Rejects: rejw,
			Progress: progress, Size: info.Size(), Now: time.Now(), BatchSize: *batch,
		})
		return err
	})
	progress.Done()
	if err := rejw.Flush(); err != nil {
		return err
	}
	if err := rej.Close(); err != nil {
		return err
	}
	if runErr != nil && rep.Rows == 0 {
		// Not a SIAK export at all (or stopped before the first row): there
		// is nothing to report and no rejects file to keep.
		os.Remove(*rejectsPath)
		return runErr
	}
	printReport(env, &cfg, rep, *rejectsPath)
	logger.Info("import finished", "file", filepath.Base(path), "rows", rep.Rows, "imported", rep.Imported, "rejected", rep.Rejected)
	return runErr
}

// printReport shows the first row errors, the summary, and where the
// rejected rows went.
func printReport(env *Env, cfg *config.Config, rep siakimport.Report, rejectsPath string) {
	const shown = 20
	for i, e := range rep.Errors {
		if i == shown {
			fmt.Fprintf(env.Stdout, "... %d lagi / more\n", rep.Rejected-shown)
			break
		}
		fmt.Fprintln(env.Stdout, e.Message(cfg.Lang))
	}
	fmt.Fprint(env.Stdout, rep.Summary(cfg.Lang))
	if rep.Rejected > 0 {
		fmt.Fprintf(env.Stdout, "%s: %s\n", map[bool]string{true: "rejected rows", false: "baris yang ditolak"}[cfg.Lang == "en"], rejectsPath)
	}
}
