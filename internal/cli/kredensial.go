package cli

import (
	"context"
	"fmt"
	"io"
	"os/user"
	"slices"
	"strings"

	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/issuance"
	"github.com/ikd-project/ikd/internal/store"
)

const kredensialUsage = "Usage: ikd kredensial tangguhkan|pulihkan|cabut NIK --alasan KODE --petugas USERNAME"

// kredensialHelp explains the command to an officer or admin new to it.
func kredensialHelp(w io.Writer, act string) {
	fmt.Fprint(w, `
Ubah status KTP digital (IKD) seorang penduduk / change a resident's digital ID:
  tangguhkan  suspend: verifiers answer "suspended" until it is lifted (e.g. phone lost, may be found)
  pulihkan    unsuspend: the suspended digital ID is valid again
  cabut       revoke for good and release the phone; the resident activates again on a new phone

The officer may act only on residents of their office's area (the
provincial Dinas: the province; a kab/kota Dinas: its kab/kota; a kecamatan
office: its kecamatan). The change, or the refused attempt, is recorded in
the audit log under the officer (--petugas, an officer added with "ikd
petugas add"), their office and the OS account that ran the command. Institutions'
online verifications (a running ikd serve) answer with it at once; offline
verifiers see it when they refresh their trust list (the server publishes it
within 10 seconds; verifiers may keep a copy up to 5 minutes).

Alasan / reasons (--alasan):
`)
	for _, r := range issuance.Reasons {
		if act != "" && !slices.Contains(r.Actions, issuance.Action(act)) {
			continue
		}
		var acts []string
		for _, a := range r.Actions {
			acts = append(acts, string(a))
		}
		fmt.Fprintf(w, "  %-22s %s / %s (%s)\n", r.Code, r.ID, r.EN, strings.Join(acts, ", "))
	}
	fmt.Fprint(w, `
Example:
  ikd kredensial tangguhkan 1771015708900001 --alasan perangkat_hilang --petugas budi
`)
}

// runKredensial suspends, unsuspends or revokes a resident's digital ID
// for an officer, as POST /api/v1/penduduk/{nik}/... does.
func runKredensial(ctx context.Context, env *Env, args []string) error {
	var acts []string
	for _, a := range issuance.Actions {
		acts = append(acts, string(a))
	}
	sub, fs, err := subcommand(env, "kredensial", kredensialUsage, args, acts...)
	if err != nil {
		if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			kredensialHelp(env.Stderr, "")
		}
		return err
	}
	cfg := config.Defaults()
	cfg.Register(fs, env.Getenv, "database", "data-dir", "log", "lang")
	alasan := fs.String("alasan", "", "the reason code (required; see the list above)")
	username := fs.String("petugas", "", "the username of the officer who makes the change (required)")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, kredensialUsage)
		kredensialHelp(env.Stderr, sub)
		fmt.Fprintln(env.Stderr, "\nFlags:")
		fs.PrintDefaults()
	}
	logger, pos, err := setupInterspersed(env, fs, &cfg, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 || strings.TrimSpace(*username) == "" {
		fmt.Fprintln(env.Stderr, "ikd kredensial: butuh tepat satu NIK dan --petugas / needs exactly one NIK and --petugas")
		fs.Usage()
		return errUsage
	}
	st, auditLog, err := openAudited(ctx, &cfg, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := activePetugas(ctx, st, strings.TrimSpace(*username))
	if err != nil {
		return err
	}
	is := &issuance.Issuer{Store: st, Audit: auditLog}
	res, err := is.ChangeStatus(ctx, issuance.StatusChange{Action: issuance.Action(sub), NIK: pos[0], Alasan: *alasan,
		Petugas: p.Username, Kantor: p.KantorKode, OSUser: osUser(env)})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s: %s / %s\n", res.NIKMask, res.Action.Done("id"), res.Action.Done("en"))
	fmt.Fprintf(env.Stdout, "status: %s; kredensial diubah / credentials changed: %d; alasan / reason: %s; petugas / officer: %s (%s)\n",
		res.Status, res.Changed, *alasan, p.Username, p.KantorKode)
	return nil
}

// activePetugas returns the active officer with the username.
func activePetugas(ctx context.Context, st store.Store, username string) (store.Petugas, error) {
	list, err := st.ListPetugas(ctx)
	if err != nil {
		return store.Petugas{}, fmt.Errorf("officers: %w", err)
	}
	i := slices.IndexFunc(list, func(p store.Petugas) bool { return p.Username == username })
	switch {
	case i < 0:
		return store.Petugas{}, errs.Newf(errs.NotFound, "petugas %s tidak ada; tambahkan dengan ikd petugas add",
			"no officer %s; add one with ikd petugas add", username)
	case list[i].State != store.PetugasAktif:
		return store.Petugas{}, errs.Newf(errs.Forbidden, "petugas %s sudah dinonaktifkan", "officer %s is deactivated", username)
	}
	return list[i], nil
}

// osUser names the operating-system account running the command, for the
// audit log: the account of the process's user ID, else $USER, else
// "unknown".
func osUser(env *Env) string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := strings.TrimSpace(env.Getenv("USER")); u != "" {
		return u
	}
	return "unknown"
}
