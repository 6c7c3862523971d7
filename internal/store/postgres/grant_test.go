package postgres_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/store/postgres"
	"github.com/ikd-project/ikd/internal/store/storetest"
)

var ctx = context.Background()

// grantedSchema migrates a fresh schema as the owner and grants a new role
// the application's privileges. It returns the owner's store (closed when
// the test ends) and a DSN that logs in as the role.
func grantedSchema(t testing.TB, now func() time.Time) (*postgres.Store, string) {
	t.Helper()
	role := ikdtest.NewRole(t)
	ownerDSN := ikdtest.SchemaDSN(t, ikdtest.PostgresDSN(t))
	owner, err := postgres.Open(ctx, ownerDSN, now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { owner.Close() })
	if _, err := owner.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := owner.GrantApp(ctx, role); err != nil {
		t.Fatal(err)
	}
	return owner, ikdtest.AsRole(t, ownerDSN, role)
}

// appStore returns a store logged in as a role granted the application's
// privileges on a fresh schema.
func appStore(t testing.TB, now func() time.Time) store.Store {
	t.Helper()
	_, appDSN := grantedSchema(t, now)
	st, err := postgres.Open(ctx, appDSN, now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if n, err := st.Migrate(ctx); err != nil || n != 0 {
		t.Fatalf("the app role's start-up migrate: %d applied, %v", n, err)
	}
	if err := st.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestConformanceAsAppRole runs the store suite logged in as a role with
// only the application's grants.
func TestConformanceAsAppRole(t *testing.T) { storetest.Run(t, appStore) }

// TestAppRoleCannotRewriteAudit: the application role can append to the
// audit log but not change, delete or truncate it, nor switch off or drop
// its triggers.
func TestAppRoleCannotRewriteAudit(t *testing.T) {
	st := appStore(t, nil)
	err := st.InTx(ctx, func(tx store.Tx) error {
		head, err := tx.AuditHead(ctx)
		if err != nil {
			return err
		}
		e := store.AuditEvent{Seq: head.Seq + 1, At: time.Now().UTC(), Actor: "t", Action: "t", Detail: "{}", Hash: "h", PrevHash: head.Hash}
		return tx.AppendAudit(ctx, &e)
	})
	if err != nil {
		t.Fatalf("append as the app role: %v", err)
	}
	db := st.(interface{ SQL() *sql.DB }).SQL()
	for _, q := range []string{
		"UPDATE audit_event SET actor = 'x'",
		"DELETE FROM audit_event",
		"TRUNCATE audit_event",
		"ALTER TABLE audit_event DISABLE TRIGGER USER",
		"DROP TRIGGER audit_event_no_change ON audit_event",
		"DROP TABLE audit_event",
		"CREATE TABLE x (id int)",
	} {
		_, err := db.Exec(q)
		if err == nil || !(strings.Contains(err.Error(), "permission denied") || strings.Contains(err.Error(), "must be owner")) {
			t.Errorf("%s as the app role: %v, want permission denied", q, err)
		}
	}
}

// TestGrantAppRefuses: an unknown role, the owner itself and a superuser
// are refused.
func TestGrantAppRefuses(t *testing.T) {
	owner, err := postgres.Open(ctx, ikdtest.SchemaDSN(t, ikdtest.PostgresDSN(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	if _, err := owner.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var me string
	owner.SQL().QueryRow("SELECT current_user").Scan(&me)
	for role, kind := range map[string]error{"ikdtest_no_such_role": errs.NotFound, me: errs.Invalid} {
		if err := owner.GrantApp(ctx, role); !errsIs(err, kind) {
			t.Errorf("grant to %s: %v, want %v", role, err, kind)
		}
	}
}

func errsIs(err, kind error) bool { return err != nil && errs.KindOf(err) == kind }

// migratedOwner migrates a fresh schema as the test's (owner) user and
// returns the store and the owner's name.
func migratedOwner(t *testing.T) (*postgres.Store, string, string) {
	t.Helper()
	dsn := ikdtest.SchemaDSN(t, ikdtest.PostgresDSN(t))
	owner, err := postgres.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { owner.Close() })
	if _, err := owner.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var me string
	if err := owner.SQL().QueryRow("SELECT current_user").Scan(&me); err != nil {
		t.Fatal(err)
	}
	return owner, me, dsn
}

// mustExecAs runs q on the owner's connection, and undo when the test ends.
func mustExecAs(t *testing.T, owner *postgres.Store, q, undo string) {
	t.Helper()
	if _, err := owner.SQL().Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if undo != "" {
		t.Cleanup(func() { owner.SQL().Exec(undo) })
	}
}

// TestGrantAppRefusesMemberOfOwner (security review, MEDIUM): a role that
// is a member of the owner, directly or through another role, could act as
// the owner and disable the audit log's append-only triggers; GrantApp
// refuses it and says how to revoke. Once the membership is revoked, the
// grant is accepted and the role cannot touch the triggers.
func TestGrantAppRefusesMemberOfOwner(t *testing.T) {
	owner, me, dsn := migratedOwner(t)
	role, mid := ikdtest.NewRole(t), ikdtest.NewRole(t)
	mustExecAs(t, owner, "GRANT "+me+" TO "+role, "REVOKE "+me+" FROM "+role)
	err := owner.GrantApp(ctx, role)
	if !errsIs(err, errs.Invalid) || !strings.Contains(errs.Message(err, "en", ""), "member of the owner "+me) ||
		!strings.Contains(errs.Message(err, "id", ""), "anggota pemilik") {
		t.Errorf("grant to a member of the owner: %v", err)
	}
	mustExecAs(t, owner, "REVOKE "+me+" FROM "+role, "")
	mustExecAs(t, owner, "GRANT "+me+" TO "+mid, "REVOKE "+me+" FROM "+mid)
	mustExecAs(t, owner, "GRANT "+mid+" TO "+role, "REVOKE "+mid+" FROM "+role)
	if err := owner.GrantApp(ctx, role); !errsIs(err, errs.Invalid) {
		t.Errorf("grant to an indirect member of the owner: %v", err)
	}
	mustExecAs(t, owner, "REVOKE "+mid+" FROM "+role, "")
	if err := owner.GrantApp(ctx, role); err != nil {
		t.Fatalf("grant after the membership was revoked: %v", err)
	}
	app, err := sql.Open("pgx", ikdtest.AsRole(t, dsn, role))
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	if _, err := app.Exec("ALTER TABLE audit_event DISABLE TRIGGER USER"); err == nil {
		t.Error("the application role disabled the audit log's append-only triggers")
	}
}

// TestGrantAppRefusesPowerfulRoles: a role with BYPASSRLS, CREATEROLE or
// CREATEDB is refused; grants would not confine it.
func TestGrantAppRefusesPowerfulRoles(t *testing.T) {
	owner, _, _ := migratedOwner(t)
	for _, attr := range []string{"BYPASSRLS", "CREATEROLE", "CREATEDB"} {
		role := ikdtest.NewRole(t)
		mustExecAs(t, owner, "ALTER ROLE "+role+" "+attr, "")
		err := owner.GrantApp(ctx, role)
		if !errsIs(err, errs.Invalid) || !strings.Contains(err.Error(), "NOBYPASSRLS NOCREATEROLE NOCREATEDB") {
			t.Errorf("grant to a role with %s: %v", attr, err)
		}
	}
}
