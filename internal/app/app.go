// Package app is ikd's composition root: it turns a config.Config into an
// open store, an audit log and a logger. It is the only package that knows
// the concrete storage backends.
package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"github.com/ikd-project/ikd/internal/atomicfile"
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
	return openStoreAt(ctx, cfg, nil)
}

// openStoreAt opens the database with the store's clock now (time.Now when
// nil): the demo's activation history runs on a clock set to past dates.
func openStoreAt(ctx context.Context, cfg *config.Config, now func() time.Time) (Migrator, error) {
	backend, target, err := config.ParseDatabase(cfg.Database)
	if err != nil {
		return nil, err
	}
	switch backend {
	case "sqlite":
		return sqlite.Open(ctx, target, now)
	default:
		return postgres.Open(ctx, target, now)
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

// auditKeyMeta is the meta key holding the audit key's fingerprint, which
// ties a database to its key.
const auditKeyMeta = "audit.key_id"

// NewAuditLog loads the audit key from its file, creating a random one
// (mode 0600) on the database's first start, and returns the audit log.
// The database remembers the key's fingerprint: a missing or different key
// file later is an error, not a new key, because a new key would make
// every resident's existing audit history impossible to look up. It also
// marks the chain keyed (audit.Log.Bind): from event 1 in a new database,
// from the next event in one written by an ikd from before the keyed chain.
func NewAuditLog(ctx context.Context, cfg *config.Config, st store.Store, logger *slog.Logger) (*audit.Log, error) {
	want, err := boundKeyID(ctx, cfg, st)
	if err != nil {
		return nil, err
	}
	key, err := LoadOrCreateKey(cfg.AuditKeyFile, auditKeySize)
	if err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	if err := checkKeyID(cfg, key, want); err != nil {
		return nil, err
	}
	if want == "" {
		if err := st.SetMeta(ctx, auditKeyMeta, keyID(key)); err != nil {
			return nil, err
		}
	}
	l, err := audit.New(key, time.Now, logger)
	if err != nil {
		return nil, err
	}
	if err := bindChain(ctx, cfg, st, l, logger); err != nil {
		return nil, err
	}
	return l, nil
}

// bindChain binds l to the keyed chain of st. The chain file next to the
// audit key records, outside the database, from which event the chain is
// keyed; when it exists, the database's marker must agree with it (a
// deleted marker is an error, not a chain from before the keyed chain).
// Only a database without the file, new or from before the keyed chain,
// is marked (audit.Log.Bind), and the file then written once. First, the
// database's audit head must not be below the highest event seen in it
// before (RecordSeen).
func bindChain(ctx context.Context, cfg *config.Config, st store.Store, l *audit.Log, logger *slog.Logger) error {
	if err := RecordSeen(ctx, cfg, st, l); err != nil {
		return err
	}
	file := audit.ChainFile(cfg.AuditKeyFile)
	recorded, ok, err := l.ReadChainFile(file)
	if err != nil {
		return err
	}
	if ok {
		l.Expect(recorded)
	}
	since, err := l.Bind(ctx, st)
	if err != nil {
		return fmt.Errorf("audit key %s: %w", cfg.AuditKeyFile, err)
	}
	if !ok {
		if err := l.WriteChainFile(file, since); err != nil {
			return err
		}
	}
	if logger != nil && !ok && since > 1 {
		logger.Info("audit chain keyed with HMAC-SHA256 from this event on; earlier events keep plain SHA-256", "since", since)
	}
	return nil
}

// OpenAuditLog loads the existing audit key of a database, to read and
// verify its log: it creates no key file and writes nothing. A database
// that was never bound to a key (never started) and has no key file is
// checked with a throwaway key: it can hold no keyed event.
func OpenAuditLog(ctx context.Context, cfg *config.Config, st store.Store) (*audit.Log, error) {
	want, err := boundKeyID(ctx, cfg, st)
	if err != nil {
		return nil, err
	}
	if _, serr := os.Stat(cfg.AuditKeyFile); want == "" && errors.Is(serr, fs.ErrNotExist) {
		throwaway := make([]byte, auditKeySize)
		rand.Read(throwaway)
		return audit.New(throwaway, time.Now, nil)
	}
	key, err := LoadOrCreateKey(cfg.AuditKeyFile, auditKeySize)
	if err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	if err := checkKeyID(cfg, key, want); err != nil {
		return nil, err
	}
	l, err := audit.New(key, time.Now, nil)
	if err != nil {
		return nil, err
	}
	since, ok, err := l.ReadChainFile(audit.ChainFile(cfg.AuditKeyFile))
	if err != nil {
		return nil, err
	}
	if ok {
		l.Expect(since)
	}
	seen, _, err := l.ReadSeenFile(audit.SeenFile(cfg.AuditKeyFile))
	if err != nil {
		return nil, err
	}
	l.ExpectAtLeast(seen)
	return l, nil
}

// RecordSeen checks the database's audit head against the highest event
// seen in it before (the seen file next to the audit key) and records the
// head as the new mark. A head below the mark means events were deleted or
// the database rolled back: an error, which ikd audit accept-restore
// clears for a deliberate restore. ikd calls it at start and on a clean
// shutdown.
func RecordSeen(ctx context.Context, cfg *config.Config, st store.Store, l *audit.Log) error {
	file := audit.SeenFile(cfg.AuditKeyFile)
	seen, ok, err := l.ReadSeenFile(file)
	if err != nil {
		return err
	}
	head, err := st.AuditHead(ctx)
	if err != nil {
		return fmt.Errorf("read audit head: %w", err)
	}
	if head.Seq < seen {
		return audit.ErrBelowSeen(head.Seq, seen, file)
	}
	if ok && head.Seq == seen {
		return nil
	}
	return l.WriteSeenFile(file, head.Seq)
}

// AcceptRestore accepts the database's audit log as it now is, after a
// deliberate restore from a backup: the seen file is rewritten at the
// current head, and when the database has neither events nor a chain
// marker (an empty database restored or re-created), the chain file is
// removed so that the next start marks the chain keyed from event 1. It
// returns the accepted head.
func AcceptRestore(ctx context.Context, cfg *config.Config, st store.Store) (int64, error) {
	if _, err := os.Stat(cfg.AuditKeyFile); err != nil {
		return 0, fmt.Errorf("audit key: %w", err)
	}
	l, err := OpenAuditLog(ctx, cfg, st)
	if err != nil {
		return 0, err
	}
	head, err := st.AuditHead(ctx)
	if err != nil {
		return 0, fmt.Errorf("read audit head: %w", err)
	}
	if _, err := st.GetMeta(ctx, audit.ChainMeta); store.IsNotFound(err) && head.Seq == 0 {
		if err := os.Remove(audit.ChainFile(cfg.AuditKeyFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return 0, fmt.Errorf("remove audit chain file: %w", err)
		}
	} else if err != nil {
		return 0, fmt.Errorf("read audit chain marker: %w", err)
	}
	return head.Seq, l.WriteSeenFile(audit.SeenFile(cfg.AuditKeyFile), head.Seq)
}

// boundKeyID returns the fingerprint of the key the database's audit log
// was written with ("" for a database that has none yet), and refuses a
// missing key file for a database that has one.
func boundKeyID(ctx context.Context, cfg *config.Config, st store.Store) (string, error) {
	want, err := st.GetMeta(ctx, auditKeyMeta)
	if err != nil && !store.IsNotFound(err) {
		return "", err
	}
	if _, serr := os.Stat(cfg.AuditKeyFile); want != "" && errors.Is(serr, fs.ErrNotExist) {
		return "", fmt.Errorf("audit key %s is missing, but this database's audit log was written with key %s: restore the key file (it belongs with the database's backups)", cfg.AuditKeyFile, want)
	}
	return want, nil
}

// checkKeyID refuses a key that is not the one the database is bound to.
func checkKeyID(cfg *config.Config, key []byte, want string) error {
	if id := keyID(key); want != "" && want != id {
		return fmt.Errorf("audit key %s (%s) is not the key this database's audit log was written with (%s)", cfg.AuditKeyFile, id, want)
	}
	return nil
}

// keyID is a key's public fingerprint: it names the key without revealing it.
func keyID(key []byte) string { return audit.KeyID(key) }

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
		// Create, not Write: of two processes starting at once, one fails
		// rather than both writing a key.
		return key, atomicfile.Create(path, key, 0o600)
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
