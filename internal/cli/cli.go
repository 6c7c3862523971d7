// Package cli implements the subcommands of the single ikd binary. Each
// subcommand lives in a file of its own and is listed in the commands
// table; there is no init() registration.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/ikd-project/ikd/internal/app"
	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/errs"
)

// Env is what a subcommand gets from the world: arguments, output streams
// and the environment. Tests supply their own.
type Env struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// IsTerminal reports whether Stderr is a terminal (for progress bars).
	IsTerminal bool
	// lang is the language a command's flags chose (--lang), for its
	// final error; "" until a command with --lang has parsed them.
	lang string
}

type command struct {
	name, usage, summary string
	run                  func(ctx context.Context, env *Env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "serve [flags]", "run the HTTP server (with --demo: create the demo province on first start)", runServe},
		{"migrate", "migrate [--grant ROLE]", "apply database migrations and exit (PostgreSQL: grant ROLE what serve needs)", runMigrate},
		{"demo", "demo [flags] [--csv FILE] [--samples]", "create the Bengkulu demo province, write it as a SIAK CSV, or write sample QR codes", runDemo},
		{"import", "import [flags] FILE.csv", "import residents from a SIAK CSV export (see docs/import.md)", runImport},
		{"audit", "audit verify|checkpoint|accept-restore", "check the audit log's chain and name any tampered event, sign its head, or accept a restored backup", runAudit},
		{"backup", "backup --out FILE [--force]", "write a consistent backup of the database while ikd serves, with its signed audit checkpoint", runBackup},
		{"restore", "restore --from FILE [--accept]", "restore a backup made by ikd backup after checking its audit chain (SQLite: ikd stopped; PostgreSQL: an empty database)", runRestore},
		{"keys", "keys list|rotate|retire KEY-ID", "list, rotate or retire the issuer's signing keys", runKeys},
		{"lembaga", "lembaga add|list|revoke", "register, list or revoke institutions that verify IDs through the API", runLembaga},
		{"petugas", "petugas add|list|nonaktif U|reset U", "officers: console accounts (first-login code) and API tokens", runPetugas},
		{"kredensial", "kredensial tangguhkan|pulihkan|cabut NIK", "suspend, unsuspend or revoke a resident's digital ID (--alasan, --petugas)", runKredensial},
		{"verify", "verify [flags] QR-TEXT|IMAGE", "verify a digital KTP QR code or presentation offline", runVerify},
		{"version", "version", "print the version", runVersion},
	}
}

// errUsage means the arguments were wrong; the usage was already printed.
var errUsage = errors.New("usage")

