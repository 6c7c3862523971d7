package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// isolatePGEnv clears the PG* variables the driver reads and gives the
// test a home directory of its own (no ~/.pg_service.conf, no
// ~/.postgresql), then sets kv (name, value, ...).
func isolatePGEnv(t *testing.T, kv ...string) {
	t.Helper()
	for _, k := range []string{"PGHOST", "PGPORT", "PGSSLMODE", "PGSSLROOTCERT", "PGSSLNEGOTIATION", "PGSERVICE", "PGSERVICEFILE", "PGTARGETSESSIONATTRS"} {
		t.Setenv(k, "")
	}
	t.Setenv("HOME", t.TempDir())
	for i := 0; i+1 < len(kv); i += 2 {
		t.Setenv(kv[i], kv[i+1])
	}
}

// TestHostlessURLUsesDriverHost (security review, MEDIUM-LOW): a
// postgres:// URL without a host takes its host from PGHOST or a service
// file; when that host is remote, the sslmode rule applies as for a host
// in the URL, because it is decided from what the driver will use.
func TestHostlessURLUsesDriverHost(t *testing.T) {
	service := filepath.Join(t.TempDir(), "pg_service.conf")
	if err := os.WriteFile(service, []byte("[remote]\nhost=db2.dukcapil.example.go.id\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		dsn     string
		env     []string
		refused bool
		warn    string
	}{
		{dsn: "postgres:///ikd", env: []string{"PGHOST", "db.dukcapil.example.go.id"}, refused: true},
		{dsn: "postgres://ikd_app@/ikd", env: []string{"PGHOST", "db.dukcapil.example.go.id"}, refused: true},
		{dsn: "postgres:///ikd?service=remote", env: []string{"PGSERVICEFILE", service}, refused: true},
		{dsn: "postgres:///ikd", env: []string{"PGSERVICEFILE", service, "PGSERVICE", "remote"}, refused: true},
		{dsn: "postgres:///ikd", env: []string{"PGHOST", "10.0.0.5", "PGSSLMODE", "require"}, warn: "10.0.0.5 sslmode=require"},
		{dsn: "postgres:///ikd?sslmode=disable", env: []string{"PGHOST", "10.0.0.5"}, warn: "10.0.0.5 sslmode=disable"},
		{dsn: "postgres:///ikd?sslmode=verify-full", env: []string{"PGHOST", "db.dukcapil.example.go.id"}},
		{dsn: "postgres:///ikd", env: []string{"PGHOST", "/var/run/postgresql"}},
		{dsn: "postgres:///ikd", env: []string{"PGHOST", "localhost,db.dukcapil.example.go.id"}, refused: true},
		{dsn: "postgres:///ikd"},
	} {
		t.Run(tc.dsn+" "+strings.Join(tc.env, "="), func(t *testing.T) {
			isolatePGEnv(t, tc.env...)
			w, err := postgresTLS(tc.dsn)
			if tc.refused {
				if err == nil || !strings.Contains(err.Error(), "sslmode=verify-full") {
					t.Errorf("warning %q, err %v: want the remote-without-sslmode refusal", w, err)
				}
				return
			}
			if err != nil || (tc.warn == "") != (w == "") || !strings.Contains(w, tc.warn) {
				t.Errorf("warning %q, err %v: want a warning with %q", w, err, tc.warn)
			}
		})
	}
}
