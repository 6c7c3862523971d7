package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/ikd-project/ikd/internal/app"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/kms"
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
	cfg.Register(fs, env.Getenv, "data-dir", "log", "lang")
	verifyFor := fs.Duration("verify-for", app.CredentialValidity,
		"rotate: how long the old key keeps verifying (at least the lifetime of the credentials it signed)")
	if _, err := setup(env, fs, &cfg, keyIDsLast(args[1:])); err != nil {
		return err
	}
	keys, err := app.OpenKeys(&cfg)
	if err != nil {
		return err
	}
	switch sub {
	case "list":
		return listKeys(env, keys)
	case "rotate":
		if *verifyFor < app.CredentialValidity {
			return fmt.Errorf("--verify-for %s is shorter than a credential's lifetime (%s): credentials signed by the old key would stop verifying before they expire", verifyFor, app.CredentialValidity)
		}
		k, err := keys.Rotate(*verifyFor)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "kunci baru / new signing key: %s\nrestart ikd serve so that it signs with the new key\n", k.ID)
		return listKeys(env, keys)
	default: // "retire"; subcommand allowed no other
		id, err := oneArg(fs, "KEY-ID")
		if err != nil {
			return err
		}
		// A retired key (after a rotation) already signs nothing; retiring
		// it here also stops it verifying, for a compromised key.
		if err := keys.Withdraw(id); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "kunci %s tidak lagi dipercaya / key %s is no longer trusted: credentials it signed stop verifying once verifiers refresh their trust list\n", id, id)
		return nil
	}
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
