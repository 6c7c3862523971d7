package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/ikd-project/ikd/internal/app"
	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/backup"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/store"
)

// runBackup writes a consistent backup of the database, while ikd serve
// runs, with the signed checkpoint of the audit head it holds beside it
// (internal/backup).
func runBackup(ctx context.Context, env *Env, args []string) error {
	cfg := config.Defaults()
	fs := flags(env, "backup", "backup --out FILE [--force] [flags]")
	cfg.Register(fs, env.Getenv, "database", "data-dir", "log", "lang")
	out := fs.String("out", "", "write the backup to this file (SQLite: a database file; PostgreSQL: a pg_dump archive) and its audit checkpoint to FILE.checkpoint")
	force := fs.Bool("force", false, "replace FILE and FILE.checkpoint when they exist")
	if _, err := setup(env, fs, &cfg, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if err := databaseExists(cfg.Database); err != nil {
		return err
	}
	st, err := app.OpenStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	l, err := app.OpenAuditLog(ctx, &cfg, st)
	if err != nil {
		return err
	}
	res, err := backup.Take(ctx, st, cfg.Database, l, *out, *force)
	if err != nil {
		return err
	}
	mb := float64(res.Bytes) / (1 << 20)
	fmt.Fprintf(env.Stdout, "cadangan ditulis: %s (%.1f MB, %s), log audit sampai kejadian %d / backup written: %s (%.1f MB, %s), audit log up to event %d\n",
		res.File, mb, res.Took.Round(1e6), res.Head.Seq, res.File, mb, res.Took.Round(1e6), res.Head.Seq)
	fmt.Fprintf(env.Stdout, "checkpoint: %s\n", res.CheckpointFile)
	fmt.Fprintf(env.Stderr, "simpan cadangan dan checkpoint di luar server, dan %s terpisah darinya / "+
		"keep the backup and its checkpoint off the server, and %s apart from them\n", cfg.AuditKeyFile, cfg.AuditKeyFile)
	return nil
}

// runRestore restores a backup made by ikd backup, after checking it and
// its audit chain against its checkpoint; with --accept it then accepts
// the restored audit head (ikd audit accept-restore).
func runRestore(ctx context.Context, env *Env, args []string) error {
	cfg := config.Defaults()
	fs := flags(env, "restore", "restore --from FILE [--checkpoint FILE] [--accept] [flags]")
	cfg.Register(fs, env.Getenv, "database", "data-dir", "log", "lang")
	from := fs.String("from", "", "the backup file written by ikd backup")
	checkpoint := fs.String("checkpoint", "", "its audit checkpoint (default: FILE.checkpoint)")
	accept := fs.Bool("accept", false, "after restoring, accept the restored audit head as ikd audit accept-restore does")
	if _, err := setup(env, fs, &cfg, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	openLog := func(ctx context.Context, st store.Store) (*audit.Log, error) {
		if st == nil {
			return keyLog(&cfg)
		}
		return app.OpenAuditLog(ctx, &cfg, st)
	}
	res, err := backup.Restore(ctx, cfg.Database, *from, *checkpoint, openLog)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "cadangan %s dipulihkan: log audit utuh sampai kejadian %d, sesuai checkpoint / backup %s restored: audit log intact up to event %d, as its checkpoint says\n",
		*from, res.Head.Seq, *from, res.Head.Seq)
	if res.Before != "" {
		fmt.Fprintf(env.Stdout, "basis data lama disimpan sebagai / the replaced database is kept as %s\n", res.Before)
	}
	if !*accept {
		fmt.Fprintln(env.Stdout, "langkah berikutnya: ikd audit accept-restore (ikd menolak mulai pada log audit yang lebih pendek dari yang pernah dilihatnya) / "+
			"next: ikd audit accept-restore (ikd refuses to start on an audit log shorter than it saw before)")
		return nil
	}
	return acceptRestored(ctx, env, &cfg)
}

// acceptRestored runs ikd audit accept-restore on the restored database.
func acceptRestored(ctx context.Context, env *Env, cfg *config.Config) error {
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	return acceptRestore(ctx, env, cfg, st)
}

// keyLog returns an audit log of the existing audit key file alone.
func keyLog(cfg *config.Config) (*audit.Log, error) {
	if _, err := os.Stat(cfg.AuditKeyFile); err != nil {
		return nil, errs.Newf(errs.Invalid,
			"kunci audit %s tidak ada; pulihkan dulu dari cadangan kunci (audit.key dan audit.chain)",
			"audit key %s is missing; restore it first from the keys' backup (audit.key and audit.chain)", cfg.AuditKeyFile)
	}
	key, err := app.LoadOrCreateKey(cfg.AuditKeyFile, 32)
	if err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	return audit.New(key, nil, nil)
}

// databaseExists refuses to back up an SQLite file that is not there,
// which opening it would create empty.
func databaseExists(database string) error {
	backend, path, err := config.ParseDatabase(database)
	if err != nil || backend != "sqlite" {
		return err
	}
	if _, err := os.Stat(path); err != nil {
		return errs.Newf(errs.NotFound, "basis data %s tidak ada; periksa --database", "database %s does not exist; check --database", path)
	}
	return nil
}
