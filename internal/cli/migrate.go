package cli

import (
	"context"
	"fmt"

	"github.com/ikd-project/ikd/internal/app"
	"github.com/ikd-project/ikd/internal/config"
)

func runMigrate(ctx context.Context, env *Env, args []string) error {
	cfg := config.Defaults()
	fs := flags(env, "migrate", "migrate [flags]")
	cfg.Register(fs, env.Getenv, "database", "log")
	logger, err := setup(env, fs, &cfg, args)
	if err != nil {
		return err
	}
	st, err := app.OpenStore(ctx, &cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	logger.Info("migrations applied", "backend", st.Backend(), "applied", n)
	fmt.Fprintf(env.Stdout, "%s: %d migrasi diterapkan / %d migrations applied\n", st.Backend(), n, n)
	return nil
}
