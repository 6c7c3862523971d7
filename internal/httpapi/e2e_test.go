package httpapi_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/ikd-project/ikd/internal/aktivasi"
	"github.com/ikd-project/ikd/internal/app"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/demo"
	"github.com/ikd-project/ikd/internal/httpapi"
	"github.com/ikd-project/ikd/internal/httpserver"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/kredensial"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
	"github.com/ikd-project/ikd/internal/kredensial/sdjwt"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/trustlist"
	"github.com/ikd-project/ikd/internal/verify"
)

const (
	siti   = "1771015708900001"
	office = "DISDUKCAPIL-17.71"
)

var ctx = context.Background()

// env is a running ikd: the real wiring (app.NewDigitalID), the real mux
// and middleware (httpserver), over real HTTP.
type env struct {
	url    string
	dig    *app.DigitalID
	seen   map[string]bool // outbox files already read
	client *http.Client
	stats  *[]burstStat // where burst records each burst's speed, if set
}

func start(t testing.TB, st store.Store) *env {
	t.Helper()
	if _, err := kantor.Seed(ctx, st); err != nil {
		t.Fatal(err)
	}
	p := store.Penduduk{NIK: siti, NoKK: "1771010101150001", Hubungan: store.KepalaKeluarga, Nama: "SITI AMINAH",
		TempatLahir: "BENGKULU", TanggalLahir: time.Date(1990, 8, 17, 0, 0, 0, 0, time.UTC), JenisKelamin: store.Perempuan,
		GolonganDarah: "O", Agama: "ISLAM", StatusKawin: store.Kawin, Pekerjaan: "GURU", Kewarganegaraan: "WNI",
		Alamat: "JL. MERDEKA NO. 1", RT: "001", RW: "002", DesaKode: "17.71.01.1001", Email: "siti@example.id",
		StatusNIK: store.NIKAktif, TanggalPerekaman: time.Date(2012, 5, 2, 0, 0, 0, 0, time.UTC)}
	b := &store.Batch{
		Keluarga: []store.KartuKeluarga{{NoKK: p.NoKK, KepalaNIK: siti, Alamat: p.Alamat, RT: "001", RW: "002", DesaKode: p.DesaKode}},
		Penduduk: []store.Penduduk{p},
	}
	if err := st.InTx(ctx, func(tx store.Tx) error { _, err := tx.LoadBatch(ctx, b); return err }); err != nil {
		t.Fatal(err)
	}
	if err := st.SetPortrait(ctx, siti, store.Portrait{ContentType: "image/png", Data: demo.Portrait(7, siti, store.Perempuan)}); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.AuditKeyFile = filepath.Join(cfg.DataDir, "audit.key")
	cfg.PublicURL = "http://" + ts.Listener.Addr().String()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	auditLog, err := app.NewAuditLog(ctx, &cfg, st, logger)
	if err != nil {
		t.Fatal(err)
	}
	dig, err := app.NewDigitalID(ctx, &cfg, st, auditLog, logger)
	if err != nil {
		t.Fatal(err)
	}
	srv := httpserver.New(logger, func(context.Context) error { return nil }, func() any { return nil })
	api := &httpapi.API{PublicURL: dig.PublicURL, Store: st, Keys: dig.Keys, Issuer: dig.Issuer, Aktivasi: dig.Aktivasi, Logger: logger}
	api.Mount(srv.Handle)
	ts.Config.Handler = conform(t, srv.Handler())
	ts.Start()
	t.Cleanup(ts.Close)
	return &env{url: cfg.PublicURL, dig: dig, seen: map[string]bool{}, client: ts.Client()}
}

