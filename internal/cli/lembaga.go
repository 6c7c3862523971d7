package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/lembaga"
)

const lembagaUsage = "Usage: ikd lembaga add --nama NAMA --purpose TUJUAN --fields a,b,c [--rate N] | list | revoke ID"

// runLembaga manages registered institutions (lembaga pengguna): add one
// (its API key is printed once), list them (never their keys), revoke one.
func runLembaga(ctx context.Context, env *Env, args []string) error {
	sub, fs, err := subcommand(env, "lembaga", lembagaUsage, args, "add", "list", "revoke")
	if err != nil {
		return err
	}
	cfg := config.Defaults()
	cfg.Register(fs, env.Getenv, "database", "data-dir", "log", "lang")
	var nama, purpose, fields *string
	var rate *int
	if sub == "add" {
		nama = fs.String("nama", "", "the institution's name (required)")
		purpose = fs.String("purpose", "", "the declared purpose of its verifications (required)")
		fields = fs.String("fields", "", "comma list of the claims it may receive: "+strings.Join(lembaga.Fields, ","))
		rate = fs.Int("rate", lembaga.DefaultRate, fmt.Sprintf("verifications per minute (%d..%d), per ikd instance", lembaga.MinRate, lembaga.MaxRate))
	}
	logger, err := setup(env, fs, &cfg, args[1:])
	if err != nil {
		return err
	}
	st, auditLog, err := openAudited(ctx, &cfg, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := &lembaga.Service{Store: st, Audit: auditLog, Actor: "system:cli"}
	switch sub {
	case "add":
		l, key, err := svc.Register(ctx, *nama, *purpose, strings.Split(*fields, ","), *rate)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "lembaga terdaftar / institution registered: %s (%s)\n", l.ID, l.Nama)
		fmt.Fprintf(env.Stdout, "kunci API / API key: %s\n", key)
		fmt.Fprintln(env.Stdout, "Kunci ini hanya ditampilkan sekali; simpan sekarang. / This key is shown only once; store it now.")
		return nil
	case "revoke":
		id, err := oneArg(fs, "ID")
		if err != nil {
			return err
		}
		if err := svc.Revoke(ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "lembaga %s dicabut / institution %s revoked\n", id, id)
		return nil
	}
	list, err := st.ListLembaga(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAMA\tSTATUS\tRATE/MIN\tFIELDS\tPURPOSE")
	for _, l := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", l.ID, l.Nama, l.State, l.RatePerMinute, strings.Join(l.AllowedFields, ","), l.Purpose)
	}
	return tw.Flush()
}
