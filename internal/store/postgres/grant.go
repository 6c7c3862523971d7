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
// audit log's append-only triggers hold against it. CREATE on the schema
// is revoked from role, and GrantApp refuses when role still has it
// (through PUBLIC or another role): objects it created there could shadow
// built-ins in the owner's functions.
//
// Run it as the owner, after Migrate. role must exist and be neither the
// current user, a superuser, a member of an owner of the schema or its
// objects or of a powerful role (see appRoleQuery), nor have BYPASSRLS,
// CREATEROLE, CREATEDB or REPLICATION: grants would not confine it.
func (s *Store) GrantApp(ctx context.Context, role string) error {
	if err := s.checkAppRole(ctx, role); err != nil {
		return err
	}
	tx, err := s.SQL().BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("grant to %s: %w", role, err)
	}
	defer tx.Rollback()
	schema, err := grantAll(ctx, tx, pgx.Identifier{role}.Sanitize())
	if err != nil {
		return fmt.Errorf("grant to %s: %w", role, err)
	}
	if err := checkNoCreate(ctx, tx, schema, role); err != nil {
		return err
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
	replication               bool
	owners                    string // owners of the schema or its objects whose member role is, "" for none
	powerful                  string // powerful roles role is a member of, "" for none
}

// powerfulPredefined are PostgreSQL's predefined roles whose members can
// act as a superuser (run programs, write or read server files) or
// override table grants (read or write all data).
const powerfulPredefined = `'pg_execute_server_program', 'pg_write_server_files', 'pg_read_server_files',
	'pg_write_all_data', 'pg_read_all_data'`

// appRoleQuery reads a role's attributes, the owners it is a member of
// (among the current user, the owner of the current schema and the owners
// of its tables, sequences, other relations and functions: a member can
// act as the owner, by SET ROLE or inherited privileges, so it could
// disable or drop the audit log's triggers), and the powerful roles it is
// a member of (superusers, roles with CREATEROLE, CREATEDB, BYPASSRLS or
// REPLICATION, and the predefined roles above). pg_has_role(..., 'MEMBER')
// counts NOINHERIT memberships too: SET ROLE still works through them.
const appRoleQuery = `
WITH owners AS (
	SELECT relowner AS o FROM pg_class WHERE relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
	UNION SELECT proowner FROM pg_proc WHERE pronamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
	UNION SELECT nspowner FROM pg_namespace WHERE nspname = current_schema()
	UNION SELECT oid FROM pg_roles WHERE rolname = current_user),
powerful AS (
	SELECT oid AS p FROM pg_roles WHERE rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls OR rolreplication
		OR rolname IN (` + powerfulPredefined + `))
SELECT r.rolsuper, r.rolname = current_user, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb, r.rolreplication,
	coalesce((SELECT string_agg(pg_get_userbyid(o), ', ' ORDER BY pg_get_userbyid(o)) FROM owners
		WHERE o <> r.oid AND pg_has_role(r.oid, o, 'MEMBER')), ''),
	coalesce((SELECT string_agg(pg_get_userbyid(p), ', ' ORDER BY pg_get_userbyid(p)) FROM powerful
		WHERE p <> r.oid AND pg_has_role(r.oid, p, 'MEMBER')), '')
FROM pg_roles r WHERE r.rolname = $1`

// checkAppRole refuses a role that does not exist, is the current user, a
// superuser, a member of an owner or of a powerful role, or may bypass row
// security, replicate or create roles or databases: grants would not limit
// what it can do.
func (s *Store) checkAppRole(ctx context.Context, role string) error {
	r := appRole{name: role}
	err := s.SQL().QueryRowContext(ctx, appRoleQuery, role).Scan(&r.super, &r.self, &r.bypassRLS, &r.createRole, &r.db, &r.replication, &r.owners, &r.powerful)
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
	case r.powerful != "":
		return errs.Newf(errs.Invalid,
			"peran %q adalah anggota peran berkuasa %s (superuser, CREATEROLE, CREATEDB, BYPASSRLS, REPLICATION, atau peran bawaan yang dapat "+
				"menjalankan program, membaca/menulis berkas server atau semua data), sehingga hak terbatas tidak mengikatnya; cabut dulu: REVOKE %s FROM %s",
			"role %q is a member of the powerful role %s (a superuser, CREATEROLE, CREATEDB, BYPASSRLS, REPLICATION, or a predefined role that can "+
				"run programs, read or write server files or all data), so limited grants do not bind it; revoke it first: REVOKE %s FROM %s",
			r.name, r.powerful, r.powerful, id)
	case r.bypassRLS || r.createRole || r.db || r.replication:
		return errs.Newf(errs.Invalid,
			"peran %q punya atribut BYPASSRLS, CREATEROLE, CREATEDB atau REPLICATION, yang tidak boleh dimiliki peran aplikasi; "+
				"cabut dulu: ALTER ROLE %s NOBYPASSRLS NOCREATEROLE NOCREATEDB NOREPLICATION",
			"role %q has BYPASSRLS, CREATEROLE, CREATEDB or REPLICATION, which the application role must not have; "+
				"remove them first: ALTER ROLE %s NOBYPASSRLS NOCREATEROLE NOCREATEDB NOREPLICATION",
			r.name, id)
	}
	return nil
}

