package config

import (
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/errs"
)

func load(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	c := Defaults()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	getenv := func(k string) string { return env[k] }
	c.Register(fs, getenv, "database", "data-dir", "listen", "log", "lang", "demo", "public-url")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	return c, c.Finish(getenv)
}

func TestDefaults(t *testing.T) {
	c, err := load(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Database != "sqlite:data/ikd.db" || c.Listen != "127.0.0.1:8080" || c.AuditKeyFile != filepath.Join("data", "audit.key") || c.Demo {
		t.Errorf("defaults: %+v", c)
	}
}

func TestPrecedence(t *testing.T) {
	env := map[string]string{"IKD_LISTEN": "127.0.0.1:9000", "IKD_DEMO": "true", "IKD_DEMO_SCALE": "0.5", "IKD_DATABASE": "postgres://x@h/db?sslmode=verify-full"}
	c, err := load(t, env, "--listen", "127.0.0.1:9100")
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:9100" || !c.Demo || c.DemoScale != 0.5 || c.Database != "postgres://x@h/db?sslmode=verify-full" {
		t.Errorf("flag over env over default: %+v", c)
	}
}

func TestSecretFromFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "dsn")
	os.WriteFile(f, []byte("postgres://ikd:s3cret@db/ikd?sslmode=verify-full\n"), 0o600)
	c, err := load(t, map[string]string{"IKD_DATABASE_FILE": f})
	if err != nil {
		t.Fatal(err)
	}
	if c.Database != "postgres://ikd:s3cret@db/ikd?sslmode=verify-full" {
		t.Errorf("Database = %q", c.Database)
	}
	_, err = load(t, map[string]string{"IKD_DATABASE_FILE": filepath.Join(t.TempDir(), "missing")})
	if !errors.Is(err, errs.Invalid) {
		t.Errorf("missing secret file: %v", err)
	}
}

func TestBadValues(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string // in the Indonesian message
	}{
		{[]string{"--database", "mysql://x"}, "--database"},
		{[]string{"--database", "sqlite:"}, "--database"},
		{[]string{"--listen", "8080"}, "--listen"},
		{[]string{"--log-level", "loud"}, "--log-level"},
		{[]string{"--log-format", "xml"}, "--log-format"},
		{[]string{"--lang", "fr"}, "--lang"},
		{[]string{"--scale", "0"}, "--scale"},
		{[]string{"--scale", "11"}, "--scale"},
		{[]string{"--tls-cert", "cert.pem"}, "--tls-key"},
	} {
		_, err := load(t, nil, c.args...)
		var e *errs.Error
		if !errors.As(err, &e) || !strings.Contains(e.ID, c.want) || !strings.Contains(e.EN, c.want) {
			t.Errorf("%v: err = %v, want a bilingual message naming %s", c.args, err, c.want)
		}
	}
}

func TestParseDatabase(t *testing.T) {
	for in, want := range map[string][2]string{
		"sqlite:./data/ikd.db":                  {"sqlite", "./data/ikd.db"},
		"sqlite:///var/lib/ikd.db":              {"sqlite", "/var/lib/ikd.db"},
		"postgres://u@127.0.0.1:5432/ikd":       {"postgres", "postgres://u@127.0.0.1:5432/ikd"},
		"postgresql://u@127.0.0.1:5432/ikd?x=1": {"postgres", "postgresql://u@127.0.0.1:5432/ikd?x=1"},
	} {
		b, target, err := ParseDatabase(in)
		if err != nil || b != want[0] || target != want[1] {
			t.Errorf("ParseDatabase(%q) = %q, %q, %v", in, b, target, err)
		}
	}
}