// offer is the officer's side, through the activation service (the officer
// endpoint POST /api/v1/aktivasi has its own test in aktivasi_test.go).
func (e *env) offer(t testing.TB) aktivasi.Offer {
	t.Helper()
	o, err := e.dig.Aktivasi.Offer(ctx, aktivasi.OfferRequest{NIK: siti, Petugas: "petugas1", Kantor: office})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

var codeRE = regexp.MustCompile(`Kode aktivasi KTP digital \(IKD\) Anda: (\d{6})`)

// mailedCode reads the code from the one outbox mail not read before.
func (e *env) mailedCode(t testing.TB) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(e.dig.Outbox.Dir, "*.eml"))
	var code string
	for _, f := range files {
		if e.seen[f] {
			continue
		}
		e.seen[f] = true
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m := codeRE.FindSubmatch(b)
		if m == nil || code != "" {
			t.Fatalf("want exactly one new mail with a code; %s:\n%s", f, b)
		}
		code = string(m[1])
	}
	if code == "" {
		t.Fatal("no new mail in the outbox")
	}
	return code
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("status %d, body not JSON: %v\n%s", r.status, err, r.body)
	}
	return m
}

// oauthErr checks an OAuth-style error answer.
func (r response) oauthErr(t testing.TB, status int, code string) {
	t.Helper()
	m := r.json(t)
	if r.status != status || m["error"] != code {
		t.Fatalf("got %d %s, want %d %s", r.status, r.body, status, code)
	}
	if d, _ := m["error_description"].(string); d == "" {
		t.Errorf("%s without error_description", code)
	}
}

func (e *env) do(t testing.TB, method, path, contentType, body string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, b}
}

func (e *env) get(t testing.TB, path string) response { return e.do(t, "GET", path, "", "") }

func (e *env) token(t testing.TB, code, tx string, header ...string) response {
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:pre-authorized_code"},
		"pre-authorized_code": {code}, "tx_code": {tx}}
	return e.do(t, "POST", "/oid4vci/token", "application/x-www-form-urlencoded", form.Encode(), header...)
}

func (e *env) nonce(t testing.TB) string {
	t.Helper()
	r := e.do(t, "POST", "/oid4vci/nonce", "", "")
	n, _ := r.json(t)["c_nonce"].(string)
	if r.status != 200 || n == "" || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("nonce: %d %v %s", r.status, r.header, r.body)
	}
	return n
}

func (e *env) credential(t testing.TB, token, body string) response {
	return e.do(t, "POST", "/oid4vci/credential", "application/json", body, "Authorization", "Bearer "+token)
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// proof is the wallet's key proof JWT over the c_nonce.
func proof(t testing.TB, dev *ecdsa.PrivateKey, aud, nonce string) string {
	t.Helper()
	opts := (&jose.SignerOptions{ExtraHeaders: map[jose.HeaderKey]any{"jwk": jose.JSONWebKey{Key: &dev.PublicKey}}}).WithType(aktivasi.ProofType)
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: dev}, opts)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(map[string]any{"aud": aud, "iat": time.Now().Unix(), "nonce": nonce})
	jws, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// credentialOf decodes a successful credential response, which must hold
// exactly one credential, of config (OpenID4VCI 1.0 §8.3).
func credentialOf(t testing.TB, r response, config string) string {
	t.Helper()
	var body struct {
		Credentials []struct {
			Credential      string `json:"credential"`
			ConfigurationID string `json:"credential_configuration_id"`
		} `json:"credentials"`
	}
	if r.status != 200 || json.Unmarshal(r.body, &body) != nil || len(body.Credentials) != 1 ||
		body.Credentials[0].Credential == "" || body.Credentials[0].ConfigurationID != config {
		t.Fatalf("credential response for %s: %d %s", config, r.status, r.body)
	}
	if r.header != nil && r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("credential response Cache-Control %q", r.header.Get("Cache-Control"))
	}
	return body.Credentials[0].Credential
}

// credentialBody is a credential request for config with one key proof.
func credentialBody(config, proofJWT string) string {
	b, _ := json.Marshal(map[string]any{"credential_configuration_id": config,
		"proofs": map[string]any{"jwt": []string{proofJWT}}})
	return string(b)
}

// request asks for config's credential with a fresh nonce and dev's proof.
func (e *env) request(t testing.TB, access, config string, dev *ecdsa.PrivateKey) response {
	t.Helper()
	return e.credential(t, access, credentialBody(config, proof(t, dev, e.url, e.nonce(t))))
}

