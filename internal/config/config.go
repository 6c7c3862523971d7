// Package config holds ikd's settings. Every setting has a flag and an
// IKD_* environment variable (the flag wins); secrets are read from files
// named by *_FILE variables, never passed on the command line. Every field
// has a default that works on a developer's machine.
package config

import (
	"crypto/tls"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ikd-project/ikd/internal/errs"
)

// Config is the whole of ikd's configuration.
type Config struct {
	// Database selects the backend: "sqlite:PATH" or "postgres://...".
	Database string
	// DataDir holds the SQLite file (by default), keys and the mail outbox.
	DataDir string
	// Listen is the HTTP address of ikd serve.
	Listen string
	// TLSCert and TLSKey are PEM files of the certificate (with its chain)
	// and key that make ikd serve answer HTTPS; both or neither. The
	// wallet and verifier need a secure context, which localhost gives
	// without them.
	TLSCert, TLSKey string
	// LogLevel is debug, info, warn or error; LogFormat is json or text.
	LogLevel  string
	LogFormat string
	// Lang is the language of messages: "id" (Bahasa Indonesia) or "en".
	Lang string
	// Demo makes serve create the demo province on first start.
	Demo      bool
	DemoSeed  int64
	DemoScale float64
	// AuditKeyFile holds the key of the audit log's subject hashes; it is
	// created on first start when missing.
	AuditKeyFile string
	// PublicURL is the URL residents' wallets and verifiers reach ikd at:
	// the credential issuer identifier, the iss of every credential and the
	// base of the status list URIs. Changing it invalidates the URIs in
	// credentials already issued. No trailing slash.
	PublicURL string
	// KeyPassphraseFile names a file holding the passphrase that encrypts
	// the issuer keys (env IKD_KEY_PASSPHRASE_FILE only: a secret is never
	// a flag); empty keeps the keys unencrypted.
	KeyPassphraseFile string
	// SMTP sends the activation e-mails when SMTPAddr (host:port) is set;
	// otherwise they go to DATA-DIR/outbox. From the environment only:
	// IKD_SMTP_ADDR, IKD_SMTP_USER and IKD_SMTP_PASSWORD_FILE (a secret is
	// never a flag).
	SMTPAddr         string
	SMTPUser         string
	SMTPPasswordFile string
}

// Defaults returns the configuration used when nothing is set.
func Defaults() Config {
	return Config{
		Database: "sqlite:" + filepath.Join("data", "ikd.db"), DataDir: "data", Listen: "127.0.0.1:8080",
		PublicURL: defaultPublicURL,
		LogLevel:  "info", LogFormat: "json", Lang: "id", DemoSeed: 1, DemoScale: 1,
	}
}

