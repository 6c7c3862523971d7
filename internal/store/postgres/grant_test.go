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

// appStore migrates a fresh schema as the owner, grants a new role the
// application's privileges, and returns a store logged in as that role.
func appStore(t testing.TB, now func() time.Time) store.Store {
	t.Helper()
	role := ikdtest.NewRole(t)
	ownerDSN := ikdtest.SchemaDSN(t, ikdtest.PostgresDSN(t))
	owner, err := postgres.Open(ctx, ownerDSN, now)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	if _, err := owner.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := owner.GrantApp(ctx, role); err != nil {
		t.Fatal(err)
	}
	st, err := postgres.Open(ctx, ikdtest.AsRole(t, ownerDSN, role), now)
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
