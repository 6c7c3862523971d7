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
	cfg.Register(fs, env.Getenv, "database", "log", "lang")
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
	res, err := audit.Verify(ctx, st, nil)
	if err != nil {
		return err
	}
	for _, p := range res.Problems {
		fmt.Fprintln(env.Stdout, p)
	}
	if len(res.Problems) > 0 {
		return errs.Newf(errs.Conflict, "log audit RUSAK: %d masalah dalam %d kejadian", "audit log TAMPERED: %d problems in %d events",
			len(res.Problems), res.Events)
	}
	fmt.Fprintf(env.Stdout, "log audit utuh: %d kejadian, rantai hash sesuai / audit log intact: %d events, hash chain matches\n", res.Events, res.Events)
	return nil
}