// Register defines the flags of the fields that a subcommand uses on fs,
// with defaults taken from the environment through getenv. names lists the
// setting names: "database", "data-dir", "listen", "log", "lang", "demo",
// "public-url".
func (c *Config) Register(fs *flag.FlagSet, getenv func(string) string, names ...string) {
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	for _, n := range names {
		switch n {
		case "database":
			fs.StringVar(&c.Database, "database", env("IKD_DATABASE", c.Database),
				"database: sqlite:PATH or postgres://... (env IKD_DATABASE; IKD_DATABASE_FILE reads it from a file)")
		case "data-dir":
			fs.StringVar(&c.DataDir, "data-dir", env("IKD_DATA_DIR", c.DataDir), "directory for data, keys and the mail outbox (env IKD_DATA_DIR)")
			fs.StringVar(&c.AuditKeyFile, "audit-key-file", env("IKD_AUDIT_KEY_FILE", c.AuditKeyFile),
				"file with the audit log's HMAC key, created if missing (env IKD_AUDIT_KEY_FILE; default DATA-DIR/audit.key)")
		case "listen":
			fs.StringVar(&c.Listen, "listen", env("IKD_LISTEN", c.Listen), "HTTP listen address (env IKD_LISTEN)")
			fs.StringVar(&c.TLSCert, "tls-cert", env("IKD_TLS_CERT", c.TLSCert), "PEM certificate (and chain) for HTTPS; with --tls-key (env IKD_TLS_CERT)")
			fs.StringVar(&c.TLSKey, "tls-key", env("IKD_TLS_KEY", c.TLSKey), "PEM private key for HTTPS; with --tls-cert (env IKD_TLS_KEY)")
		case "log":
			fs.StringVar(&c.LogLevel, "log-level", env("IKD_LOG_LEVEL", c.LogLevel), "debug, info, warn or error (env IKD_LOG_LEVEL)")
			fs.StringVar(&c.LogFormat, "log-format", env("IKD_LOG_FORMAT", c.LogFormat), "json or text (env IKD_LOG_FORMAT)")
		case "public-url":
			// Empty unless given: Finish then derives it from --listen.
			fs.StringVar(&c.PublicURL, "public-url", getenv("IKD_PUBLIC_URL"),
				"URL wallets and verifiers reach ikd at, e.g. https://ikd.bengkuluprov.go.id (env IKD_PUBLIC_URL; default http:// and the --listen address)")
		case "lang":
			fs.StringVar(&c.Lang, "lang", env("IKD_LANG", c.Lang), "language of messages: id or en (env IKD_LANG)")
		case "demo":
			c.Demo = env("IKD_DEMO", strconv.FormatBool(c.Demo)) == "true"
			fs.BoolVar(&c.Demo, "demo", c.Demo, "create the Bengkulu demo province on first start (env IKD_DEMO)")
			seed, _ := strconv.ParseInt(env("IKD_DEMO_SEED", fmt.Sprint(c.DemoSeed)), 10, 64)
			fs.Int64Var(&c.DemoSeed, "seed", seed, "demo seed: the same seed gives the same province (env IKD_DEMO_SEED)")
			scale, _ := strconv.ParseFloat(env("IKD_DEMO_SCALE", fmt.Sprint(c.DemoScale)), 64)
			fs.Float64Var(&c.DemoScale, "scale", scale, "demo size: 1 is the full province, 0.01 for tests, up to 10 (env IKD_DEMO_SCALE)")
		}
	}
}

// Finish reads secrets from files, fills derived defaults and validates.
func (c *Config) Finish(getenv func(string) string) error {
	if f := getenv("IKD_DATABASE_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return errs.Newf(errs.Invalid, "IKD_DATABASE_FILE tidak dapat dibaca: %v", "IKD_DATABASE_FILE cannot be read: %v", err)
		}
		c.Database = strings.TrimSpace(string(b))
	}
	if c.AuditKeyFile == "" {
		c.AuditKeyFile = filepath.Join(c.DataDir, "audit.key")
	}
	if f := getenv("IKD_KEY_PASSPHRASE_FILE"); f != "" {
		c.KeyPassphraseFile = f
	}
	c.SMTPAddr, c.SMTPUser, c.SMTPPasswordFile = getenv("IKD_SMTP_ADDR"), getenv("IKD_SMTP_USER"), getenv("IKD_SMTP_PASSWORD_FILE")
	if c.SMTPAddr != "" {
		if _, _, err := net.SplitHostPort(c.SMTPAddr); err != nil {
			return errs.Newf(errs.Invalid, "IKD_SMTP_ADDR %q tidak valid; contoh: smtp.bengkuluprov.go.id:587",
				"IKD_SMTP_ADDR %q is not valid; example: smtp.bengkuluprov.go.id:587", c.SMTPAddr)
		}
	}
	if c.PublicURL == "" {
		c.PublicURL = listenURL(c.Listen)
		if c.TLSCert != "" {
			c.PublicURL = "https://" + strings.TrimPrefix(c.PublicURL, "http://")
		}
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if err := c.Validate(); err != nil {
		return err
	}
	if backend, _, _ := ParseDatabase(c.Database); backend == "postgres" {
		if _, err := postgresTLS(c.Database); err != nil {
			return err
		}
	}
	return nil
}

// defaultPublicURL is the public URL of the default --listen address.
const defaultPublicURL = "http://127.0.0.1:8080"