// activate runs the wallet's side of one activation over HTTP and returns
// the credentials and the access token: request first, then every other
// configuration of the offer, one credential request each.
func (e *env) activate(t testing.TB, dev *ecdsa.PrivateKey, request string) (map[string]string, string) {
	t.Helper()
	o := e.offer(t)
	uri := aktivasi.OfferURI(e.url, o.Code)
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "openid-credential-offer" {
		t.Fatalf("offer URI %q: %v", uri, err)
	}
	ref, _ := url.Parse(u.Query().Get("credential_offer_uri"))
	r := e.get(t, ref.Path)
	offer := r.json(t)
	grant, _ := offer["grants"].(map[string]any)["urn:ietf:params:oauth:grant-type:pre-authorized_code"].(map[string]any)
	if r.status != 200 || offer["credential_issuer"] != e.url || grant["pre-authorized_code"] != o.Code ||
		len(offer["credential_configuration_ids"].([]any)) != 4 || grant["tx_code"].(map[string]any)["length"] != 6.0 {
		t.Fatalf("offer %d: %s", r.status, r.body)
	}
	r = e.token(t, o.Code, e.mailedCode(t))
	tok := r.json(t)
	access, _ := tok["access_token"].(string)
	if r.status != 200 || access == "" || tok["token_type"] != "Bearer" || tok["expires_in"] != 300.0 {
		t.Fatalf("token %d: %s", r.status, r.body)
	}
	creds := map[string]string{}
	for _, c := range append([]string{request}, httpapi.ConfigurationIDs()...) {
		if creds[c] == "" {
			creds[c] = credentialOf(t, e.request(t, access, c, dev), c)
		}
	}
	return creds, access
}

