package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ikd-project/ikd/internal/errs"
)

// appendOnlyTables may be read and appended to by the application role,
// never changed: UPDATE or DELETE on them could hide what was done.
var appendOnlyTables = map[string]bool{"audit_event": true}

// readOnlyTables are the migration tool's: the application only reads the
// schema version.
var readOnlyTables = map[string]bool{"goose_db_version": true}

// GrantApp lets role run ikd serve against this database without owning
// it: SELECT, INSERT, UPDATE and DELETE on the registry's tables, only
// SELECT and INSERT on audit_event, SELECT on the migration table, and the
// sequences behind identity columns. Every table's earlier grants to role
// are revoked first, so running it again after a migration grants the new
// tables and takes back anything more. A role that is not the owner cannot
// TRUNCATE, ALTER or DROP a table, nor disable or drop its triggers, so the
// audit log's append-only triggers hold against it.
//
// Run it as the owner, after Migrate. role must exist and be neither the
// current user, a superuser, a member of an owner of the schema or its
// tables, nor have BYPASSRLS, CREATEROLE or CREATEDB: grants would not
// confine it.
func (s *Store) GrantApp(ctx context.Context, role string) error {
	if err := s.checkAppRole(ctx, role); err != nil {
		return err
	}
	tx, err := s.SQL().BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("grant to %s: %w", role, err)
	}
	defer tx.Rollback()
	if err := grantAll(ctx, tx, pgx.Identifier{role}.Sanitize()); err != nil {
		return fmt.Errorf("grant to %s: %w", role, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("grant to %s: %w", role, err)
	}
	return nil
}

// appRole is what GrantApp checks of a role before granting to it.
type appRole struct {
	name                      string
	super, self               bool
	bypassRLS, createRole, db bool
	owners                    string // owners of the schema or its objects whose member role is, "" for none
}

// appRoleQuery reads a role's attributes and the owners, among the current
// user, the owner of the current schema and the owners of its tables,
// sequences and other relations, that it is a member of: a member can act
// as the owner (SET ROLE, or inherited privileges), so it could disable or
// drop the audit log's triggers.
const appRoleQuery = `
WITH owners AS (
	SELECT relowner AS o FROM pg_class WHERE relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
	UNION SELECT nspowner FROM pg_namespace WHERE nspname = current_schema()
	UNION SELECT oid FROM pg_roles WHERE rolname = current_user)
SELECT r.rolsuper, r.rolname = current_user, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb,
	coalesce((SELECT string_agg(pg_get_userbyid(o), ', ' ORDER BY pg_get_userbyid(o)) FROM owners
		WHERE o <> r.oid AND pg_has_role(r.oid, o, 'MEMBER')), '')
FROM pg_roles r WHERE r.rolname = $1`

// checkAppRole refuses a role that does not exist, is the current user, a
// superuser, a member of an owner, or may bypass row security or create
// roles or databases: grants would not limit what it can do.
func (s *Store) checkAppRole(ctx context.Context, role string) error {
	r := appRole{name: role}
	err := s.SQL().QueryRowContext(ctx, appRoleQuery, role).Scan(&r.super, &r.self, &r.bypassRLS, &r.createRole, &r.db, &r.owners)
	switch {
	case err == sql.ErrNoRows:
		return errs.Newf(errs.NotFound, "peran PostgreSQL %q tidak ada; buat dulu: CREATE ROLE %s LOGIN PASSWORD '...'",
			"PostgreSQL role %q does not exist; create it first: CREATE ROLE %s LOGIN PASSWORD '...'", role, pgx.Identifier{role}.Sanitize())
	case err != nil:
		return fmt.Errorf("look up role %s: %w", role, err)
	}
	return r.refusal()
}

// refusal returns why grants to r would not confine it, nil when they do.
func (r appRole) refusal() error {
	id := pgx.Identifier{r.name}.Sanitize()
	switch {
	case r.self:
		return errs.Newf(errs.Invalid, "peran %q adalah pemilik yang menjalankan migrasi; berikan hak ke peran lain untuk ikd serve",
			"role %q is the owner running the migration; grant to another role, the one ikd serve logs in as", r.name)
	case r.super:
		return errs.Newf(errs.Invalid, "peran %q adalah superuser; hak terbatas tidak berlaku baginya", "role %q is a superuser; limited grants do not apply to it", r.name)
	case r.owners != "":
		return errs.Newf(errs.Invalid,
			"peran %q adalah anggota pemilik %s, sehingga dapat bertindak sebagai pemilik dan mematikan trigger log audit; cabut dulu: REVOKE %s FROM %s",
			"role %q is a member of the owner %s, so it can act as the owner and disable the audit log's triggers; revoke it first: REVOKE %s FROM %s",
			r.name, r.owners, r.owners, id)
	case r.bypassRLS || r.createRole || r.db:
		return errs.Newf(errs.Invalid,
			"peran %q punya atribut BYPASSRLS, CREATEROLE atau CREATEDB, yang tidak boleh dimiliki peran aplikasi; cabut dulu: ALTER ROLE %s NOBYPASSRLS NOCREATEROLE NOCREATEDB",
			"role %q has BYPASSRLS, CREATEROLE or CREATEDB, which the application role must not have; remove them first: ALTER ROLE %s NOBYPASSRLS NOCREATEROLE NOCREATEDB",
			r.name, id)
	}
	return nil
}

// grantAll revokes and re-grants role's privileges on every table and
// sequence of the current schema.
func grantAll(ctx context.Context, tx *sql.Tx, role string) error {
	var schema string
	if err := tx.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return err
	}
	schemaID := pgx.Identifier{schema}.Sanitize()
	tables, err := tableNames(ctx, tx)
	if err != nil {
		return err
	}
	stmts := []string{"GRANT USAGE ON SCHEMA " + schemaID + " TO " + role}
	for _, t := range tables {
		id := pgx.Identifier{t}.Sanitize()
		stmts = append(stmts, "REVOKE ALL ON "+id+" FROM "+role, "GRANT "+tablePrivileges(t)+" ON "+id+" TO "+role)
	}
	stmts = append(stmts, "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "+schemaID+" TO "+role)
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// tablePrivileges is what the application role may do on table t.
func tablePrivileges(t string) string {
	switch {
	case appendOnlyTables[t]:
		return "SELECT, INSERT"
	case readOnlyTables[t]:
		return "SELECT"
	}
	return "SELECT, INSERT, UPDATE, DELETE"
}

// tableNames lists the tables of the current schema.
func tableNames(ctx context.Context, tx *sql.Tx) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
