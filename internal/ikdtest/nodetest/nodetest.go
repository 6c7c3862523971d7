// Package nodetest runs the independent JavaScript implementations in
// interop/node from Go tests: the libraries ikd's credentials are checked
// against. Without node or the installed packages a test is skipped, except
// when CI=true, where interop is required and the test fails.
package nodetest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Dir returns the repository's interop/node directory. When node or
// interop/node/node_modules is missing the test is skipped, or fails when
// CI=true (CI installs them with npm ci --prefix interop/node).
func Dir(t testing.TB) string {
	t.Helper()
	missing := func(what string) {
		t.Helper()
		if os.Getenv("CI") == "true" {
			t.Fatalf("interop: %s (CI=true, so this fails instead of skipping; install node and run npm ci --prefix interop/node)", what)
		}
		t.Skipf("interop: %s; install node and run npm ci --prefix interop/node to enable", what)
	}
	if _, err := exec.LookPath("node"); err != nil {
		missing("node is not on PATH")
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			nd := filepath.Join(dir, "interop", "node")
			if _, err := os.Stat(filepath.Join(nd, "node_modules")); err != nil {
				missing(nd + "/node_modules is missing")
			}
			return nd
		}
		if filepath.Dir(dir) == dir {
			t.Fatal("interop: no go.mod above " + wd)
		}
	}
}

// Run runs interop/node/<script> with in as JSON on stdin and decodes
// its JSON stdout into out.
func Run(t testing.TB, script string, in, out any) {
	t.Helper()
	dir := Dir(t)
	input, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join(dir, script))
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(input)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node %s: %v\nstderr:\n%s\nstdout:\n%s", script, err, stderr.String(), stdout.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		t.Fatalf("node %s printed no JSON: %v\n%s\nstderr:\n%s", script, err, stdout.String(), stderr.String())
	}
}
