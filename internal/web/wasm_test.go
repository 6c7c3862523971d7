package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
	"github.com/ikd-project/ikd/internal/trustlist"
	"github.com/ikd-project/ikd/internal/verify"
	"github.com/ikd-project/ikd/internal/verify/verifytest"
)

const wasmPath = "static/verify/ikd-verify.wasm"

// buildWasm builds cmd/ikd-verify-wasm exactly as go:generate does (see
// generate.go) into a temporary file.
func buildWasm(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the WebAssembly verifier")
	}
	out := filepath.Join(t.TempDir(), "ikd-verify.wasm")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid=", "-o", out, "../../cmd/ikd-verify-wasm")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build wasm: %v\n%s", err, b)
	}
	return out
}

// TestWasmUpToDate fails when the committed WebAssembly verifier or its
// wasm_exec.js is not what the sources and this toolchain build.
func TestWasmUpToDate(t *testing.T) {
	built, err := os.ReadFile(buildWasm(t))
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile(wasmPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ikd-verify.wasm: %d bytes", len(built))
	if !bytes.Equal(built, committed) {
		t.Errorf("%s (%d bytes) differs from a fresh build (%d bytes): run go generate ./internal/web", wasmPath, len(committed), len(built))
	}
	execJS, err := os.ReadFile(wasmExecJS(t))
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := os.ReadFile("static/verify/wasm_exec.js"); !bytes.Equal(c, execJS) {
		t.Error("static/verify/wasm_exec.js is not this toolchain's: run go generate ./internal/web")
	}
}

func wasmExecJS(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	root := strings.TrimSpace(string(out))
	p := filepath.Join(root, "lib", "wasm", "wasm_exec.js")
	if _, err := os.Stat(p); err != nil {
		p = filepath.Join(root, "misc", "wasm", "wasm_exec.js") // before Go 1.24
	}
	return p
}

// nodeScript loads wasm_exec.js and the wasm, and calls ikdVerify on each
// case read as JSON from stdin.
//
// It goes through loader.js, as the page does: window and document are
// stubbed, and fetch serves the committed ikd-verify.wasm.
const nodeScript = `"use strict";
const fs = require("fs");
const [execJS, wasm, loader] = process.argv.slice(2);
require(execJS);
globalThis.window = globalThis;
globalThis.location = { href: "http://ikd.test/verify" };
globalThis.document = { currentScript: { src: "http://ikd.test/static/verify/loader.js" }, head: { appendChild() {} } };
globalThis.fetch = async (url) => {
  if (String(url) !== "http://ikd.test/static/verify/ikd-verify.wasm") throw new Error("fetch " + url);
  return new Response(fs.readFileSync(wasm), { headers: { "Content-Type": "application/wasm" } });
};
require(loader);
const input = JSON.parse(fs.readFileSync(0, "utf8"));
Promise.all(input.cases.map((c) => window.ikd.verify(c.input, input.trust, c.nonce, input.now, c.pins))).then((out) => {
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
}).catch((e) => { console.error(e); process.exit(1); });
`

// TestWasmUnderNode runs the committed WebAssembly verifier under node,
// through loader.js's window.ikd.verify, on real presentations. Without node it skips, unless CI=true.
func TestWasmUnderNode(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is not on PATH (CI=true, so this fails instead of skipping)")
		}
		t.Skip("node is not on PATH")
	}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	f := verifytest.New(t, now)
	type tcase struct {
		Input string `json:"input"`
		Nonce string `json:"nonce"`
		Pins  string `json:"pins,omitempty"`
	}
	signer, err := trustlist.Parse(f.TrustList(), now, nil)
	if err != nil {
		t.Fatal(err)
	}
	otherKey := base64.RawURLEncoding.EncodeToString(make([]byte, 32))
	in := struct {
		Trust string  `json:"trust"`
		Now   int64   `json:"now"`
		Cases []tcase `json:"cases"`
	}{Trust: f.TrustList(), Now: now.UnixMilli(), Cases: []tcase{
		{Input: f.QR(verifytest.QR{Profile: qrcred.Foto, Idx: verifytest.IdxValid, Nonce: []byte("n1")}), Nonce: "n1"},
		{Input: f.QR(verifytest.QR{Idx: verifytest.IdxRevoked})},
		{Input: f.SDJWT(verifytest.SD{Idx: verifytest.IdxValid})},
		{Input: "not a credential"},
		{Input: f.QR(verifytest.QR{Idx: verifytest.IdxValid}), Pins: otherKey + "," + signer.SignedBy},
		{Input: f.QR(verifytest.QR{Idx: verifytest.IdxValid}), Pins: otherKey},
		{Input: f.QR(verifytest.QR{Idx: verifytest.IdxValid}), Pins: "not-a-key-id"},
	}}
	script := filepath.Join(t.TempDir(), "run.cjs")
	if err := os.WriteFile(script, []byte(nodeScript), 0o600); err != nil {
		t.Fatal(err)
	}
	stdin, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	execJS, _ := filepath.Abs("static/verify/wasm_exec.js")
	wasm, _ := filepath.Abs(wasmPath)
	loader, _ := filepath.Abs("static/verify/loader.js")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", script, execJS, wasm, loader)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var got []verify.Result
	if err := json.Unmarshal(out, &got); err != nil || len(got) != len(in.Cases) {
		t.Fatalf("node printed %s: %v", out, err)
	}
	if r := got[0]; !r.Valid || r.Format != "qr" || r.Profile != "foto" || r.Claims["nama"] != "SITI AMINAH" ||
		!strings.HasPrefix(r.Claims["foto"].(string), "data:image/jpeg;base64,") || r.TrustAge != time.Hour {
		t.Errorf("valid foto QR: %+v", r)
	}
	if r := got[1]; r.Valid || r.Reason != "revoked" || r.MessageID != "KTP digital ini telah dicabut." {
		t.Errorf("revoked QR: %+v", r)
	}
	if r := got[2]; !r.Valid || r.Format != "sd-jwt" || r.Claims["nik"] != "1771014501900003" {
		t.Errorf("valid SD-JWT: %+v", r)
	}
	if r := got[3]; r.Valid || r.Reason != "unreadable" {
		t.Errorf("garbage: %+v", r)
	}
	if r := got[4]; !r.Valid {
		t.Errorf("trust list signed by a pinned key: %+v", r)
	}
	for i, what := range map[int]string{5: "signed by a key that is not pinned", 6: "malformed pin"} {
		if r := got[i]; r.Valid || r.Reason != "unknown_issuer" {
			t.Errorf("trust list %s: %+v", what, r)
		}
	}
	// and the same answers as the Go core
	for i, c := range in.Cases {
		want := verify.VerifyPinned(c.Input, f.TrustList(), c.Pins, now, c.Nonce)
		if want.Valid != got[i].Valid || want.Reason != got[i].Reason {
			t.Errorf("case %d: wasm %v %q, Go %v %q", i, got[i].Valid, got[i].Reason, want.Valid, want.Reason)
		}
	}
}