// grantAll revokes and re-grants role's privileges on every table and
// sequence of the current schema, revokes CREATE on the schema from role,
// and returns the schema's name.
func grantAll(ctx context.Context, tx *sql.Tx, role string) (string, error) {
	var schema string
	if err := tx.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return "", err
	}
	schemaID := pgx.Identifier{schema}.Sanitize()
	tables, err := tableNames(ctx, tx)
	if err != nil {
		return "", err
	}
	stmts := []string{"REVOKE CREATE ON SCHEMA " + schemaID + " FROM " + role, "GRANT USAGE ON SCHEMA " + schemaID + " TO " + role}
	for _, t := range tables {
		id := pgx.Identifier{t}.Sanitize()
		stmts = append(stmts, "REVOKE ALL ON "+id+" FROM "+role, "GRANT "+tablePrivileges(t)+" ON "+id+" TO "+role)
	}
	stmts = append(stmts, "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "+schemaID+" TO "+role)
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return "", fmt.Errorf("%s: %w", q, err)
		}
	}
	return schema, nil
}

// createQuery tells whether a role may still CREATE in a schema, and
// whether PUBLIC may.
const createQuery = `
SELECT has_schema_privilege($1, $2, 'CREATE'),
	EXISTS (SELECT 1 FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
		WHERE n.nspname = $2 AND a.grantee = 0 AND a.privilege_type = 'CREATE')`

// checkNoCreate refuses when role may still create objects in schema after
// its own CREATE was revoked: through PUBLIC, whose rights GrantApp leaves
// to the operator, or through another role it belongs to.
func checkNoCreate(ctx context.Context, tx *sql.Tx, schema, role string) error {
	var create, public bool
	if err := tx.QueryRowContext(ctx, createQuery, role, schema).Scan(&create, &public); err != nil {
		return fmt.Errorf("check CREATE on schema %s: %w", schema, err)
	}
	schemaID := pgx.Identifier{schema}.Sanitize()
	switch {
	case create && public:
		return errs.Newf(errs.Invalid,
			"PUBLIC boleh CREATE di skema %s, sehingga peran %q dapat membuat objek yang membayangi fungsi bawaan dalam fungsi pemilik; "+
				"cabut dulu: REVOKE CREATE ON SCHEMA %s FROM PUBLIC",
			"PUBLIC may CREATE in schema %s, so role %q could create objects that shadow built-ins in the owner's functions; "+
				"revoke it first: REVOKE CREATE ON SCHEMA %s FROM PUBLIC",
			schema, role, schemaID)
	case create:
		return errs.Newf(errs.Invalid,
			"peran %q masih boleh CREATE di skema %s melalui peran lain yang diikutinya; cabut hak CREATE itu dulu (REVOKE CREATE ON SCHEMA %s FROM ...)",
			"role %q may still CREATE in schema %s through another role it belongs to; revoke that CREATE first (REVOKE CREATE ON SCHEMA %s FROM ...)",
			role, schema, schemaID)
	}
	return nil
}

// PublicTableGrants lists the privileges on the current schema's tables
// that are granted to PUBLIC, as "table: PRIVILEGE" lines: every role,
// the application's included, holds them whatever GrantApp granted.
func (s *Store) PublicTableGrants(ctx context.Context) ([]string, error) {
	rows, err := s.SQL().QueryContext(ctx, `
SELECT c.relname || ': ' || a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) AND a.grantee = 0
ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("list table privileges of PUBLIC: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			return nil, fmt.Errorf("list table privileges of PUBLIC: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
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
