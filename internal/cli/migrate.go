package cli

import (
	"context"
	"fmt"

	"github.com/ikd-project/ikd/internal/app"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/errs"
)

func runMigrate(ctx context.Context, env *Env, args []string) error {
	cfg := config.Defaults()
	fs := flags(env, "migrate", "migrate [flags]")
	cfg.Register(fs, env.Getenv, "database", "log")
	grant := fs.String("grant", "", "PostgreSQL: after migrating, grant this role what ikd serve needs and no more (see docs/security.md)")
	logger, err := setup(env, fs, &cfg, args)
	if err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
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
	if *grant == "" {
		return nil
	}
	return grantApp(ctx, env, st, *grant)
}

// grantApp gives a PostgreSQL role the application's privileges.
func grantApp(ctx context.Context, env *Env, st app.Migrator, role string) error {
	g, ok := st.(interface {
		GrantApp(ctx context.Context, role string) error
	})
	if !ok {
		return errs.New(errs.Invalid, "--grant hanya untuk PostgreSQL", "--grant is for PostgreSQL only")
	}
	if err := g.GrantApp(ctx, role); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "peran %s: SELECT/INSERT/UPDATE/DELETE pada tabel registri, hanya SELECT/INSERT pada audit_event / "+
		"role %s: SELECT/INSERT/UPDATE/DELETE on registry tables, only SELECT/INSERT on audit_event\n", role, role)
	return warnPublicGrants(ctx, env, st)
}

// warnPublicGrants prints the table privileges granted to PUBLIC, which
// every role holds whatever --grant granted.
func warnPublicGrants(ctx context.Context, env *Env, st app.Migrator) error {
	p, ok := st.(interface {
		PublicTableGrants(ctx context.Context) ([]string, error)
	})
	if !ok {
		return nil
	}
	grants, err := p.PublicTableGrants(ctx)
	if err != nil {
		return err
	}
	for _, g := range grants {
		fmt.Fprintf(env.Stderr, "PERINGATAN: PUBLIC punya hak %s; setiap peran memilikinya, cabut dengan REVOKE ... FROM PUBLIC / "+
			"WARNING: PUBLIC holds %s; every role has it, revoke it with REVOKE ... FROM PUBLIC\n", g, g)
	}
	return nil
}
