package cli

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/petugas"
)

const petugasUsage = "Usage: ikd petugas add --username U --nama NAMA --kantor KODE | list | nonaktif U"

// runPetugas manages officers: add one (their API token is printed once),
// list them (never their tokens), deactivate one. Officer accounts with
// passwords and sessions come with the console; for now an officer is an
// API token for POST /api/v1/aktivasi.
func runPetugas(ctx context.Context, env *Env, args []string) error {
	sub, fs, err := subcommand(env, "petugas", petugasUsage, args, "add", "list", "nonaktif")
	if err != nil {
		return err
	}
	cfg := config.Defaults()
	cfg.Register(fs, env.Getenv, "database", "data-dir", "log", "lang")
	var username, nama, kantor *string
	if sub == "add" {
		username = fs.String("username", "", "the officer's username (required)")
		nama = fs.String("nama", "", "the officer's name (required)")
		kantor = fs.String("kantor", "", "the code of the officer's office (required)")
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
	svc := &petugas.Service{Store: st, Audit: auditLog, Actor: "system:cli"}
	switch sub {
	case "add":
		p, token, err := svc.Add(ctx, *username, *nama, *kantor)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "petugas terdaftar / officer added: %s (%s, %s)\n", p.Username, p.Nama, p.KantorKode)
		fmt.Fprintf(env.Stdout, "token API / API token: %s\n", token)
		fmt.Fprintln(env.Stdout, "Token ini hanya ditampilkan sekali; simpan sekarang. / This token is shown only once; store it now.")
		return nil
	case "nonaktif":
		u, err := oneArg(fs, "USERNAME")
		if err != nil {
			return err
		}
		if err := svc.Deactivate(ctx, u); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "petugas %s dinonaktifkan / officer %s deactivated\n", u, u)
		return nil
	}
	list, err := st.ListPetugas(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USERNAME\tNAMA\tKANTOR\tSTATUS\tDIBUAT")
	for _, p := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.Username, p.Nama, p.KantorKode, p.State, p.CreatedAt.Format("2006-01-02 15:04"))
	}
	return tw.Flush()
}