// Main runs ikd with args (without the program name) and returns the exit
// code: 0 success, 1 failure, 2 wrong usage.
func Main(ctx context.Context, args []string, env *Env) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(env.Stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, env, args[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, errUsage):
			return 2
		case errors.Is(err, flag.ErrHelp):
			return 0
		}
		lang := env.lang
		if lang == "" {
			lang = env.Getenv("IKD_LANG")
		}
		fmt.Fprintf(env.Stderr, "ikd %s: %s\n", c.name, errs.Message(err, lang, err.Error()))
		return 1
	}
	fmt.Fprintf(env.Stderr, "ikd: perintah tidak dikenal %q / unknown command %q\n\n", args[0], args[0])
	usage(env.Stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprint(w, `ikd: Identitas Kependudukan Digital for a provincial Dukcapil office.

Usage: ikd <command> [flags]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-28s %s\n", c.usage, c.summary)
	}
	fmt.Fprint(w, `
Run "ikd <command> -h" for a command's flags. Every flag also has an IKD_*
environment variable, e.g. --database and IKD_DATABASE.

Quick start: go run ./cmd/ikd serve --demo   then open http://127.0.0.1:8080/
`)
}

// flags returns a flag set for a subcommand whose -h prints its usage.
func flags(env *Env, name, usageLine string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: ikd %s\n\nFlags:\n", usageLine)
		// A default from the environment may hold a password (IKD_DATABASE).
		fs.VisitAll(func(f *flag.Flag) { f.DefValue = maskSecret(f.DefValue) })
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args and finishes the configuration, mapping a flag error
// to errUsage.
func parse(env *Env, fs *flag.FlagSet, cfg *config.Config, args []string) error {
	if err := parseFlags(env, fs, args); err != nil {
		return err
	}
	return finish(env, fs, cfg)
}

// parseFlags parses args into fs; on a bad flag it says what is wrong in
// both languages, shows the usage and returns errUsage.
func parseFlags(env *Env, fs *flag.FlagSet, args []string) error {
	usage := fs.Usage
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.Usage = usage
	fs.SetOutput(env.Stderr)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		usage()
		return err
	}
	fmt.Fprintf(env.Stderr, "ikd %s: %s\n", fs.Name(), maskSecret(flagError(err.Error())))
	usage()
	return errUsage
}

// maskSecret hides the password of a database address in s: the
// password of a URL's user (postgres://u:PASSWORD@h/db) and a password=
// setting.
func maskSecret(s string) string {
	s = urlPassword.ReplaceAllString(s, "${1}xxxxx@")
	return kvPassword.ReplaceAllString(s, "password=xxxxx")
}

var (
	urlPassword = regexp.MustCompile(`(://[^:/@\s]*:)[^@\s]*@`)
	kvPassword  = regexp.MustCompile(`password=[^\s&]*`)
)

// flagError puts the flag package's error text in both languages.
func flagError(msg string) string {
	for _, f := range []struct{ prefix, id, en string }{
		{"flag provided but not defined: ", "flag %s tidak dikenal", "unknown flag %s"},
		{"flag needs an argument: ", "flag %s butuh nilai", "flag %s needs a value"},
		{"bad flag syntax: ", "penulisan flag salah: %s", "bad flag syntax: %s"},
	} {
		if rest, ok := strings.CutPrefix(msg, f.prefix); ok {
			return fmt.Sprintf(f.id, rest) + " / " + fmt.Sprintf(f.en, rest)
		}
	}
	if rest, ok := strings.CutPrefix(msg, "invalid value "); ok {
		return "nilai tidak valid / invalid value " + rest
	}
	return msg
}

// finish completes the configuration after the flags are parsed, and
// remembers the command's --lang for its final error.
func finish(env *Env, fs *flag.FlagSet, cfg *config.Config) error {
	if fs.Lookup("lang") != nil {
		env.lang = cfg.Lang
	}
	return cfg.Finish(env.Getenv)
}

// setup parses flags and returns the configuration and logger.
func setup(env *Env, fs *flag.FlagSet, cfg *config.Config, args []string) (*slog.Logger, error) {
	if err := parse(env, fs, cfg, args); err != nil {
		return nil, err
	}
	return app.NewLogger(cfg, env.Stderr)
}

// setupInterspersed is setup for a command whose flags may come after its
// positional arguments (ikd kredensial cabut NIK --alasan ...); it returns
// the positional arguments too.
func setupInterspersed(env *Env, fs *flag.FlagSet, cfg *config.Config, args []string) (*slog.Logger, []string, error) {
	var pos []string
	for {
		if err := parseFlags(env, fs, args); err != nil {
			return nil, nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	if err := finish(env, fs, cfg); err != nil {
		return nil, nil, err
	}
	logger, err := app.NewLogger(cfg, env.Stderr)
	return logger, pos, err
}

// OSEnv returns the Env of the running process.
func OSEnv(isTerminal bool) *Env {
	return &Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, IsTerminal: isTerminal}
}

func oneArg(fs *flag.FlagSet, what string) (string, error) {
	if fs.NArg() != 1 {
		fmt.Fprintf(fs.Output(), "ikd %s: butuh tepat satu %s / needs exactly one %s\n", fs.Name(), what, what)
		fs.Usage()
		return "", errUsage
	}
	return strings.TrimSpace(fs.Arg(0)), nil
}

// noArgs refuses positional arguments for a command that takes none: the
// flag parser stops at the first one, so flags after it would be ignored
// without a word (ikd serve x --listen :9090 would listen on the default).
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() == 0 {
		return nil
	}
	fmt.Fprintf(fs.Output(), "ikd %s: argumen tidak dikenal %q (opsi ditulis --nama nilai) / unexpected argument %q (flags are written --name value)\n",
		fs.Name(), fs.Arg(0), fs.Arg(0))
	fs.Usage()
	return errUsage
}

// openAudited opens and migrates the database and loads its audit log:
// what every command that changes the registry needs.
func openAudited(ctx context.Context, cfg *config.Config, logger *slog.Logger) (app.Migrator, *audit.Log, error) {
	st, err := app.OpenMigrated(ctx, cfg, logger)
	if err != nil {
		return nil, nil, err
	}
	auditLog, err := app.NewAuditLog(ctx, cfg, st, logger)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, auditLog, nil
}

// subcommand checks that args names one of subs and returns it with a flag
// set for "cmd sub"; a missing or unknown one prints usage and gives
// errUsage.
func subcommand(env *Env, cmd, usage string, args []string, subs ...string) (string, *flag.FlagSet, error) {
	if len(args) > 0 && slices.Contains([]string{"-h", "-help", "--help", "help"}, args[0]) {
		fmt.Fprintln(env.Stdout, usage)
		fmt.Fprintf(env.Stdout, "ikd %s <subcommand> -h lists its flags.\n", cmd)
		return "", nil, flag.ErrHelp
	}
	if len(args) == 0 || !slices.Contains(subs, args[0]) {
		if len(args) > 0 {
			fmt.Fprintf(env.Stderr, "ikd %s: subperintah tidak dikenal %q / unknown subcommand %q\n", cmd, args[0], args[0])
		}
		fmt.Fprintln(env.Stderr, usage)
		return "", nil, errUsage
	}
	return args[0], flags(env, cmd+" "+args[0], cmd+" "+args[0]+" [flags]"), nil
}
