package cli

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/store"

	_ "modernc.org/sqlite"
)

// TestMain lets a test run this binary as the ikd command: with
// IKD_TEST_RUN_CLI set, it runs cli.Main with the arguments in that
// variable (separated by the unit separator \x1f) instead of the tests.
func TestMain(m *testing.M) {
	if args := os.Getenv("IKD_TEST_RUN_CLI"); args != "" {
		os.Exit(Main(context.Background(), strings.Split(args, "\x1f"), OSEnv(false)))
	}
	os.Exit(m.Run())
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// run runs ikd in-process with env vars vars and returns its exit code and
// output.
func run(t *testing.T, ctx context.Context, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr syncBuffer
	env := &Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return vars[k] }}
	code := Main(ctx, args, env)
	return code, stdout.String(), stderr.String()
}

// dirVars returns settings that keep everything in a fresh directory.
func dirVars(t *testing.T) map[string]string {
	dir := t.TempDir()
	return map[string]string{"IKD_DATABASE": "sqlite:" + filepath.Join(dir, "ikd.db"), "IKD_DATA_DIR": dir, "IKD_LOG_LEVEL": "warn"}
}

func TestUsageErrors(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "Usage: ikd <command>"},
		{[]string{"frobnicate"}, 2, "perintah tidak dikenal"},
		{[]string{"serve", "--no-such-flag"}, 2, "flag -no-such-flag tidak dikenal / unknown flag -no-such-flag"},
		{[]string{"serve", "--listen"}, 2, "flag -listen butuh nilai"},
		{[]string{"serve", "--database", "postgres://postgres@127.0.0.1:1/test"}, 1, "PostgreSQL di 127.0.0.1:1 tidak menjawab"},
		{[]string{"serve", "--database", "postgres://nobody:s3cret@127.0.0.1:1/test"}, 1, "127.0.0.1:1 tidak menjawab"},
		{[]string{"serve", "--database", "host=db password=s3cret"}, 1, "--database tidak dikenal"},
		{[]string{"serve", "--scale", "20"}, 1, "--scale harus"},
		{[]string{"import"}, 2, "tepat satu"},
		{[]string{"audit"}, 2, "ikd audit verify"},
		{[]string{"serve", "extra", "--listen", "127.0.0.1:1"}, 2, `unexpected argument "extra"`},
		{[]string{"migrate", "now"}, 2, `argumen tidak dikenal "now"`},
		{[]string{"keys", "frob"}, 2, `unknown subcommand "frob"`},
		{[]string{"petugas", "-h"}, 0, "Usage: ikd petugas"},
		{[]string{"audit", "--help"}, 0, "Usage: ikd audit"},
	} {
		code, stdout, stderr := run(t, ctx, map[string]string{}, c.args...)
		if code != c.code || !strings.Contains(stdout+stderr, c.want) {
			t.Errorf("ikd %v: exit %d, output %q; want exit %d and %q", c.args, code, stdout+stderr, c.code, c.want)
		}
	}
	code, _, stderr := run(t, ctx, map[string]string{"IKD_LANG": "en"}, "serve", "--database", "host=db password=s3cret")
	if code != 1 || !strings.Contains(stderr, "is not recognised") || strings.Contains(stderr, "s3cret") {
		t.Errorf("English error (and no password echoed): exit %d, %q", code, stderr)
	}
	// A password in IKD_DATABASE never shows in the usage text or a flag error.
	for _, args := range [][]string{{"serve", "--no-such-flag"}, {"serve", "-h"}, {"serve", "---database=postgres://u:s3cret@h/db"}} {
		_, stdout, stderr := run(t, ctx, map[string]string{"IKD_DATABASE": "postgres://ikd:s3cret@db.example/ikd"}, args...)
		if strings.Contains(stdout+stderr, "s3cret") || !strings.Contains(stdout+stderr, "Usage: ikd serve") {
			t.Errorf("ikd %v with a password in IKD_DATABASE: %q", args, stdout+stderr)
		}
	}
	// PostgreSQL's refusals, in the user's language, never with the password.
	if os.Getenv("IKD_TEST_POSTGRES_DSN") != "" {
		for dsn, want := range map[string]string{
			"postgres://nobody:s3cret@127.0.0.1:5432/test?sslmode=disable":    `menolak login pengguna "nobody"`,
			"postgres://postgres@127.0.0.1:5432/tidak_ada_db?sslmode=disable": `basis data "tidak_ada_db" tidak ada`,
		} {
			code, _, stderr := run(t, ctx, map[string]string{}, "serve", "--database", dsn, "--data-dir", t.TempDir())
			if code != 1 || !strings.Contains(stderr, want) || strings.Contains(stderr, "s3cret") {
				t.Errorf("serve --database %s: exit %d, %q; want %q", dsn, code, stderr, want)
			}
		}
	}
	// The final error follows --lang, not only IKD_LANG.
	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte("a,b\n1,2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = run(t, ctx, dirVars(t), "import", "--lang", "en", bad)
	if code != 1 || !strings.Contains(stderr, "Required columns are missing") {
		t.Errorf("import --lang en of a file that is not a SIAK export: exit %d, %q", code, stderr)
	}
}

