package cli

import (
	"context"
	"regexp"
	"strings"
	"testing"
)

func TestKeysRotateRetire(t *testing.T) {
	ctx := context.Background()
	vars := dirVars(t)
	code, stdout, stderr := run(t, ctx, vars, "keys", "list")
	if code != 0 || strings.Count(stdout, "active") != 1 {
		t.Fatalf("keys list on a new data directory: exit %d\n%s%s", code, stdout, stderr)
	}
	first := regexp.MustCompile(`(?m)^([A-Za-z0-9_-]{43})\s+active`).FindStringSubmatch(stdout)[1]
	if code, _, stderr := run(t, ctx, vars, "keys", "rotate", "--verify-for", "24h"); code != 1 || !strings.Contains(stderr, "lebih pendek dari umur kredensial") {
		t.Errorf("rotate with a too-short window: exit %d %s", code, stderr)
	}
	code, stdout, _ = run(t, ctx, vars, "keys", "rotate")
	if code != 0 || !strings.Contains(stdout, "new signing key") || !regexp.MustCompile(first+`\s+retired\s+\S+ \S+\s+\d{4}-\d{2}-\d{2}`).MatchString(stdout) {
		t.Fatalf("rotate: exit %d\n%s", code, stdout)
	}
	if code, _, _ := run(t, ctx, vars, "keys", "retire", first); code != 0 {
		t.Fatalf("retire: exit %d", code)
	}
	_, stdout, _ = run(t, ctx, vars, "keys", "list")
	if !regexp.MustCompile(first + `\s+withdrawn`).MatchString(stdout) {
		t.Errorf("after retire:\n%s", stdout)
	}
	active := regexp.MustCompile(`(?m)^([A-Za-z0-9_-]{43})\s+active`).FindStringSubmatch(stdout)[1]
	if code, _, stderr := run(t, ctx, vars, "keys", "retire", active); code != 1 || !strings.Contains(stderr, "ganti kunci (rotate) sebelum") {
		t.Errorf("retiring the signing key: exit %d %s", code, stderr)
	}
	if code, _, stderr := run(t, ctx, vars, "keys", "retire", "--lang", "en", first); code != 1 || !strings.Contains(stderr, "already withdrawn") {
		t.Errorf("retiring a withdrawn key: exit %d %s", code, stderr)
	}
	// Both changes are in the audit log, with who ran them.
	if got := keyEvents(t, vars); got != "kunci.rotasi system:cli,kunci.tarik system:cli" {
		t.Errorf("audit events of key changes: %s, want one rotation and one withdrawal", got)
	}
	if code, _, _ := run(t, ctx, vars, "keys", "frob"); code != 2 {
		t.Errorf("unknown subcommand: exit %d", code)
	}
	// About one key ID in 64 begins with "-": it is still a key ID, before
	// or after the flags, not a flag.
	dash := "-" + strings.Repeat("A", 42)
	for _, args := range [][]string{{"keys", "retire", dash}, {"keys", "retire", dash, "--lang", "en"}} {
		code, _, stderr := run(t, ctx, vars, args...)
		if code != 1 || strings.Contains(stderr, "tidak dikenal / unknown flag") {
			t.Errorf("%v: exit %d %s", args, code, stderr)
		}
	}
}

// keyEvents lists the key changes in the audit log as "action actor".
func keyEvents(t *testing.T, vars map[string]string) string {
	t.Helper()
	return auditActions(t, openVars(t, vars), "kunci.")
}
