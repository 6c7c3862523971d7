package cli

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"text/tabwriter"

	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/petugas"
	"github.com/ikd-project/ikd/internal/store"
)

const petugasUsage = "Usage: ikd petugas add --username U --nama NAMA --kantor KODE [--peran PERAN] [--totp] | list | nonaktif U | reset U"

// runPetugas manages officers: add one with a role (their API token and
// first-login code are printed once), list them (never their secrets),
// deactivate one (their sessions end at once), or reset one's account (a
// new first-login code, for a forgotten password or a lost phone).
func runPetugas(ctx context.Context, env *Env, args []string) error {
	sub, fs, err := subcommand(env, "petugas", petugasUsage, args, "add", "list", "nonaktif", "reset")
	if err != nil {
		return err
	}
	cfg := config.Defaults()
	// listen too: the first-login link is built from the public URL, which
	// is derived from the listen address when not given.
	cfg.Register(fs, env.Getenv, "database", "data-dir", "log", "lang", "listen", "public-url")
	var username, nama, kantor, peran *string
	var wantTOTP *bool
	if sub == "add" {
		peran = fs.String("peran", "operator", "the officer's role: admin, supervisor, operator, stok or viewer")
		wantTOTP = fs.Bool("totp", false, "require an authenticator code at login (always for admin and supervisor)")
		username = fs.String("username", "", "the officer's username (required)")
		nama = fs.String("nama", "", "the officer's name (required)")
		kantor = fs.String("kantor", "", "the code of the officer's office (required):\n"+officeCodes())
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
		c, err := svc.Create(ctx, petugas.Baru{Username: *username, Nama: *nama, Kantor: *kantor,
			Peran: store.Peran(*peran), TOTPWajib: *wantTOTP})
		if err != nil {
			return err
		}
		p := c.Petugas
		fmt.Fprintf(env.Stdout, "petugas terdaftar / officer added: %s (%s, %s, %s)\n", p.Username, p.Nama, p.KantorKode, p.Peran)
		fmt.Fprintf(env.Stdout, "token API / API token: %s\n", c.Token)
		printSetup(env, &cfg, p.Username, c.SetupCode)
		return nil
	case "reset":
		u, err := oneArg(fs, "USERNAME")
		if err != nil {
			return err
		}
		code, err := svc.ResetAccount(ctx, u)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "akun %s direset; sesinya berakhir / account %s reset; its sessions ended\n", u, u)
		printSetup(env, &cfg, u, code)
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
	fmt.Fprintln(tw, "USERNAME\tNAMA\tKANTOR\tPERAN\tSTATUS\tAKUN\tDIBUAT")
	for _, p := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.Username, p.Nama, p.KantorKode, p.Peran, p.State, accountState(p),
			p.CreatedAt.Format("2006-01-02 15:04"))
	}
	return tw.Flush()
}

// officeCodes lists the offices an officer can belong to, for the help:
// the Dinas offices and the MPP by name, the kecamatan offices by pattern.
func officeCodes() string {
	var b strings.Builder
	for _, k := range kantor.Referensi() {
		if k.Jenis != store.KantorKec {
			fmt.Fprintf(&b, "  %-19s %s\n", k.Kode, k.Nama)
		}
	}
	b.WriteString("  KEC-17.KK.CC        Kantor Kecamatan (kode kecamatan, e.g. KEC-17.71.01)")
	return b.String()
}

// accountState says whether an officer has set up the console account.
func accountState(p store.Petugas) string {
	switch {
	case p.PasswordHash == "":
		return "belum diaktifkan"
	case p.TOTPSecret != "":
		return "aktif+totp"
	}
	return "aktif"
}

// printSetup prints the first-login link and code of an officer, shown
// once: the officer opens the link and sets a password (and TOTP).
func printSetup(env *Env, cfg *config.Config, username, code string) {
	link := strings.TrimRight(cfg.PublicURL, "/") + "/konsol/akun/aktifkan?u=" + url.QueryEscape(username)
	fmt.Fprintf(env.Stdout, "kode aktivasi akun / account activation code: %s (berlaku / valid %d jam / hours)\n", code, int(petugas.SetupTTL.Hours()))
	fmt.Fprintf(env.Stdout, "buka / open: %s\n", link)
	fmt.Fprintln(env.Stdout, "Token dan kode ini hanya ditampilkan sekali; serahkan kode kepada petugas sendiri. / "+
		"The token and code are shown only once; hand the code to the officer in person.")
}
