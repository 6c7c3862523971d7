package postgres_test

import (
	"database/sql"
	"net/url"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/store/postgres"
)

// dedicatedOwner makes a non-superuser owner role with its own schema, as a
// production deployment has, migrates the schema as that role, and returns
// its store, name, DSN and an admin (superuser) connection.
func dedicatedOwner(t *testing.T) (*postgres.Store, string, string, *sql.DB) {
	t.Helper()
	admin, err := sql.Open("pgx", ikdtest.PostgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	own := ikdtest.NewRole(t)
	schema := own + "_s"
	adminExec(t, admin, "CREATE SCHEMA "+schema+" AUTHORIZATION "+own)
	t.Cleanup(func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE") })
	u, err := url.Parse(ikdtest.AsRole(t, ikdtest.PostgresDSN(t), own))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("options", "-csearch_path="+schema)
	u.RawQuery = q.Encode()
	dsn := u.String()
	st, err := postgres.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st, own, dsn, admin
}

// adminExec runs qs as the superuser.
func adminExec(t *testing.T, admin *sql.DB, qs ...string) {
	t.Helper()
	for _, q := range qs {
		if _, err := admin.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// TestGrantAppAcceptsPlainRoleUnderDedicatedOwner: with a non-superuser
// owner, as in production, a role that belongs to nothing is granted, and
// cannot create in the schema.
func TestGrantAppAcceptsPlainRoleUnderDedicatedOwner(t *testing.T) {
	owner, _, _, _ := dedicatedOwner(t)
	app := ikdtest.NewRole(t)
	if err := owner.GrantApp(ctx, app); err != nil {
		t.Fatalf("GrantApp of a plain role: %v", err)
	}
	var create bool
	owner.SQL().QueryRow("SELECT has_schema_privilege($1, current_schema(), 'CREATE')", app).Scan(&create)
	if create {
		t.Errorf("the app role %s may CREATE in the schema", app)
	}
}

// TestGrantAppRefusesMemberOfPowerfulRole (security re-review, MEDIUM-HIGH):
// a member, even NOINHERIT, of a superuser role, of a role with CREATEROLE,
// CREATEDB, BYPASSRLS or REPLICATION, or of a superuser-equivalent or
// grant-overriding predefined role is refused: it could switch the audit
// triggers off or write every table.
func TestGrantAppRefusesMemberOfPowerfulRole(t *testing.T) {
	owner, _, dsn, admin := dedicatedOwner(t)
	cases := map[string]string{
		"superuser role":            "SUPERUSER NOLOGIN",
		"CREATEROLE role":           "CREATEROLE NOLOGIN",
		"CREATEDB role":             "CREATEDB NOLOGIN",
		"BYPASSRLS role":            "BYPASSRLS NOLOGIN",
		"REPLICATION role":          "REPLICATION NOLOGIN",
		"pg_execute_server_program": "",
		"pg_write_server_files":     "",
		"pg_read_server_files":      "",
		"pg_write_all_data":         "",
		"pg_read_all_data":          "",
	}
	for name, attrs := range cases {
		app := ikdtest.NewRole(t)
		adminExec(t, admin, "ALTER ROLE "+app+" NOINHERIT")
		via := name
		if attrs != "" {
			via = ikdtest.NewRole(t)
			adminExec(t, admin, "ALTER ROLE "+via+" "+attrs)
			t.Cleanup(func() {
				admin.Exec("ALTER ROLE " + via + " NOSUPERUSER NOCREATEROLE NOCREATEDB NOBYPASSRLS NOREPLICATION")
			})
		}
		adminExec(t, admin, "GRANT "+via+" TO "+app)
		t.Cleanup(func() { admin.Exec("REVOKE " + via + " FROM " + app) })
		err := owner.GrantApp(ctx, app)
		if !errsIs(err, errs.Invalid) || !strings.Contains(errs.Message(err, "en", ""), "REVOKE "+via+" FROM \""+app+"\"") ||
			!strings.Contains(errs.Message(err, "id", ""), "peran berkuasa") {
			t.Errorf("GrantApp of a member of a %s: %v", name, err)
		}
		if name == "superuser role" {
			checkCannotDisableTriggers(t, dsn, app, via)
		}
	}
}

// checkCannotDisableTriggers: a role that GrantApp refused gets no grants,
// so even through SET ROLE via it cannot reach the audit table.
func checkCannotDisableTriggers(t *testing.T, dsn, app, via string) {
	t.Helper()
	db, err := sql.Open("pgx", ikdtest.AsRole(t, dsn, app))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("SELECT 1 FROM audit_event LIMIT 1"); err == nil {
		t.Errorf("the refused role %s (member of superuser %s) can read audit_event: grants were applied", app, via)
	}
}

// TestGrantAppRefusesMemberOfFunctionOwner: a member of a role owning a
// function in the schema could replace it, and the triggers call it.
func TestGrantAppRefusesMemberOfFunctionOwner(t *testing.T) {
	owner, own, _, admin := dedicatedOwner(t)
	fo, app := ikdtest.NewRole(t), ikdtest.NewRole(t)
	var schema string
	if err := owner.SQL().QueryRow("SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	adminExec(t, admin, "CREATE FUNCTION "+schema+".ikdtest_f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
		"ALTER FUNCTION "+schema+".ikdtest_f() OWNER TO "+fo, "GRANT "+fo+" TO "+app)
	t.Cleanup(func() {
		admin.Exec("DROP FUNCTION IF EXISTS " + schema + ".ikdtest_f()")
		admin.Exec("REVOKE " + fo + " FROM " + app)
	})
	err := owner.GrantApp(ctx, app)
	if !errsIs(err, errs.Invalid) || !strings.Contains(err.Error(), fo) {
		t.Errorf("GrantApp of a member of function owner %s (schema owner %s): %v", fo, own, err)
	}
}

// TestGrantAppRevokesCreateOnSchema (security re-review): GrantApp takes
// back the role's own CREATE on the schema, and refuses, naming the fix,
// when PUBLIC has CREATE there: it does not change PUBLIC's rights itself.
func TestGrantAppRevokesCreateOnSchema(t *testing.T) {
	owner, _, _, admin := dedicatedOwner(t)
	var schema string
	if err := owner.SQL().QueryRow("SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	app := ikdtest.NewRole(t)
	adminExec(t, admin, "GRANT CREATE ON SCHEMA "+schema+" TO "+app)
	if err := owner.GrantApp(ctx, app); err != nil {
		t.Fatalf("GrantApp of a role with CREATE on the schema: %v", err)
	}
	var create bool
	owner.SQL().QueryRow("SELECT has_schema_privilege($1, current_schema(), 'CREATE')", app).Scan(&create)
	if create {
		t.Errorf("GrantApp left the app role %s able to CREATE in schema %s", app, schema)
	}
	adminExec(t, admin, "GRANT CREATE ON SCHEMA "+schema+" TO PUBLIC")
	err := owner.GrantApp(ctx, app)
	if !errsIs(err, errs.Invalid) || !strings.Contains(errs.Message(err, "en", ""), "REVOKE CREATE ON SCHEMA \""+schema+"\" FROM PUBLIC") ||
		!strings.Contains(errs.Message(err, "id", ""), "cabut dulu") {
		t.Errorf("GrantApp with CREATE granted to PUBLIC: %v", err)
	}
	owner.SQL().QueryRow("SELECT has_schema_privilege('public', current_schema(), 'CREATE')").Scan(&create)
	if !create {
		t.Error("GrantApp revoked PUBLIC's CREATE itself; it should leave that to the operator")
	}
}

// TestPublicTableGrantsListsPublicPrivileges: a table privilege granted to
// PUBLIC is reported, so that ikd migrate --grant can warn of it.
func TestPublicTableGrantsListsPublicPrivileges(t *testing.T) {
	owner, _, _, _ := dedicatedOwner(t)
	if g, err := owner.PublicTableGrants(ctx); err != nil || len(g) != 0 {
		t.Fatalf("fresh schema: %v, %v", g, err)
	}
	if _, err := owner.SQL().Exec("GRANT SELECT ON penduduk TO PUBLIC"); err != nil {
		t.Fatal(err)
	}
	g, err := owner.PublicTableGrants(ctx)
	if err != nil || len(g) != 1 || g[0] != "penduduk: SELECT" {
		t.Errorf("after GRANT SELECT ON penduduk TO PUBLIC: %v, %v", g, err)
	}
}
