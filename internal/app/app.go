// Package app is ikd's composition root: it turns a config.Config into an
// open store, an audit log and a logger. It is the only package that knows
// the concrete storage backends.
package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/store/postgres"
	"github.com/ikd-project/ikd/internal/store/sqlite"
)

// Migrator is a store that can bring its schema up to date.
type Migrator interface {
	store.Store
	Migrate(ctx context.Context) (int, error)
}

// OpenStore opens the database the configuration names. It does not
// migrate; call Migrate on the result.
func OpenStore(ctx context.Context, cfg *config.Config) (Migrator, error) {
	backend, target, err := config.ParseDatabase(cfg.Database)
	if err != nil {
		return nil, err
	}
	switch backend {
	case "sqlite":
		return sqlite.Open(ctx, target, nil)
	default:
		return postgres.Open(ctx, target, nil)
	}
}

// OpenMigrated opens the database, applies pending migrations and creates
// the reference offices that are missing.
func OpenMigrated(ctx context.Context, cfg *config.Config, logger *slog.Logger) (Migrator, error) {
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	n, err := st.Migrate(ctx)
	if err != nil {
		st.Close()
		return nil, err
	}
	if n > 0 {
		logger.Info("database migrated", "backend", st.Backend(), "applied", n)
	}
	if n, err = kantor.Seed(ctx, st); err != nil {
		st.Close()
		return nil, err
	}
	if n > 0 {
		logger.Info("reference offices created", "count", n)
	}
	return st, nil
}

// NewLogger returns the JSON (or text) logger the configuration asks for.
func NewLogger(cfg *config.Config, w io.Writer) (*slog.Logger, error) {
	level, err := cfg.SlogLevel()
	if err != nil {
		return nil, err
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return slog.New(slog.NewJSONHandler(w, opts)), nil
}

// auditKeySize is the length of a new audit key.
const auditKeySize = 32

// NewAuditLog loads the audit key from its file, creating a random one
// (mode 0600) on first start, and returns the audit log.
func NewAuditLog(cfg *config.Config, logger *slog.Logger) (*audit.Log, error) {
	key, err := LoadOrCreateKey(cfg.AuditKeyFile, auditKeySize)
	if err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	return audit.New(key, time.Now, logger)
}

// LoadOrCreateKey reads a secret key file, or creates it with size random
// bytes and mode 0600 when it does not exist. A file that is readable by
// other users is refused.
func LoadOrCreateKey(path string, size int) ([]byte, error) {
	key, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key = make([]byte, size)
		rand.Read(key)
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, err
		}
		if _, err := f.Write(key); err != nil {
			f.Close()
			return nil, err
		}
		return key, f.Close()
	}
	if err != nil {
		return nil, err
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s is readable by other users (mode %v); run chmod 600 %s", path, info.Mode().Perm(), path)
	}
	if len(key) < size {
		return nil, fmt.Errorf("%s holds %d bytes, want %d", path, len(key), size)
	}
	return key, nil
}
