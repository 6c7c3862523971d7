package httpapi_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/httpapi"
	"github.com/ikd-project/ikd/internal/httpserver"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/kredensial"
	"github.com/ikd-project/ikd/internal/lembaga"
	"github.com/ikd-project/ikd/internal/petugas"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/verify"
)

// officerEnv is a server with the officer and institution APIs mounted,
// its log kept in a buffer.
type officerEnv struct {
	*env
	api        *env         // the server with the officer and institution endpoints
	handler    http.Handler // its handler, for in-process requests
	contract   *conformer   // what the server behind api answered, checked against the OpenAPI document
	log        *bytes.Buffer
	token      string // officer budi's API token
	bankKey    string // an institution's API key
	petugas    *petugas.Service
	lembagaSvc *lembaga.Service
	auditLog   *audit.Log
}

func startOfficer(t testing.TB, st store.Store) *officerEnv {
	t.Helper()
	e := start(t, st)
	// The database's own audit log: a log with another key could not
	// continue its keyed chain.
	auditLog := e.dig.Issuer.Audit
	psvc := &petugas.Service{Store: st, Audit: auditLog, Actor: "admin"}
	lsvc := &lembaga.Service{Store: st, Audit: auditLog, Actor: "admin"}
	api := &httpapi.API{PublicURL: e.dig.PublicURL, Store: st, Keys: e.dig.Keys, Issuer: e.dig.Issuer,
		Aktivasi: e.dig.Aktivasi, Petugas: psvc}
	api.UseLembaga(lsvc) // as ikd serve does: statuses from the database
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	api.Logger = logger
	srv := httpserver.New(logger, st.Ready, func() any { return nil })
	api.Mount(srv.Handle)
	handler := srv.Handler()
	contract := conform(t, handler)
	ts := httptest.NewServer(contract)
	t.Cleanup(ts.Close)
	_, token, err := psvc.Add(ctx, "budi", "Budi Santoso", office)
	if err != nil {
		t.Fatal(err)
	}
	_, bankKey, err := lsvc.Register(ctx, "Bank Bengkulu", "pembukaan rekening", []string{"nama", "nik"}, lembaga.MaxRate)
	if err != nil {
		t.Fatal(err)
	}
	return &officerEnv{env: e, api: &env{url: ts.URL, client: ts.Client()}, handler: handler, contract: contract, log: &buf, token: token,
		bankKey: bankKey, petugas: psvc, lembagaSvc: lsvc, auditLog: auditLog}
}

// status posts an officer's action on a resident's digital ID.
func (o *officerEnv) status(t *testing.T, nik, act, body string, header ...string) response {
	t.Helper()
	header = append(header, "Authorization", "Bearer "+o.token)
	return o.api.do(t, "POST", "/api/v1/penduduk/"+nik+"/"+act, "application/json", body, header...)
}

// verification posts a presentation to the institutions' API and returns
// its result and reason.
func (o *officerEnv) verification(t *testing.T, presentation, nonce, aud string) (string, string) {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"presentation": presentation, "nonce": nonce, "aud": aud})
	r := o.api.do(t, "POST", "/api/v1/verifications", "application/json", string(b), "Authorization", "Bearer "+o.bankKey)
	m := r.json(t)
	if r.status != 200 {
		t.Fatalf("verification: %d %s", r.status, r.body)
	}
	result, _ := m["result"].(string)
	reason, _ := m["reason"].(string)
	return result, reason
}

// TestOfficerStatus suspends, unsuspends and revokes a resident's digital
// ID over the officer API, and checks after each step what a verifier
// answers over real HTTP for a QR code and an SD-JWT presentation: through
// the institutions' API and offline with the published trust list.
func TestOfficerStatus(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		o := startOfficer(t, st)
		phone := newKey(t)
		creds, _ := o.activate(t, phone, "ktp_qr_dasar")
		n := 0
		expect := func(step string, valid bool, reason kredensial.Reason) {
			t.Helper()
			n++
			nonce := "n-" + step
			qr := presentQR(t, creds, phone, nonce)
			sd := presentSDJWT(t, creds, phone, "https://bank.example", nonce)
			want := "VALID"
			if !valid {
				want = "INVALID"
			}
			if res, why := o.verification(t, qr, nonce, ""); res != want || why != string(reason) {
				t.Errorf("%s: QR via API %s %s, want %s %s", step, res, why, want, reason)
			}
			if res, why := o.verification(t, sd, nonce, "https://bank.example"); res != want || why != string(reason) {
				t.Errorf("%s: SD-JWT via API %s %s, want %s %s", step, res, why, want, reason)
			}
			tl := o.trust(t)
			wantResult(t, step+": QR offline", verify.Verify(qr, verify.Options{Trust: tl, Now: time.Now(), Nonce: nonce}), valid, reason)
			wantResult(t, step+": SD-JWT offline", verify.Verify(sd, verify.Options{Trust: tl, Now: time.Now(),
				Aud: "https://bank.example", Nonce: nonce, RequireKB: true}), valid, reason)
		}
		step := func(act, alasan, status, msg string, header ...string) {
			t.Helper()
			r := o.status(t, siti, act, `{"alasan": "`+alasan+`"}`, header...)
			m := r.json(t)
			if r.status != 200 || m["nik"] != "1771********0001" || m["tindakan"] != act || m["alasan"] != alasan ||
				m["status"] != status || m["kredensial"] != 4.0 || !strings.Contains(m["message"].(string), msg) ||
				r.header.Get("Cache-Control") != "no-store" {
				t.Fatalf("%s: %d %s", act, r.status, r.body)
			}
		}
		expect("activated", true, "")
		step("tangguhkan", "perangkat_hilang", "suspended", "ditangguhkan")
		expect("suspended", false, kredensial.Suspended)
		o.status(t, siti, "tangguhkan", `{"alasan": "perangkat_hilang"}`).oauthErr(t, 409, "conflict")
		step("pulihkan", "perangkat_ditemukan", "valid", "valid again", "Accept-Language", "en")
		expect("unsuspended", true, "")
		step("cabut", "perangkat_hilang", "revoked", "aktivasi baru")
		expect("revoked", false, kredensial.Revoked)
		// Nothing is left to change: the device was released.
		r := o.status(t, siti, "tangguhkan", `{"alasan": "perangkat_hilang"}`, "Accept-Language", "en")
		r.oauthErr(t, 409, "conflict")
		if !strings.Contains(string(r.body), "no active digital ID") {
			t.Errorf("after cabut: %s", r.body)
		}

		// Every change is audited under the officer and their office.
		evs, err := st.ListAudit(ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, ev := range evs {
			if ev.Actor == "budi" {
				if ev.KantorKode != office || ev.SubjectMask == "" {
					t.Errorf("event %+v", ev)
				}
				got = append(got, ev.Action)
			}
		}
		if strings.Join(got, ",") != "kredensial.tangguhkan,kredensial.pulihkan,kredensial.cabut,perangkat.lepas" {
			t.Errorf("officer's audit events: %v", got)
		}
		if strings.Contains(o.log.String(), siti) {
			t.Errorf("a full NIK in the log:\n%s", o.log)
		}
	})
}

