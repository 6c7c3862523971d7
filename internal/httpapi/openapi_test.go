package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/httpapi"
	"github.com/ikd-project/ikd/internal/httpserver"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/ikdtest/nodetest"
	"github.com/ikd-project/ikd/internal/issuance"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
	"github.com/ikd-project/ikd/internal/kredensial/sdjwt"
	"github.com/ikd-project/ikd/internal/lembaga"
	"github.com/ikd-project/ikd/internal/petugas"
)

// TestOpenAPIRoutes: the document has an operation for every /api/v1/
// route the API mounts (with all its services), and no other.
func TestOpenAPIRoutes(t *testing.T) {
	doc := contractDoc(t)
	var mounted []string
	api := &httpapi.API{Lembaga: &lembaga.Service{}, Petugas: &petugas.Service{}}
	api.Mount(func(pattern string, _ http.Handler) {
		if _, path, _ := strings.Cut(pattern, " "); strings.HasPrefix(path, "/api/v1/") {
			mounted = append(mounted, pattern)
		}
	})
	var documented []string
	for path, item := range doc.Paths.Map() {
		if !strings.HasPrefix(path, "/api/v1/") {
			t.Errorf("the document describes %s, outside /api/v1/", path)
		}
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	slices.Sort(mounted)
	slices.Sort(documented)
	if !slices.Equal(mounted, documented) {
		t.Errorf("mounted /api/v1/ routes:\n  %s\nthe document's operations:\n  %s",
			strings.Join(mounted, "\n  "), strings.Join(documented, "\n  "))
	}
}

// TestOpenAPIContractCatches: the contract check passes an answer the
// document declares and catches each kind of answer it does not.
func TestOpenAPIContractCatches(t *testing.T) {
	doc := contractDoc(t)
	offer := map[string]any{"aktivasi_id": "a1", "offer_uri": "openid-credential-offer://?credential_offer_uri=x",
		"qr_png": "data:image/png;base64,AAAA", "email": "s***@example.id", "expires_at": "2026-03-02T08:25:00Z"}
	without := func(m map[string]any, key string) map[string]any {
		out := map[string]any{}
		for k, v := range m {
			if k != key {
				out[k] = v
			}
		}
		return out
	}
	with := func(m map[string]any, key string, v any) map[string]any {
		out := without(m, key)
		out[key] = v
		return out
	}
	jsonHeader := func(kv ...string) http.Header {
		h := http.Header{"Content-Type": {"application/json; charset=utf-8"}, "Cache-Control": {"no-store"}}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				h.Del(kv[i])
			} else {
				h.Set(kv[i], kv[i+1])
			}
		}
		return h
	}
	valid := map[string]any{"result": "VALID", "message": "KTP digital sah", "format": "qr", "profile": "dasar",
		"claims": map[string]any{"nama": "SITI AMINAH"}, "verified_at": "2026-03-02T08:15:00Z"}
	invalid := map[string]any{"result": "INVALID", "reason": "revoked", "message": "dicabut", "claims": map[string]any{},
		"verified_at": "2026-03-02T08:15:00Z"}
	statusOK := map[string]any{"nik": "1771********0001", "tindakan": "tangguhkan", "alasan": "perangkat_hilang",
		"status": "suspended", "kredensial": 4, "message": "ditangguhkan"}
	errBody := func(code string) map[string]any { return map[string]any{"error": code, "error_description": "x"} }

	type answer struct {
		pattern, path, reqBody string
		status                 int
		header                 http.Header
		body                   any // JSON-encoded unless a string
	}
	aktivasi := func(status int, h http.Header, body any) answer {
		return answer{"POST /api/v1/aktivasi", "/api/v1/aktivasi", `{"nik": "1771015708900001"}`, status, h, body}
	}
	verif := func(status int, h http.Header, body any) answer {
		return answer{"POST /api/v1/verifications", "/api/v1/verifications", `{"presentation": "IKD1:x"}`, status, h, body}
	}
	suspend := func(reqBody string, status int, h http.Header, body any) answer {
		return answer{"POST /api/v1/penduduk/{nik}/tangguhkan", "/api/v1/penduduk/1771015708900001/tangguhkan", reqBody, status, h, body}
	}
	good := map[string]answer{
		"offer":             aktivasi(201, jsonHeader(), offer),
		"400":               aktivasi(400, jsonHeader(), errBody("invalid_request")),
		"401":               aktivasi(401, jsonHeader("WWW-Authenticate", "Bearer"), errBody("invalid_token")),
		"503":               aktivasi(503, jsonHeader("Retry-After", "1"), errBody("unavailable")),
		"500 plain (panic)": aktivasi(500, http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, "internal error\n"),
		"valid":             verif(200, jsonHeader(), valid),
		"invalid":           verif(200, jsonHeader(), invalid),
		"429":               verif(429, jsonHeader("Retry-After", "12"), errBody("rate_limited")),
		"suspended":         suspend(`{"alasan": "perangkat_hilang"}`, 200, jsonHeader(), statusOK),
		"409":               suspend(`{"alasan": "perangkat_hilang"}`, 409, jsonHeader(), errBody("conflict")),
		"document": {"GET /api/v1/openapi.json", "/api/v1/openapi.json", "", 200,
			http.Header{"Content-Type": {"application/json"}}, string(httpapi.OpenAPI())},
		"unmatched by the router": {"", "/api/v1/nothing", "", 404, http.Header{"Content-Type": {"text/plain"}}, "404 page not found\n"},
	}
	bad := map[string]answer{
		"a required member missing":        aktivasi(201, jsonHeader(), without(offer, "expires_at")),
		"an undeclared member":             aktivasi(201, jsonHeader(), with(offer, "tx_code", "123456")),
		"a member of the wrong type":       aktivasi(201, jsonHeader(), with(offer, "expires_at", 1700000000)),
		"a malformed date-time":            aktivasi(201, jsonHeader(), with(offer, "expires_at", "tomorrow")),
		"an undeclared status":             aktivasi(200, jsonHeader(), offer),
		"another content type":             aktivasi(201, jsonHeader("Content-Type", "text/html"), offer),
		"no Cache-Control":                 aktivasi(201, jsonHeader("Cache-Control", ""), offer),
		"an error code of another status":  aktivasi(400, jsonHeader(), errBody("not_found")),
		"an error without its description": aktivasi(400, jsonHeader(), without(errBody("invalid_request"), "error_description")),
		"a 401 without WWW-Authenticate":   aktivasi(401, jsonHeader(), errBody("invalid_token")),
		"a 503 without Retry-After":        aktivasi(503, jsonHeader(), errBody("unavailable")),
		"a 409 where none is declared":     aktivasi(409, jsonHeader(), errBody("conflict")),
		"a body that is not JSON":          aktivasi(201, jsonHeader(), "{"),
		"VALID with a reason":              verif(200, jsonHeader(), with(valid, "reason", "revoked")),
		"INVALID without a reason":         verif(200, jsonHeader(), without(invalid, "reason")),
		"an unknown reason":                verif(200, jsonHeader(), with(invalid, "reason", "looks_odd")),
		"claims missing":                   verif(200, jsonHeader(), without(valid, "claims")),
		"the status of another action":     suspend(`{"alasan": "perangkat_hilang"}`, 200, jsonHeader(), with(statusOK, "status", "revoked")),
		"a success for a reason the document refuses": suspend(`{"alasan": "perangkat_ditemukan"}`, 200, jsonHeader(),
			with(statusOK, "alasan", "perangkat_ditemukan")),
		"a success for a body with an unknown member": aktivasi(201, jsonHeader(), offer),
		"a route the document lacks": {"POST /api/v1/penduduk/{nik}/hapus", "/api/v1/penduduk/1771015708900001/hapus",
			`{}`, 200, jsonHeader(), statusOK},
		"a route without a method": {"/api/v1/aktivasi", "/api/v1/aktivasi", `{}`, 201, jsonHeader(), offer},
	}
	unknownMember := bad["a success for a body with an unknown member"]
	unknownMember.reqBody = `{"nik": "1771015708900001", "catatan": "x"}`
	bad["a success for a body with an unknown member"] = unknownMember

	check := func(a answer) (string, error) {
		req := httptest.NewRequest("POST", a.path, strings.NewReader(a.reqBody))
		if strings.HasPrefix(a.pattern, "GET ") {
			req = httptest.NewRequest("GET", a.path, nil)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer ikdp_test")
		req.Pattern = a.pattern
		if strings.Contains(a.pattern, "{nik}") {
			req.SetPathValue("nik", "1771015708900001")
		}
		body, ok := a.body.(string)
		if !ok {
			b, err := json.Marshal(a.body)
			if err != nil {
				t.Fatal(err)
			}
			body = string(b)
		}
		return checkContract(doc, req, []byte(a.reqBody), a.status, a.header, []byte(body))
	}
	for name, a := range good {
		if _, err := check(a); err != nil {
			t.Errorf("%s: a declared answer was refused: %v", name, err)
		}
	}
	for name, a := range bad {
		if _, err := check(a); err == nil {
			t.Errorf("%s: not caught", name)
		} else {
			t.Logf("%s: caught: %.200v", name, err)
		}
	}

	// conform fails the test that got a wrong answer.
	ft := &fakeT{TB: t}
	h := conform(ft, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux := http.NewServeMux()
		mux.HandleFunc("POST /api/v1/aktivasi", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(201)
			json.NewEncoder(w).Encode(without(offer, "offer_uri"))
		})
		mux.ServeHTTP(w, r)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/api/v1/aktivasi", strings.NewReader(`{"nik": "1771015708900001"}`)))
	if len(ft.errors) != 1 || !strings.Contains(ft.errors[0], "offer_uri") {
		t.Errorf("conform on an answer without offer_uri reported %q", ft.errors)
	}
}