// listenURL is the default public URL: http:// and the listen address, with
// a wildcard host (":8080", "0.0.0.0:8080") read as this machine. Port 0
// (any free port) is not known before the server binds: the URL is then
// defaultPublicURL, and a test or tool that needs another passes
// --public-url.
func listenURL(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "http://" + listen // Validate names the bad --listen
	}
	if port == "0" {
		return defaultPublicURL
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// Validate checks every setting and names the first one that is wrong.
func (c *Config) Validate() error {
	if _, _, err := ParseDatabase(c.Database); err != nil {
		return err
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return errs.Newf(errs.Invalid, "alamat --listen %q tidak valid; contoh: 127.0.0.1:8080",
			"--listen address %q is not valid; example: 127.0.0.1:8080", c.Listen)
	}
	if _, err := c.SlogLevel(); err != nil {
		return err
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		return errs.Newf(errs.Invalid, "--log-format harus json atau text, bukan %q", "--log-format must be json or text, not %q", c.LogFormat)
	}
	if c.Lang != "id" && c.Lang != "en" {
		return errs.Newf(errs.Invalid, "--lang harus id atau en, bukan %q", "--lang must be id or en, not %q", c.Lang)
	}
	if err := ValidatePublicURL(c.PublicURL); err != nil {
		return err
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return errs.New(errs.Invalid, "--tls-cert dan --tls-key harus diberikan bersama", "--tls-cert and --tls-key go together: give both or neither")
	}
	if c.DemoScale <= 0 || c.DemoScale > 10 {
		return errs.Newf(errs.Invalid, "--scale harus lebih dari 0 dan paling besar 10, bukan %v",
			"--scale must be more than 0 and at most 10, not %v", c.DemoScale)
	}
	return nil
}

// ValidatePublicURL checks a --public-url: an absolute http or https URL
// with a host, no query, fragment, user information or trailing slash.
func ValidatePublicURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(s, "/") || u.Opaque != "" {
		return errs.Newf(errs.Invalid, "--public-url %q tidak valid; contoh: https://ikd.bengkuluprov.go.id (tanpa / di akhir)",
			"--public-url %q is not valid; example: https://ikd.bengkuluprov.go.id (no trailing /)", s)
	}
	return nil
}

// SlogLevel returns the log level as a slog.Level.
func (c *Config) SlogLevel() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return l, errs.Newf(errs.Invalid, "--log-level harus debug, info, warn atau error, bukan %q",
			"--log-level must be debug, info, warn or error, not %q", c.LogLevel)
	}
	return l, nil
}

// ParseDatabase splits a database setting into its backend ("sqlite" or
// "postgres") and the path or DSN the backend opens.
func ParseDatabase(s string) (backend, target string, err error) {
	switch {
	case strings.HasPrefix(s, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(s, "sqlite:"), "//")
		if path == "" {
			break
		}
		return "sqlite", path, nil
	case strings.HasPrefix(s, "postgres://"), strings.HasPrefix(s, "postgresql://"):
		return "postgres", s, nil
	}
	// The setting is not echoed: it may hold a password.
	return "", "", errs.New(errs.Invalid,
		"--database tidak dikenal; gunakan sqlite:PATH (misalnya sqlite:./data/ikd.db) atau postgres://USER@HOST:PORT/DB",
		"--database is not recognised; use sqlite:PATH (e.g. sqlite:./data/ikd.db) or postgres://USER@HOST:PORT/DB")
}

// TLSConfig returns the HTTPS configuration of --tls-cert and --tls-key,
// or nil when HTTPS is off. It loads the pair now, so a wrong file stops
// the start with its name.
func (c *Config) TLSConfig() (*tls.Config, error) {
	if c.TLSCert == "" {
		return nil, nil
	}
	pair, err := tls.LoadX509KeyPair(c.TLSCert, c.TLSKey)
	if err != nil {
		return nil, errs.Newf(errs.Invalid, "sertifikat TLS %s / kunci %s tidak dapat dimuat: %v",
			"the TLS certificate %s / key %s cannot be loaded: %v", c.TLSCert, c.TLSKey, err)
	}
	return &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}, nil
}