// TestOfficerStatusErrors: every refusal is a specific 4xx in both
// languages and changes nothing.
func TestOfficerStatusErrors(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		o := startOfficer(t, st)
		phone := newKey(t)
		creds, _ := o.activate(t, phone, "ktp_qr_dasar")
		const body = `{"alasan": "permintaan_penduduk"}`
		for _, tc := range []struct {
			nik, act, body string
			status         int
			code, id, en   string
		}{
			{"1771015708909999", "tangguhkan", body, 404, "not_found", "tidak ditemukan", "no resident"},
			{"1771", "tangguhkan", body, 400, "invalid_request", "NIK", "NIK"},
			{siti, "pulihkan", body, 409, "conflict", "tidak sedang ditangguhkan", "not suspended"},
			{siti, "tangguhkan", `{}`, 400, "invalid_request", "alasan wajib diisi", "reason is required"},
			{siti, "tangguhkan", `{"alasan": "bosan"}`, 400, "invalid_request", "perangkat_hilang", "choose one of"},
			{siti, "pulihkan", `{"alasan": "perangkat_hilang"}`, 400, "invalid_request", "perangkat_ditemukan", "choose one of"},
			{siti, "tangguhkan", `not json`, 400, "invalid_request", `{"alasan": "..."}`, "must be JSON"},
			{siti, "tangguhkan", `{"alasan": 5}`, 400, "invalid_request", "harus JSON", "must be JSON"},
			{siti, "tangguhkan", `{"alasan": "perangkat_hilang", "x": 1}`, 400, "invalid_request", "harus JSON", "must be JSON"},
			{siti, "tangguhkan", `{"alasan": "perangkat_hilang"} {}`, 400, "invalid_request", "harus JSON", "must be JSON"},
			{siti, "cabut", `{"alasan": "` + strings.Repeat("a", httpapi.MaxStatusBody) + `"}`, 400, "invalid_request", "1 KiB", "1 KiB"},
		} {
			for _, lang := range []string{"id", "en"} {
				r := o.status(t, tc.nik, tc.act, tc.body, "Accept-Language", lang)
				r.oauthErr(t, tc.status, tc.code)
				want := tc.id
				if lang == "en" {
					want = tc.en
				}
				if d, _ := r.json(t)["error_description"].(string); !strings.Contains(d, want) {
					t.Errorf("%s %s %.40s (%s): %s, want %q", tc.act, tc.nik, tc.body, lang, d, want)
				}
			}
		}
		// A resident who never activated has nothing to suspend.
		const anak = "1771015708900002"
		p, err := st.GetPenduduk(ctx, siti)
		if err != nil {
			t.Fatal(err)
		}
		p.NIK, p.Hubungan = anak, store.Anak
		if err := st.InTx(ctx, func(tx store.Tx) error {
			_, err := tx.LoadBatch(ctx, &store.Batch{Penduduk: []store.Penduduk{p}})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		r := o.status(t, anak, "tangguhkan", body)
		r.oauthErr(t, 409, "conflict")
		if !strings.Contains(string(r.body), "tidak punya KTP digital aktif") {
			t.Errorf("never activated: %s", r.body)
		}
		// Without a token, or with a deactivated officer's, nothing happens.
		r = o.api.do(t, "POST", "/api/v1/penduduk/"+siti+"/cabut", "application/json", body)
		r.oauthErr(t, 401, "invalid_token")
		if err := o.petugas.Deactivate(ctx, "budi"); err != nil {
			t.Fatal(err)
		}
		o.status(t, siti, "cabut", body).oauthErr(t, 401, "invalid_token")
		if r := o.api.do(t, "POST", "/api/v1/penduduk/"+siti+"/hapus", "application/json", body, "Authorization", "Bearer "+o.token); r.status != 404 {
			t.Errorf("unknown action: %d", r.status)
		}
		// The credentials are still valid.
		if res, _ := o.verification(t, presentQR(t, creds, phone, "x"), "x", ""); res != "VALID" {
			t.Errorf("after refusals: %s", res)
		}
		if strings.Contains(o.log.String(), siti) {
			t.Errorf("a full NIK in the log:\n%s", o.log)
		}
	})
}
