package cli

import (
	"context"
	"fmt"

	"github.com/ikd-project/ikd/internal/app"
	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/errs"
)

func runAudit(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(env.Stderr, "Usage: ikd audit verify [flags]")
		return errUsage
	}
	cfg := config.Defaults()
	fs := flags(env, "audit verify", "audit verify [flags]")
	cfg.Register(fs, env.Getenv, "database", "data-dir", "log", "lang")
	if _, err := setup(env, fs, &cfg, args[1:]); err != nil {
		return err
	}
	st, err := app.OpenStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Ready(ctx); err != nil {
		return err
	}
	log, err := app.OpenAuditLog(ctx, &cfg, st)
	if err != nil {
		return err
	}
	res, err := log.Verify(ctx, st, nil)
	if err != nil {
		return err
	}
	for _, p := range res.Problems {
		fmt.Fprintln(env.Stdout, p)
	}
	printChainMode(env, res)
	if len(res.Problems) > 0 {
		return errs.Newf(errs.Conflict, "log audit RUSAK: %d masalah dalam %d kejadian", "audit log TAMPERED: %d problems in %d events",
			len(res.Problems), res.Events)
	}
	fmt.Fprintf(env.Stdout, "log audit utuh: %d kejadian, rantai hash sesuai / audit log intact: %d events, hash chain matches\n", res.Events, res.Events)
	return nil
}

// printChainMode says how the chain is hashed and where it ends.
func printChainMode(env *Env, res audit.Result) {
	switch {
	case res.KeyedSince == 0 && res.Events > 0:
		fmt.Fprintln(env.Stdout, "PERINGATAN: rantai belum berkunci (SHA-256 biasa); jalankan ikd serve sekali untuk menguncinya / "+
			"WARNING: the chain is not keyed (plain SHA-256); start ikd serve once to key it")
	case res.KeyedSince > 1:
		fmt.Fprintf(env.Stdout, "kejadian 1-%d: SHA-256 biasa (versi lama); sejak kejadian %d: HMAC-SHA256 / "+
			"events 1-%d: plain SHA-256 (earlier version); from event %d: HMAC-SHA256\n",
			res.KeyedSince-1, res.KeyedSince, res.KeyedSince-1, res.KeyedSince)
	}
	fmt.Fprintf(env.Stdout, "ujung rantai / head: seq %d hash %s\n", res.Head.Seq, res.Head.Hash)
}