// trust fetches and parses the trust list over HTTP.
func (e *env) trust(t testing.TB) *trustlist.List {
	t.Helper()
	r := e.get(t, "/.well-known/ikd-trust-list")
	if r.status != 200 || r.header.Get("Content-Type") != "application/jwt" {
		t.Fatalf("trust list %d %v: %s", r.status, r.header, r.body)
	}
	l, err := trustlist.Parse(string(r.body), time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := l.ValidUntil.Sub(l.IssuedAt); d != 7*24*time.Hour || l.Issuer != e.url || len(l.StatusLists) != 1 || l.SignedBy != e.dig.Keys.Active().ID {
		t.Errorf("trust list: %+v", l)
	}
	return l
}

func presentQR(t testing.TB, creds map[string]string, dev *ecdsa.PrivateKey, nonce string) string {
	t.Helper()
	cwt, err := base64.RawURLEncoding.DecodeString(creds["ktp_qr_dasar"])
	if err != nil {
		t.Fatal(err)
	}
	qr, err := qrcred.Present(cwt, dev, time.Now(), []byte(nonce))
	if err != nil {
		t.Fatal(err)
	}
	return qr
}

func presentSDJWT(t testing.TB, creds map[string]string, dev *ecdsa.PrivateKey, aud, nonce string) string {
	t.Helper()
	p, err := sdjwt.Present(creds["ktp_digital_sd_jwt"], sdjwt.DiscloseNames("nama", "nik"),
		&sdjwt.KeyBinding{Signer: dev, Aud: aud, Nonce: nonce, IAT: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func wantResult(t testing.TB, what string, res verify.Result, valid bool, reason kredensial.Reason) {
	t.Helper()
	if res.Valid != valid || res.Reason != reason {
		t.Errorf("%s: valid=%v reason=%q (%s), want valid=%v reason=%q", what, res.Valid, res.Reason, res.Detail, valid, reason)
	}
}

func TestEndToEnd(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		e := start(t, st)

		// Metadata.
		r := e.get(t, "/.well-known/openid-credential-issuer")
		md := r.json(t)
		configs, _ := md["credential_configurations_supported"].(map[string]any)
		sd, _ := configs["ktp_digital_sd_jwt"].(map[string]any)
		if r.status != 200 || md["credential_issuer"] != e.url || md["credential_endpoint"] != e.url+"/oid4vci/credential" ||
			md["nonce_endpoint"] != e.url+"/oid4vci/nonce" || len(configs) != 4 || sd["format"] != "dc+sd-jwt" || sd["vct"] != sdjwt.VCTKTPDigital {
			t.Errorf("issuer metadata %d: %s", r.status, r.body)
		}
		for _, p := range []string{"dasar", "usia", "foto"} {
			if c, _ := configs["ktp_qr_"+p].(map[string]any); c["format"] != "ikd-qr+cwt" {
				t.Errorf("ktp_qr_%s: %v", p, c)
			}
		}
		r = e.get(t, "/.well-known/oauth-authorization-server")
		if as := r.json(t); as["issuer"] != e.url || as["token_endpoint"] != e.url+"/oid4vci/token" || as["pre-authorized_grant_anonymous_access_supported"] != true {
			t.Errorf("authorization server metadata: %s", r.body)
		}
		r = e.get(t, "/.well-known/jwt-vc-issuer")
		keys := r.json(t)["jwks"].(map[string]any)["keys"].([]any)
		if len(keys) != 1 || keys[0].(map[string]any)["kid"] != e.dig.Keys.Active().ID || keys[0].(map[string]any)["d"] != nil {
			t.Errorf("jwt-vc-issuer: %s", r.body)
		}
		if r.header.Get("X-Request-Id") == "" {
			t.Error("the response did not pass through the httpserver middleware")
		}

		// Five wrong codes kill an offer; the right code is refused after.
		dead := e.offer(t)
		right := e.mailedCode(t)
		wrong := "000000"
		if right == wrong {
			wrong = "111111"
		}
		for i := range aktivasi.MaxAttempts {
			r := e.token(t, dead.Code, wrong)
			r.oauthErr(t, 400, "invalid_grant")
			if i == 0 && !strings.Contains(r.json(t)["error_description"].(string), "kode dari e-mail salah") {
				t.Errorf("error_description not in Bahasa Indonesia: %s", r.body)
			}
		}
		e.token(t, dead.Code, right, "Accept-Language", "en-US,en;q=0.9").oauthErr(t, 400, "invalid_grant")
		if r := e.token(t, dead.Code, right, "Accept-Language", "en"); !strings.Contains(string(r.body), "invalid, used or expired") {
			t.Errorf("error_description not in English: %s", r.body)
		}
		e.get(t, "/oid4vci/offers/"+dead.Code).oauthErr(t, 404, "invalid_grant")

		// The first phone.
		phone1 := newKey(t)
		creds1, token1 := e.activate(t, phone1, "ktp_qr_dasar")
		qr1 := presentQR(t, creds1, phone1, "verifier-nonce-1")
		sd1 := presentSDJWT(t, creds1, phone1, "https://bank.example", "kb-nonce-1")
		tl := e.trust(t)
		now := time.Now()
		wantResult(t, "QR of phone 1", verify.Verify(qr1, verify.Options{Trust: tl, Now: now, Nonce: "verifier-nonce-1"}), true, "")
		wantResult(t, "SD-JWT of phone 1", verify.Verify(sd1, verify.Options{Trust: tl, Now: now, Aud: "https://bank.example",
			Nonce: "kb-nonce-1", RequireKB: true}), true, "")

		// The status list token is served on its own too.
		r = e.get(t, "/status/1")
		if r.status != 200 || r.header.Get("Content-Type") != "application/statuslist+jwt" || r.header.Get("Cache-Control") != "max-age=300" || len(r.body) == 0 {
			t.Errorf("status list: %d %v", r.status, r.header)
		}
		if r := e.get(t, "/status/99"); r.status != 404 {
			t.Errorf("unknown status list: %d", r.status)
		}

		// A new phone: a replayed nonce is refused, then the activation
		// completes with the older "proof" form and revokes phone 1.
		usedNonce := e.nonce(t)
		body := func(request, p string) string {
			b, _ := json.Marshal(map[string]any{"credential_configuration_id": request, "proof": map[string]any{"proof_type": "jwt", "jwt": p}})
			return string(b)
		}
		phone2 := newKey(t)
		o := e.offer(t)
		r = e.token(t, o.Code, e.mailedCode(t))
		token2, _ := r.json(t)["access_token"].(string)
		// Phone 1's access token is still live, but each configuration is
		// issued once (credential_request_denied); the failed request rolls
		// back and leaves usedNonce unconsumed.
		e.credential(t, token1, body("ktp_digital_sd_jwt", proof(t, phone1, e.url, usedNonce))).oauthErr(t, 400, "credential_request_denied")
		creds2 := map[string]string{"ktp_digital_sd_jwt": credentialOf(t,
			e.credential(t, token2, body("ktp_digital_sd_jwt", proof(t, phone2, e.url, usedNonce))), "ktp_digital_sd_jwt")}
		// Phone 2 is bound now: phone 1's token is over, and token 2 serves
		// phone 2 only (invalid_proof for any other key).
		e.request(t, token1, "ktp_qr_usia", phone1).oauthErr(t, 401, "invalid_token")
		e.request(t, token2, "ktp_qr_dasar", phone1).oauthErr(t, 400, "invalid_proof")
		creds2["ktp_qr_dasar"] = credentialOf(t, e.request(t, token2, "ktp_qr_dasar", phone2), "ktp_qr_dasar")
		// The nonce has now been used: a replay is invalid_nonce.
		o3 := e.offer(t)
		r = e.token(t, o3.Code, e.mailedCode(t))
		token3, _ := r.json(t)["access_token"].(string)
		e.credential(t, token3, body("ktp_digital_sd_jwt", proof(t, phone2, e.url, usedNonce))).oauthErr(t, 400, "invalid_nonce")
		// A configuration already issued is refused; the others still work.
		e.request(t, token2, "ktp_digital_sd_jwt", phone2).oauthErr(t, 400, "credential_request_denied")
		credentialOf(t, e.request(t, token2, "ktp_qr_foto", phone2), "ktp_qr_foto")
		if n := countAudit(t, st, aktivasi.ActionCredentialRefused); n != 3 {
			t.Errorf("%d refused credential requests audited, want 3", n)
		}
		// Other refusals.
		e.credential(t, token3, body("ktp_digital_sd_jwt", proof(t, phone2, "https://evil.example", e.nonce(t)))).oauthErr(t, 400, "invalid_proof")
		e.credential(t, token3, `{"credential_configuration_id":"ktp_lain","proof":{"proof_type":"jwt","jwt":"x"}}`).oauthErr(t, 400, "unknown_credential_configuration")
		e.credential(t, token3, `{"credential_identifier":"ktp","proof":{"proof_type":"jwt","jwt":"x"}}`).oauthErr(t, 400, "unknown_credential_identifier")
		e.credential(t, token3, `{"credential_configuration_id":"ktp_qr_usia","proofs":{"jwt":["x","y"]}}`).oauthErr(t, 400, "invalid_proof")
		e.credential(t, "", body("ktp_digital_sd_jwt", "x")).oauthErr(t, 401, "invalid_token")
		big := `{"credential_configuration_id":"ktp_digital_sd_jwt","proof":{"proof_type":"jwt","jwt":"` + strings.Repeat("a", httpapi.MaxBody) + `"}}`
		e.credential(t, token3, big).oauthErr(t, 400, "invalid_credential_request")

		// Phone 1's credentials are revoked in the new trust list; phone 2's
		// are valid.
		tl = e.trust(t)
		now = time.Now()
		wantResult(t, "QR of phone 1 after the new activation",
			verify.Verify(qr1, verify.Options{Trust: tl, Now: now, Nonce: "verifier-nonce-1"}), false, kredensial.Revoked)
		wantResult(t, "SD-JWT of phone 1 after the new activation", verify.Verify(sd1, verify.Options{Trust: tl, Now: now,
			Aud: "https://bank.example", Nonce: "kb-nonce-1", RequireKB: true}), false, kredensial.Revoked)
		qr2 := presentQR(t, creds2, phone2, "verifier-nonce-2")
		wantResult(t, "QR of phone 2", verify.Verify(qr2, verify.Options{Trust: tl, Now: now, Nonce: "verifier-nonce-2"}), true, "")
		// Phone 1 cannot present phone 2's credentials.
		if _, err := qrcred.Present(mustB64(t, creds2["ktp_qr_dasar"]), phone1, now, nil); err == nil {
			t.Error("phone 1 presented phone 2's credential")
		}
	})
}

func mustB64(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