func TestPublicURL(t *testing.T) {
	c, err := load(t, nil)
	if err != nil || c.PublicURL != "http://127.0.0.1:8080" {
		t.Fatalf("default public URL %q, %v", c.PublicURL, err)
	}
	// Without --public-url it follows --listen (a wildcard host is this machine).
	for listen, want := range map[string]string{"127.0.0.1:18081": "http://127.0.0.1:18081", ":9090": "http://127.0.0.1:9090",
		"0.0.0.0:8443": "http://127.0.0.1:8443", "[::1]:8080": "http://[::1]:8080"} {
		if c, err := load(t, nil, "--listen", listen); err != nil || c.PublicURL != want {
			t.Errorf("--listen %s: public URL %q, %v; want %s", listen, c.PublicURL, err, want)
		}
	}
	if c, err := load(t, nil, "--listen", ":9090", "--public-url", "https://ikd.example"); err != nil || c.PublicURL != "https://ikd.example" {
		t.Errorf("--public-url with --listen: %q, %v", c.PublicURL, err)
	}
	c, err = load(t, map[string]string{"IKD_PUBLIC_URL": "https://ikd.bengkuluprov.go.id/", "IKD_KEY_PASSPHRASE_FILE": "/run/secrets/kp"})
	if err != nil || c.PublicURL != "https://ikd.bengkuluprov.go.id" || c.KeyPassphraseFile != "/run/secrets/kp" {
		t.Errorf("from the environment: %q %q, %v", c.PublicURL, c.KeyPassphraseFile, err)
	}
	c, err = load(t, map[string]string{"IKD_PUBLIC_URL": "https://a.example"}, "--public-url", "https://b.example/ikd")
	if err != nil || c.PublicURL != "https://b.example/ikd" {
		t.Errorf("flag over env: %q, %v", c.PublicURL, err)
	}
	for _, bad := range []string{"ikd.example", "ftp://ikd.example", "https://", "https://u:p@ikd.example", "https://ikd.example?x=1", "https://ikd.example#f", "/relative"} {
		if _, err := load(t, nil, "--public-url", bad); !errors.Is(err, errs.Invalid) || !strings.Contains(errs.Message(err, "id", ""), "--public-url") {
			t.Errorf("--public-url %q: %v, want invalid", bad, err)
		}
	}
}

func TestSMTPFromEnvironment(t *testing.T) {
	c, err := load(t, map[string]string{"IKD_SMTP_ADDR": "smtp.bengkuluprov.go.id:587", "IKD_SMTP_USER": "ikd", "IKD_SMTP_PASSWORD_FILE": "/run/secrets/smtp"})
	if err != nil || c.SMTPAddr != "smtp.bengkuluprov.go.id:587" || c.SMTPUser != "ikd" || c.SMTPPasswordFile != "/run/secrets/smtp" {
		t.Fatalf("%+v, %v", c, err)
	}
	_, err = load(t, map[string]string{"IKD_SMTP_ADDR": "smtp.bengkuluprov.go.id"})
	var e *errs.Error
	if !errors.As(err, &e) || !strings.Contains(e.ID, "IKD_SMTP_ADDR") {
		t.Errorf("address without a port: %v", err)
	}
}

// TestPostgresTLS: a remote PostgreSQL server needs an explicit sslmode;
// a weak one is warned about; neither message shows the password.
func TestPostgresTLS(t *testing.T) {
	for _, tc := range []struct {
		dsn, pgsslmode string
		refused        bool
		warn           string
	}{
		{dsn: "postgres://ikd:s3cret@127.0.0.1:5432/ikd"},
		{dsn: "postgres://ikd:s3cret@localhost/ikd?sslmode=disable"},
		{dsn: "postgres://ikd:s3cret@[::1]:5432/ikd"},
		{dsn: "postgres://ikd:s3cret@/ikd?host=/var/run/postgresql"},
		{dsn: "postgres://ikd:s3cret@db.dukcapil.local:5432/ikd", refused: true},
		{dsn: "postgres://ikd:s3cret@127.0.0.1/ikd?host=10.0.0.5", refused: true},
		{dsn: "postgres://ikd:s3cret@localhost:5432,10.0.0.6:5432/ikd", refused: true},
		{dsn: "postgresql://ikd:s3cret@10.0.0.5/ikd?sslmode=disable", warn: "10.0.0.5 sslmode=disable"},
		{dsn: "postgres://ikd:s3cret@10.0.0.5/ikd?sslmode=prefer", warn: "sslmode=prefer"},
		{dsn: "postgres://ikd:s3cret@10.0.0.5/ikd?sslmode=allow", warn: "sslmode=allow"},
		{dsn: "postgres://ikd:s3cret@10.0.0.5/ikd", pgsslmode: "prefer", warn: "sslmode=prefer"},
		{dsn: "postgres://ikd:s3cret@10.0.0.5/ikd?sslmode=verify-full"},
		{dsn: "postgres://ikd:s3cret@10.0.0.5/ikd", pgsslmode: "verify-full"},
	} {
		isolatePGEnv(t, "PGSSLMODE", tc.pgsslmode)
		c, err := load(t, map[string]string{"IKD_DATABASE": tc.dsn})
		if tc.refused {
			if !errors.Is(err, errs.Invalid) || !strings.Contains(err.Error(), "sslmode=verify-full") || strings.Contains(err.Error(), "s3cret") {
				t.Errorf("%s: err %v, want a refusal naming sslmode and not the password", tc.dsn, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.dsn, err)
			continue
		}
		w := c.DatabaseWarning()
		if (tc.warn == "") != (w == "") || !strings.Contains(w, tc.warn) || strings.Contains(w, "s3cret") {
			t.Errorf("%s: warning %q, want one with %q", tc.dsn, w, tc.warn)
		}
	}
}
