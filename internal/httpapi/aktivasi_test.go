package httpapi_test

import (
	"encoding/base64"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/httpapi"
	"github.com/ikd-project/ikd/internal/httpserver"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred/qrimage"
	"github.com/ikd-project/ikd/internal/petugas"
	"github.com/ikd-project/ikd/internal/store"
)

// TestAktivasi runs POST /api/v1/aktivasi through the real middleware: an
// officer creates an offer, the code goes only by e-mail, and the wallet
// takes the offer from there.
func TestAktivasi(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		e := start(t, st)
		// Without a petugas service the route is not mounted.
		if r := e.do(t, "POST", "/api/v1/aktivasi", "application/json", `{}`); r.status != 404 && r.status != 405 {
			t.Errorf("route mounted without a service: %d", r.status)
		}

		// Residents who may not activate: not recorded, inactive, no e-mail.
		const belumRekam, nonaktif, tanpaEmail, tidakAda = "1771015708900002", "1771015708900003", "1771015708900004", "1771015708900009"
		base, err := st.GetPenduduk(ctx, siti)
		if err != nil {
			t.Fatal(err)
		}
		var others []store.Penduduk
		for _, n := range []string{belumRekam, nonaktif, tanpaEmail} {
			p := base
			p.NIK, p.Hubungan = n, store.Anak
			switch n {
			case belumRekam:
				p.TanggalPerekaman = time.Time{}
			case nonaktif:
				p.StatusNIK = store.NIKNonaktif
			case tanpaEmail:
				p.Email = ""
			}
			others = append(others, p)
		}
		if err := st.InTx(ctx, func(tx store.Tx) error {
			_, err := tx.LoadBatch(ctx, &store.Batch{Penduduk: others})
			return err
		}); err != nil {
			t.Fatal(err)
		}

		// The database's own audit log: a log with another key could not
		// continue its keyed chain.
		auditLog := e.dig.Issuer.Audit
		svc := &petugas.Service{Store: st, Audit: auditLog, Actor: "admin"}
		api := &httpapi.API{PublicURL: e.dig.PublicURL, Store: st, Keys: e.dig.Keys, Issuer: e.dig.Issuer,
			Aktivasi: e.dig.Aktivasi, Petugas: svc}
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		srv := httpserver.New(logger, st.Ready, func() any { return nil })
		api.Mount(srv.Handle)
		ts := httptest.NewServer(conform(t, srv.Handler()))
		t.Cleanup(ts.Close)
		officerAPI := &env{url: ts.URL, client: ts.Client()}

		budi, budiToken, err := svc.Add(ctx, "budi", "Budi Santoso", office)
		if err != nil {
			t.Fatal(err)
		}
		_, aniToken, err := svc.Add(ctx, "ani", "Ani", office)
		if err != nil {
			t.Fatal(err)
		}
		post := func(token, body string, header ...string) response {
			if token != "" {
				header = append(header, "Authorization", "Bearer "+token)
			}
			return officerAPI.do(t, "POST", "/api/v1/aktivasi", "application/json", body, header...)
		}

		// The officer creates an offer for Siti.
		r := post(budiToken, `{"nik": "`+siti+`"}`)
		m := r.json(t)
		uri, _ := m["offer_uri"].(string)
		if id, _ := m["aktivasi_id"].(string); r.status != 201 || id == "" || !strings.HasPrefix(uri, "openid-credential-offer://?credential_offer_uri=") ||
			m["email"] != "s***@example.id" || r.header.Get("Cache-Control") != "no-store" || r.header.Get("X-Request-Id") == "" {
			t.Fatalf("offer: %d %s", r.status, r.body)
		}
		exp, err := time.Parse(time.RFC3339, m["expires_at"].(string))
		if err != nil || exp.Before(time.Now().Add(5*time.Minute)) || exp.After(time.Now().Add(11*time.Minute)) {
			t.Errorf("expires_at %v %v", m["expires_at"], err)
		}
		// The code went by e-mail and is nowhere in the answer.
		code := e.mailedCode(t)
		if strings.Contains(string(r.body), code) || regexp.MustCompile(`"\d{6}"`).Match(r.body) {
			t.Fatalf("the answer holds the e-mailed code %s: %s", code, r.body)
		}
		// The QR code is the offer URI.
		qr, _ := m["qr_png"].(string)
		png, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(qr, "data:image/png;base64,"))
		if !strings.HasPrefix(qr, "data:image/png;base64,") || err != nil {
			t.Fatalf("qr_png %.40q: %v", qr, err)
		}
		if text, err := qrimage.DecodeFile(png); err != nil || text != uri {
			t.Fatalf("QR decodes to %q, %v; want %q", text, err, uri)
		}

		// The wallet fetches the offer and redeems it with the mailed code.
		u, err := url.Parse(uri)
		if err != nil {
			t.Fatal(err)
		}
		offerURL := u.Query().Get("credential_offer_uri")
		if !strings.HasPrefix(offerURL, e.url+"/oid4vci/offers/") {
			t.Fatalf("credential_offer_uri %q", offerURL)
		}
		wallet := &env{url: "", client: e.client}
		r = wallet.do(t, "GET", offerURL, "", "")
		grants, _ := r.json(t)["grants"].(map[string]any)
		grant, _ := grants["urn:ietf:params:oauth:grant-type:pre-authorized_code"].(map[string]any)
		preAuth, _ := grant["pre-authorized_code"].(string)
		if r.status != 200 || preAuth == "" {
			t.Fatalf("offer document: %d %s", r.status, r.body)
		}
		if r := e.token(t, preAuth, code); r.status != 200 || r.json(t)["access_token"] == "" {
			t.Fatalf("token: %d %s", r.status, r.body)
		}

		// The offer is in the audit log under the officer and their office.
		evs, err := st.ListAudit(ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var offers []store.AuditEvent
		for _, ev := range evs {
			if ev.Action == "aktivasi.tawarkan" {
				offers = append(offers, ev)
			}
		}
		if len(offers) != 1 || offers[0].Actor != budi.Username || offers[0].KantorKode != office || offers[0].SubjectMask == "" {
			t.Fatalf("offer events: %+v", offers)
		}

		// Residents who may not activate: 400 with the reason, both languages.
		for _, tc := range []struct{ nik, id, en string }{
			{belumRekam, "belum direkam", "not recorded"},
			{nonaktif, "NONAKTIF", "only an active NIK"},
			{tanpaEmail, "e-mail", "no e-mail"},
			{"17710157089000", "", ""},
		} {
			r := post(budiToken, `{"nik": "`+tc.nik+`"}`)
			r.oauthErr(t, 400, "invalid_request")
			if d := r.json(t)["error_description"].(string); !strings.Contains(d, tc.id) {
				t.Errorf("%s: %s", tc.nik, d)
			}
			r = post(budiToken, `{"nik": "`+tc.nik+`"}`, "Accept-Language", "en")
			r.oauthErr(t, 400, "invalid_request")
			if d := r.json(t)["error_description"].(string); !strings.Contains(d, tc.en) {
				t.Errorf("%s (en): %s", tc.nik, d)
			}
		}
		r = post(budiToken, `{"nik": "`+tidakAda+`"}`, "Accept-Language", "en")
		r.oauthErr(t, 404, "not_found")
		if !strings.Contains(string(r.body), "no resident") {
			t.Errorf("unknown NIK: %s", r.body)
		}

		// Malformed bodies.
		for _, b := range []string{`not json`, `{"nik": 5}`, `{"nik": ""}`, `{"nika": "x"}`, `{"nik": "` + strings.Repeat("1", httpapi.MaxAktivasiBody) + `"}`} {
			post(budiToken, b).oauthErr(t, 400, "invalid_request")
		}

		// Tokens: none, unknown, of a deactivated officer.
		for _, tok := range []string{"", "ikdp_unknown"} {
			r := post(tok, `{"nik": "`+siti+`"}`)
			r.oauthErr(t, 401, "invalid_token")
			if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("token %q: WWW-Authenticate %q", tok, r.header.Get("WWW-Authenticate"))
			}
		}
		if err := svc.Deactivate(ctx, "ani"); err != nil {
			t.Fatal(err)
		}
		r = post(aniToken, `{"nik": "`+siti+`"}`, "Accept-Language", "en")
		r.oauthErr(t, 401, "invalid_token")
		if !strings.Contains(string(r.body), "deactivated") || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("deactivated: %v %s", r.header, r.body)
		}

		// Only the one good offer was made and mailed.
		evs, err = st.ListAudit(ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, ev := range evs {
			if ev.Action == "aktivasi.tawarkan" {
				n++
			}
			if strings.Contains(ev.Detail, budiToken) || strings.Contains(ev.Detail, aniToken) {
				t.Errorf("token in audit detail: %+v", ev)
			}
		}
		if n != 1 {
			t.Errorf("%d offers recorded, want 1", n)
		}
	})
}
