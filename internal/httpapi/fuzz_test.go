package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/httpapi"
	"github.com/ikd-project/ikd/internal/ikdtest"
)

// checkAnswer fails unless res is a JSON answer below 500, and, when it
// is an error, has an error code and a description.
func checkAnswer(t *testing.T, res *httptest.ResponseRecorder, request string) {
	t.Helper()
	if res.Code >= 500 {
		t.Fatalf("%d for %q: %s", res.Code, request, res.Body)
	}
	var m map[string]any
	if err := json.Unmarshal(res.Body.Bytes(), &m); err != nil || !strings.HasPrefix(res.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("%d for %q: not a JSON answer (%v): %s", res.Code, request, err, res.Body)
	}
	if res.Code >= 400 {
		code, _ := m["error"].(string)
		desc, _ := m["error_description"].(string)
		if code == "" || desc == "" {
			t.Fatalf("%d for %q: error without code or description: %s", res.Code, request, res.Body)
		}
	}
}

// The fuzz targets below run their seeds with go test; to fuzz:
//
//	go test ./internal/httpapi -run '^$' -fuzz FuzzVerificationsBody -fuzztime 1m -fuzzminimizetime 5s
//	go test ./internal/httpapi -run '^$' -fuzz FuzzOfficerStatusBody -fuzztime 1m -fuzzminimizetime 5s

// FuzzVerificationsBody posts arbitrary bodies to the institutions'
// POST /api/v1/verifications with a valid API key, through the real
// middleware and a real (SQLite) store: never a panic or a 5xx, every
// refusal a 4xx with a JSON error, and every answer one that the OpenAPI
// document declares.
func FuzzVerificationsBody(f *testing.F) {
	o := startOfficer(f, ikdtest.NewStore(f))
	phone := newKey(f)
	creds, _ := o.activate(f, phone, "ktp_qr_dasar")
	qr := presentQR(f, creds, phone, "n-1")
	sd := presentSDJWT(f, creds, phone, "https://bank.example", "n-2")
	seed := func(m map[string]any) string { b, _ := json.Marshal(m); return string(b) }
	for _, s := range []string{
		seed(map[string]any{"presentation": qr, "nonce": "n-1"}),
		seed(map[string]any{"presentation": sd, "nonce": "n-2", "aud": "https://bank.example"}),
		seed(map[string]any{"presentation": qr}),
		seed(map[string]any{"presentation": sd[:len(sd)/2], "aud": "x"}),
		seed(map[string]any{"presentation": "IKD1:" + strings.Repeat("0", 300)}),
		seed(map[string]any{"presentation": "eyJhbGciOiJFUzI1NiJ9.e30.AAAA~WyJzYWx0IiwibmFtYSIsIlNJVEkiXQ~"}),
		`{"presentation": ""}`, `{"presentation": 5}`, `{"presentation": "x", "extra": 1}`, `{"presentation": "x"} []`,
		`[]`, `null`, ``, `{`, `{"presentation": "\ud800"}`, `{"nonce": null, "aud": null}`,
	} {
		f.Add(s, false)
	}
	// Bodies over MaxBody are refused before decoding (TestVerifications);
	// a 64 KiB seed would only slow the fuzzer's minimization down.
	f.Add(seed(map[string]any{"presentation": qr, "nonce": "n-1"}), true)
	f.Fuzz(func(t *testing.T, body string, english bool) {
		req := httptest.NewRequest("POST", "/api/v1/verifications", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+o.bankKey)
		req.Header.Set("Content-Type", "application/json")
		if english {
			req.Header.Set("Accept-Language", "en")
		}
		res := httptest.NewRecorder()
		o.handler.ServeHTTP(res, req)
		checkAnswer(t, res, body)
		checkAnswerContract(t, req, body, res)
	})
}

// FuzzOfficerStatusBody posts arbitrary NIKs and bodies to the officer's
// POST /api/v1/penduduk/{nik}/tangguhkan|pulihkan|cabut with a valid
// officer token: never a panic or a 5xx, every refusal a 4xx with a JSON
// error, every answer one that the OpenAPI document declares, and a full
// NIK never in the log.
func FuzzOfficerStatusBody(f *testing.F) {
	o := startOfficer(f, ikdtest.NewStore(f))
	o.activate(f, newKey(f), "ktp_qr_dasar")
	acts := []string{"tangguhkan", "pulihkan", "cabut"}
	for i, s := range []string{
		`{"alasan": "perangkat_hilang"}`, `{"alasan": "perangkat_ditemukan"}`, `{"alasan": "permintaan_penduduk"}`,
		`{"alasan": "kesalahan_data"}`, `{"alasan": ""}`, `{"alasan": "bosan"}`, `{"alasan": 1}`, `{"alasan": null}`,
		`{}`, `{"alasan": "perangkat_hilang", "catatan": "x"}`, `{"alasan": "perangkat_hilang"}{}`, `[]`, ``, `{`,
		`{"alasan": "` + strings.Repeat("a", httpapi.MaxStatusBody) + `"}`, // over the limit
	} {
		f.Add(siti, uint8(i%3), s)
	}
	f.Add("1771015708909999", uint8(0), `{"alasan": "perangkat_hilang"}`)
	f.Add("1771", uint8(1), `{"alasan": "perangkat_ditemukan"}`)
	f.Add("17710157089000０1", uint8(2), `{"alasan": "perangkat_hilang"}`)
	f.Fuzz(func(t *testing.T, nik string, act uint8, body string) {
		if nik == "" || nik == "." || nik == ".." {
			t.Skip("not a path segment")
		}
		path := "/api/v1/penduduk/" + url.PathEscape(nik) + "/" + acts[int(act)%len(acts)]
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+o.token)
		res := httptest.NewRecorder()
		o.handler.ServeHTTP(res, req)
		checkAnswer(t, res, path+" "+body)
		checkAnswerContract(t, req, body, res)
		if res.Code == http.StatusOK && !strings.Contains(res.Body.String(), `"nik":"1771********0001"`) {
			t.Fatalf("200 for %q: %s", path, res.Body)
		}
		if strings.Contains(o.log.String(), siti) {
			t.Fatalf("a full NIK in the log after %q", path)
		}
	})
}
