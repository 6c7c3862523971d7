package httpapi_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/httpapi"
	"github.com/ikd-project/ikd/internal/httpserver"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/lembaga"
	"github.com/ikd-project/ikd/internal/store"
)

// TestVerifications runs POST /api/v1/verifications through the real
// middleware with a QR presentation of a credential issued over OID4VCI,
// against the trust list the API signs.
func TestVerifications(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		e := start(t, st)
		// Without a lembaga service the route is not mounted.
		if r := e.do(t, "POST", "/api/v1/verifications", "application/json", `{}`); r.status != 404 && r.status != 405 {
			t.Errorf("route mounted without a service: %d", r.status)
		}

		// The database's own audit log: a log with another key could not
		// continue its keyed chain.
		auditLog := e.dig.Issuer.Audit
		svc := &lembaga.Service{Store: st, Audit: auditLog, Actor: "admin"}
		api := &httpapi.API{PublicURL: e.dig.PublicURL, Store: st, Keys: e.dig.Keys, Issuer: e.dig.Issuer,
			Aktivasi: e.dig.Aktivasi}
		api.UseLembaga(svc) // as ikd serve does: statuses from the database
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		srv := httpserver.New(logger, st.Ready, func() any { return nil })
		api.Mount(srv.Handle)
		ts := httptest.NewServer(conform(t, srv.Handler()))
		t.Cleanup(ts.Close)
		v := &env{url: ts.URL, client: ts.Client()}

		bank, bankKey, err := svc.Register(ctx, "Bank Bengkulu", "pembukaan rekening", []string{"nama", "nik"}, 2)
		if err != nil {
			t.Fatal(err)
		}
		kafe, kafeKey, err := svc.Register(ctx, "Kafe", "pemeriksaan usia", []string{"age_over_17"}, 60)
		if err != nil {
			t.Fatal(err)
		}
		_, labKey, err := svc.Register(ctx, "Lab", "uji", []string{"nama"}, 60)
		if err != nil {
			t.Fatal(err)
		}

		phone := newKey(t)
		creds, _ := e.activate(t, phone, "ktp_qr_dasar")
		qr := presentQR(t, creds, phone, "n-1")
		post := func(key, body string, header ...string) response {
			if key != "" {
				header = append(header, "Authorization", "Bearer "+key)
			}
			return v.do(t, "POST", "/api/v1/verifications", "application/json", body, header...)
		}
		body := func(p, nonce string) string {
			b, _ := json.Marshal(map[string]string{"presentation": p, "nonce": nonce})
			return string(b)
		}

		// The bank: VALID with name and NIK, in Bahasa Indonesia.
		r := post(bankKey, body(qr, "n-1"))
		m := r.json(t)
		claims, _ := m["claims"].(map[string]any)
		if r.status != 200 || m["result"] != "VALID" || claims["nama"] != "SITI AMINAH" || claims["nik"] != siti || len(claims) != 2 ||
			m["message"] != "KTP digital sah" || m["verified_at"] == nil || r.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("bank: %d %s", r.status, r.body)
		}
		if r.header.Get("X-Request-Id") == "" {
			t.Error("the response did not pass through the httpserver middleware")
		}
		// The kafe, allowed only age_over_17: no name, no NIK, no photo.
		r = post(kafeKey, body(qr, "n-1"), "Accept-Language", "en")
		m = r.json(t)
		if claims, _ := m["claims"].(map[string]any); r.status != 200 || m["result"] != "VALID" || len(claims) != 0 ||
			m["message"] != "the digital ID is valid" || strings.Contains(string(r.body), siti) || strings.Contains(string(r.body), "AMINAH") {
			t.Fatalf("kafe: %d %s", r.status, r.body)
		}
		// A wrong nonce is INVALID with a reason and a message.
		r = post(bankKey, body(qr, "n-2"))
		m = r.json(t)
		if claims, _ := m["claims"].(map[string]any); r.status != 200 || m["result"] != "INVALID" || m["reason"] == "" || m["message"] == "" || len(claims) != 0 {
			t.Fatalf("wrong nonce: %d %s", r.status, r.body)
		}
		// The bank's rate is 2 per minute: the 3rd is refused.
		r = post(bankKey, body(qr, "n-1"))
		if ra, _ := strconv.Atoi(r.header.Get("Retry-After")); r.status != 429 || ra < 1 || ra > 30 {
			t.Fatalf("over the rate: %d %v %s", r.status, r.header, r.body)
		}
		r.oauthErr(t, 429, "rate_limited")

		// Keys: none, unknown, revoked.
		for _, k := range []string{"", "ikdk_unknown"} {
			r := post(k, body(qr, "n-1"))
			r.oauthErr(t, 401, "invalid_token")
			if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("key %q: WWW-Authenticate %q", k, r.header.Get("WWW-Authenticate"))
			}
		}
		if err := svc.Revoke(ctx, kafe.ID); err != nil {
			t.Fatal(err)
		}
		r = post(kafeKey, body(qr, "n-1"), "Accept-Language", "en")
		r.oauthErr(t, 401, "invalid_token")
		if !strings.Contains(string(r.body), "revoked") {
			t.Errorf("revoked: %s", r.body)
		}

		// Malformed bodies, both languages.
		for _, b := range []string{`not json`, `{"presentation": 5}`, `{"presentation": ""}`, `{"presentatoin": "x"}`,
			`{"presentation": "` + strings.Repeat("a", httpapi.MaxBody) + `"}`} {
			post(labKey, b).oauthErr(t, 400, "invalid_request")
		}
		if r := post(labKey, `{}`, "Accept-Language", "en"); !strings.Contains(r.json(t)["error_description"].(string), "required") {
			t.Errorf("english: %s", r.body)
		}
		if r := post(labKey, `{}`); !strings.Contains(r.json(t)["error_description"].(string), "wajib") {
			t.Errorf("bahasa: %s", r.body)
		}

		// Each verification that ran is in the resident's history, with the
		// institution as actor and the declared purpose; no NIK in detail.
		evs, err := st.ListAudit(ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var got []store.AuditEvent
		for _, ev := range evs {
			if ev.Action == lembaga.ActionVerifikasi {
				got = append(got, ev)
			}
			if strings.Contains(ev.Detail, siti) || strings.Contains(ev.Detail, bankKey) {
				t.Errorf("NIK or key in detail: %+v", ev)
			}
		}
		wantActors := []string{"lembaga:" + bank.ID, "lembaga:" + kafe.ID, "lembaga:" + bank.ID}
		if len(got) != 3 {
			t.Fatalf("%d verification events: %+v", len(got), got)
		}
		for i, ev := range got {
			if ev.Actor != wantActors[i] {
				t.Errorf("event %d actor %s, want %s", i, ev.Actor, wantActors[i])
			}
		}
		if got[0].SubjectHash != auditLog.SubjectHash(siti) || got[0].Purpose != "pembukaan rekening" || got[1].SubjectHash != auditLog.SubjectHash(siti) ||
			got[1].Purpose != "pemeriksaan usia" || !strings.Contains(got[0].Detail, `"result":"VALID"`) {
			t.Errorf("events %+v", got[:2])
		}
		// The failed one disclosed nothing: no subject, and the detail says so.
		if got[2].SubjectHash != "" || !strings.Contains(got[2].Detail, "not_disclosed") || strings.Contains(got[2].Detail, `"VALID"`) {
			t.Errorf("invalid verification event %+v", got[2])
		}
	})
}
