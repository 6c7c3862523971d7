package cli

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/ikd-project/ikd/internal/app"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/kms"
	"github.com/ikd-project/ikd/internal/kunci"
	"github.com/ikd-project/ikd/internal/trustlist"
)

const keysUsage = "Usage: ikd keys list | rotate | retire KEY-ID"

// runKeys manages the issuer keys: list, rotate, retire.
func runKeys(ctx context.Context, env *Env, args []string) error {
	sub, fs, err := subcommand(env, "keys", keysUsage, args, "list", "rotate", "retire")
	if err != nil {
		return err
	}
	cfg := config.Defaults()
	// database too: a rotation or a withdrawal is recorded in the audit log.
	cfg.Register(fs, env.Getenv, "database", "data-dir", "log", "lang")
	verifyFor := fs.Duration("verify-for", app.CredentialValidity,
		"rotate: how long the old key keeps verifying (at least the lifetime of the credentials it signed)")
	logger, err := setup(env, fs, &cfg, keyIDsLast(args[1:]))
	if err != nil {
		return err
	}
	keys, err := app.OpenKeys(&cfg)
	if err != nil {
		return err
	}
	if sub == "list" {
		return listKeys(env, keys)
	}
	st, auditLog, err := openAudited(ctx, &cfg, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := &kunci.Service{Keys: keys, Store: st, Audit: auditLog, MinVerify: app.CredentialValidity}
	actor := kunci.Actor{Name: "system:cli", OSUser: osUser(env)}
	if sub == "rotate" {
		k, err := svc.Rotate(ctx, actor, *verifyFor)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "kunci baru / new signing key: %s\nrestart ikd serve so that it signs with the new key (a rotation from the console takes effect at once)\n", k.ID)
		return listKeys(env, keys)
	}
	return retireKey(ctx, env, fs, svc, actor) // "retire"; subcommand allowed no other
}

// retireKey withdraws the key named by the one argument: a retired key
// (after a rotation) already signs nothing; this also stops it verifying,
// for a compromised key.
func retireKey(ctx context.Context, env *Env, fs *flag.FlagSet, svc *kunci.Service, actor kunci.Actor) error {
	id, err := oneArg(fs, "KEY-ID")
	if err != nil {
		return err
	}
	if err := svc.Withdraw(ctx, actor, id); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "kunci %s tidak lagi dipercaya / key %s is no longer trusted: credentials it signed stop verifying once verifiers refresh their trust list\n", id, id)
	return nil
}

// keyIDsLast moves the arguments that are key IDs and begin with "-" to
// the end, after "--": a key ID is base64url, so about one in 64 begins
// with "-", which the flag parser would take for a flag. Arguments that
// already hold a "--" are left as they are.
func keyIDsLast(args []string) []string {
	if slices.Contains(args, "--") {
		return args
	}
	var rest, ids []string
	for _, a := range args {
		if _, err := trustlist.ParsePins(a); err == nil && strings.HasPrefix(a, "-") {
			ids = append(ids, a)
		} else {
			rest = append(rest, a)
		}
	}
	if len(ids) == 0 {
		return args
	}
	return append(append(rest, "--"), ids...)
}

func listKeys(env *Env, keys *kms.FileStore) error {
	w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tSTATE\tCREATED\tVERIFIES UNTIL")
	for _, k := range keys.List() {
		until := "-"
		switch k.State {
		case kms.Active:
			until = "(signing)"
		case kms.Retired:
			until = k.VerifyUntil.Format("2006-01-02")
		case kms.Withdrawn:
			until = "(withdrawn)"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", k.ID, k.State, k.Created.Format("2006-01-02 15:04"), until)
	}
	return w.Flush()
}