// fakeT records the errors conform reports.
type fakeT struct {
	testing.TB
	errors []string
}

func (f *fakeT) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

// TestOpenAPIContract calls every operation of the document for its
// success and its error answers, through the real wiring and middleware:
// each answer must match the document (conform), and every status the
// document declares must have been answered. The server's own failures
// (500, 503), which a healthy server does not answer, come from the
// handlers' error writer at each operation's route.
func TestOpenAPIContract(t *testing.T) {
	o := startOfficer(t, ikdtest.NewStore(t))
	doc := contractDoc(t)
	post := func(path, token, body string, header ...string) response {
		t.Helper()
		if token != "" {
			header = append(header, "Authorization", "Bearer "+token)
		}
		return o.api.do(t, "POST", path, "application/json", body, header...)
	}
	expect := func(r response, status int) {
		t.Helper()
		if r.status != status {
			t.Fatalf("got %d, want %d: %s", r.status, status, r.body)
		}
	}

	// The document itself.
	r := o.api.get(t, "/api/v1/openapi.json")
	expect(r, 200)
	if !bytes.Equal(r.body, httpapi.OpenAPI()) || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("GET /api/v1/openapi.json: %s, %d bytes, not the embedded document", r.header.Get("Content-Type"), len(r.body))
	}

	// Institutions.
	phone := newKey(t)
	creds, _ := o.activate(t, phone, "ktp_qr_dasar")
	qr := presentQR(t, creds, phone, "n-1")
	verif := func(key, body string, header ...string) response {
		t.Helper()
		return post("/api/v1/verifications", key, body, header...)
	}
	body := func(m map[string]string) string { b, _ := json.Marshal(m); return string(b) }
	if m := verif(o.bankKey, body(map[string]string{"presentation": qr, "nonce": "n-1"})).json(t); m["result"] != "VALID" {
		t.Fatalf("verification: %v", m)
	}
	sd := presentSDJWT(t, creds, phone, "https://bank.example", "n-2")
	if m := verif(o.bankKey, body(map[string]string{"presentation": sd, "nonce": "n-2", "aud": "https://bank.example"}), "Accept-Language", "en").json(t); m["result"] != "VALID" {
		t.Fatalf("SD-JWT verification: %v", m)
	}
	if m := verif(o.bankKey, body(map[string]string{"presentation": "IKD1:NOT-A-QR"})).json(t); m["result"] != "INVALID" {
		t.Fatalf("verification of garbage: %v", m)
	}
	expect(verif("", body(map[string]string{"presentation": qr})), 401)
	expect(verif("ikdk_unknown", body(map[string]string{"presentation": qr})), 401)
	// Every claim an institution may receive, in each format.
	_, allKey, err := o.lembagaSvc.Register(ctx, "Semua", "uji kontrak", lembaga.Fields, lembaga.MaxRate)
	if err != nil {
		t.Fatal(err)
	}
	for _, config := range []string{"ktp_qr_dasar", "ktp_qr_usia", "ktp_qr_foto"} {
		cwt, err := base64.RawURLEncoding.DecodeString(creds[config])
		if err != nil {
			t.Fatal(err)
		}
		p, err := qrcred.Present(cwt, phone, time.Now(), []byte("n-3"))
		if err != nil {
			t.Fatal(err)
		}
		if m := verif(allKey, body(map[string]string{"presentation": p, "nonce": "n-3"})).json(t); m["result"] != "VALID" || len(m["claims"].(map[string]any)) < 2 {
			t.Fatalf("%s: %v", config, m)
		}
	}
	full, err := sdjwt.Present(creds["ktp_digital_sd_jwt"], func(string) bool { return true },
		&sdjwt.KeyBinding{Signer: phone, Aud: "https://semua.example", Nonce: "n-4", IAT: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if m := verif(allKey, body(map[string]string{"presentation": full, "nonce": "n-4", "aud": "https://semua.example"})).json(t); m["result"] != "VALID" || len(m["claims"].(map[string]any)) < 6 {
		t.Fatalf("SD-JWT, all disclosed: %v", m)
	}
	expect(verif(o.bankKey, `{"presentation": " "}`), 400)
	expect(verif(o.bankKey, `{"presentation": "x", "extra": 1}`, "Accept-Language", "en"), 400)
	expect(verif(o.bankKey, `[]`), 400)
	_, slowKey, err := o.lembagaSvc.Register(ctx, "Koperasi", "keanggotaan", []string{"nama"}, lembaga.MinRate)
	if err != nil {
		t.Fatal(err)
	}
	expect(verif(slowKey, body(map[string]string{"presentation": qr})), 200)
	expect(verif(slowKey, body(map[string]string{"presentation": qr})), 429)

	// Officers: activation.
	outsider := o.addOfficer(t, "andi", "DISDUKCAPIL-17.01") // Kabupaten Bengkulu Selatan
	aktivasi := func(token, body string) response { t.Helper(); return post("/api/v1/aktivasi", token, body) }
	expect(aktivasi("", `{"nik": "`+siti+`"}`), 401)
	expect(aktivasi("ikdp_unknown", `{"nik": "`+siti+`"}`), 401)
	expect(aktivasi(o.token, `{}`), 400)
	expect(aktivasi(o.token, `{"nik": "1771"}`), 400)
	expect(aktivasi(o.token, `{"nik": "`+siti+`", "catatan": "x"}`), 400)
	expect(aktivasi(outsider, `{"nik": "`+siti+`"}`), 403)
	expect(aktivasi(o.token, `{"nik": "`+unknownSiti+`"}`), 404)
	expect(aktivasi(o.token, `{"nik": "`+siti+`"}`), 201)
	o.mailedCode(t)

	// Officers: status changes, refused...
	for _, act := range issuance.Actions {
		path := "/api/v1/penduduk/" + siti + "/" + string(act)
		ok := `{"alasan": "` + issuance.ReasonCodes(act)[0] + `"}`
		expect(post(path, "", ok), 401)
		expect(post(path, "ikdp_unknown", ok), 401)
		expect(post(path, o.token, `{"alasan": "bosan"}`), 400)
		expect(post(path, o.token, `{}`, "Accept-Language", "en"), 400)
		expect(post("/api/v1/penduduk/1771/"+string(act), o.token, ok), 400)
		expect(post(path, outsider, ok), 403)
		expect(post("/api/v1/penduduk/"+unknownSiti+"/"+string(act), o.token, ok), 404)
	}
	// ... and done, on the digital ID activated above.
	status := func(act, alasan string, want int) {
		t.Helper()
		expect(post("/api/v1/penduduk/"+siti+"/"+act, o.token, `{"alasan": "`+alasan+`"}`), want)
	}
	status("pulihkan", "perangkat_ditemukan", 409)
	status("tangguhkan", "perangkat_hilang", 200)
	status("tangguhkan", "perangkat_hilang", 409)
	status("pulihkan", "perangkat_ditemukan", 200)
	status("cabut", "kesalahan_data", 200)
	status("cabut", "kesalahan_data", 409)

	// The server's own failures, from the handlers' error writer at each
	// operation's route that declares them.
	api := &httpapi.API{}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httpserver.New(logger, func(context.Context) error { return nil }, func() any { return nil })
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.Responses.Status(500) == nil {
				continue
			}
			srv.Handle(method+" "+path, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				err := errors.New("database on fire")
				if r.URL.Query().Get("fault") == "busy" {
					err = context.DeadlineExceeded
				}
				httpapi.ServeInternal(api, w, r, err)
			}))
		}
	}
	faults := conform(t, srv.Handler())
	ts := httptest.NewServer(faults)
	t.Cleanup(ts.Close)
	failing := &env{url: ts.URL, client: ts.Client()}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.Responses.Status(500) == nil {
				continue
			}
			p := strings.ReplaceAll(path, "{nik}", siti)
			expect(failing.do(t, method, p, "application/json", `{}`), 500)
			expect(failing.do(t, method, p+"?fault=busy", "application/json", `{}`, "Accept-Language", "en"), 503)
		}
	}

	// Every declared answer was given.
	got := append(o.contract.answered(), faults.answered()...)
	if m := missing(declared(doc), got); len(m) > 0 {
		t.Errorf("declared answers that no request got:\n  %s", strings.Join(m, "\n  "))
	}
}