func TestMigrateAndAuditVerify(t *testing.T) {
	ctx := context.Background()
	vars := dirVars(t)
	code, stdout, stderr := run(t, ctx, vars, "migrate")
	if code != 0 || !regexp.MustCompile(`[1-9][0-9]* migrations applied`).MatchString(stdout) {
		t.Fatalf("migrate: exit %d, %q %q", code, stdout, stderr)
	}
	code, stdout, _ = run(t, ctx, vars, "migrate")
	if code != 0 || !strings.Contains(stdout, "0 migrations applied") {
		t.Fatalf("second migrate: exit %d, %q", code, stdout)
	}
	code, stdout, _ = run(t, ctx, vars, "audit", "verify")
	if code != 0 || !strings.Contains(stdout, "audit log intact: 0 events") {
		t.Fatalf("audit verify: exit %d, %q", code, stdout)
	}
}

var openURL = regexp.MustCompile(`open (http://[0-9.:]+/)`)

// startServe runs ikd serve in-process on a free port and returns its base
// URL, a function that stops it (returning the exit code), and its stderr.
func startServe(t *testing.T, vars map[string]string, args ...string) (string, func() int, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	env := &Env{Stdout: io.Discard, Stderr: &stderr, Getenv: func(k string) string { return vars[k] }}
	codec := make(chan int, 1)
	go func() { codec <- Main(ctx, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...), env) }()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := openURL.FindStringSubmatch(stderr.String()); m != nil {
			return m[1], func() int { cancel(); return <-codec }, &stderr
		}
		select {
		case code := <-codec:
			t.Fatalf("serve exited with %d: %s", code, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("serve did not start: %s", stderr.String())
	return "", nil, nil
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeOperationalEndpoints(t *testing.T) {
	vars := dirVars(t)
	vars["IKD_LOG_LEVEL"] = "info"
	base, stop, stderr := startServe(t, vars)
	code, body := get(t, base+"healthz")
	if code != 200 || !strings.Contains(body, `"status":"ok"`) || !strings.Contains(body, `"complete":`) {
		t.Errorf("/healthz: %d %s", code, body)
	}
	code, body = get(t, base+"readyz")
	if code != 200 || !strings.Contains(body, `"ready"`) {
		t.Errorf("/readyz: %d %s", code, body)
	}
	code, body = get(t, base+"")
	if code != 200 || !strings.Contains(body, "Ringkasan penduduk per kabupaten/kota") || !strings.Contains(body, "Kota Bengkulu") {
		t.Errorf("home page: %d %.300s", code, body)
	}
	code, body = get(t, base+"?lang=en")
	if code != 200 || !strings.Contains(body, "Residents per regency/city") {
		t.Errorf("home page in English: %d", code)
	}
	code, _ = get(t, base+"static/ikd.css")
	if code != 200 {
		t.Errorf("stylesheet: %d", code)
	}
	code, body = get(t, base+".well-known/openid-credential-issuer")
	if code != 200 || !strings.Contains(body, `"credential_issuer":"http://127.0.0.1:8080"`) {
		t.Errorf("credential issuer metadata: %d %.300s", code, body)
	}
	code, _ = get(t, base+".well-known/ikd-trust-list")
	if code != 200 {
		t.Errorf("trust list: %d", code)
	}
	code, body = get(t, base+"metrics")
	if code != 200 || !strings.Contains(body, `ikd_http_requests_total{code="200",route="GET /healthz"} 1`) {
		t.Errorf("/metrics: %d, no count for /healthz in:\n%.2000s", code, body)
	}
	if code := stop(); code != 0 {
		t.Errorf("serve exited with %d after shutdown: %s", code, stderr.String())
	}
	// One JSON log event per request, with the route.
	var sawHealthz bool
	sc := bufio.NewScanner(strings.NewReader(stderr.String()))
	for sc.Scan() {
		var ev map[string]any
		if json.Unmarshal(sc.Bytes(), &ev) == nil && ev["msg"] == "http" && ev["route"] == "GET /healthz" {
			sawHealthz = true
		}
	}
	if !sawHealthz {
		t.Errorf("no JSON log event for GET /healthz in:\n%s", stderr.String())
	}
}

func TestReadyzFailsWithoutSchema(t *testing.T) {
	vars := dirVars(t)
	vars["IKD_LOG_LEVEL"] = "info"
	base, stop, stderr := startServe(t, vars)
	defer stop()
	// Roll the schema back under the running server, as a botched
	// migration would: /readyz must say so.
	db, err := sql.Open("sqlite", strings.TrimPrefix(vars["IKD_DATABASE"], "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("DELETE FROM goose_db_version WHERE version_id > 0"); err != nil {
		t.Fatal(err)
	}
	code, body := get(t, base+"readyz")
	if code != 503 || strings.Contains(body, "migrate") {
		t.Errorf("/readyz with the schema version gone: %d %s (the reason belongs in the log only)", code, body)
	}
	if log := stderr.String(); !strings.Contains(log, "run ikd migrate") {
		t.Errorf("the log does not say why the server is not ready:\n%s", log)
	}
}

// TestServePostgresTLS: serve refuses a remote PostgreSQL server with no
// sslmode and warns about a weak one, never showing the password.
func TestServePostgresTLS(t *testing.T) {
	ctx := context.Background()
	vars := dirVars(t)
	vars["IKD_DATABASE"] = "postgres://ikd:s3cret@db.invalid:5432/ikd?connect_timeout=2"
	code, stdout, stderr := run(t, ctx, vars, "serve", "--listen", "127.0.0.1:0")
	if code != 1 || !strings.Contains(stderr, "tanpa sslmode") || strings.Contains(stdout+stderr, "s3cret") {
		t.Errorf("no sslmode: exit %d\n%s%s", code, stdout, stderr)
	}
	vars["IKD_DATABASE"] += "&sslmode=disable"
	code, stdout, stderr = run(t, ctx, vars, "serve", "--listen", "127.0.0.1:0")
	if code != 1 || !strings.Contains(stderr, `"level":"WARN"`) || !strings.Contains(stderr, "db.invalid sslmode=disable") ||
		strings.Contains(stdout+stderr, "s3cret") {
		t.Errorf("sslmode=disable: exit %d\n%s%s", code, stdout, stderr)
	}
}

// auditActions lists the audit events whose action starts with prefix, as
// "action actor" joined by commas, oldest first.
func auditActions(t *testing.T, st store.Store, prefix string) string {
	t.Helper()
	evs, err := st.ListAudit(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ev := range evs {
		if strings.HasPrefix(ev.Action, prefix) {
			out = append(out, ev.Action+" "+ev.Actor)
		}
	}
	return strings.Join(out, ",")
}