// TestOpenAPILint runs the independent linter redocly (npm @redocly/cli,
// installed in interop/node) on the document with the repository's
// redocly.yaml: no error and no warning may remain. In CI a missing node
// or package fails the test (nodetest).
func TestOpenAPILint(t *testing.T) {
	dir := nodetest.Dir(t)
	root := filepath.Dir(filepath.Dir(dir))
	doc := filepath.Join("internal", "httpapi", "openapi.json")
	onDisk, err := os.ReadFile(filepath.Join(root, doc))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(onDisk, httpapi.OpenAPI()) {
		t.Fatal("the embedded document is not internal/httpapi/openapi.json")
	}
	cli := filepath.Join(dir, "node_modules", "@redocly", "cli", "bin", "cli.js")
	if _, err := os.Stat(cli); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("redocly: %v (CI=true, so this fails instead of skipping; run npm install --prefix interop/node)", err)
		}
		t.Skipf("redocly: %v; run npm install --prefix interop/node to enable", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", cli, "lint", "--config", "redocly.yaml", "--format", "json", doc)
	cmd.Dir = root // where redocly.yaml and .redocly.lint-ignore.yaml are
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true", "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var out struct {
		Totals struct {
			Errors, Warnings, Ignored int
		} `json:"totals"`
		Problems []struct {
			RuleID   string `json:"ruleId"`
			Severity string `json:"severity"`
			Message  string `json:"message"`
			Location []struct {
				Pointer string `json:"pointer"`
			} `json:"location"`
		} `json:"problems"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("redocly lint printed no JSON report (%v, exit %v):\n%s\nstderr:\n%s", err, runErr, stdout.String(), stderr.String())
	}
	for _, p := range out.Problems {
		where := ""
		if len(p.Location) > 0 {
			where = p.Location[0].Pointer
		}
		t.Errorf("redocly %s %s at %s: %s", p.Severity, p.RuleID, where, p.Message)
	}
	if runErr != nil || out.Totals.Errors+out.Totals.Warnings > 0 {
		t.Errorf("redocly lint: exit %v, %d errors, %d warnings", runErr, out.Totals.Errors, out.Totals.Warnings)
	}
	t.Logf("redocly lint: %d errors, %d warnings, %d ignored (.redocly.lint-ignore.yaml)", out.Totals.Errors, out.Totals.Warnings, out.Totals.Ignored)
}
