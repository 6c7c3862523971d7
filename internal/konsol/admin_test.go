package konsol_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/petugas"
	"github.com/ikd-project/ikd/internal/store"
)

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// session is an officer signed in over HTTP: the cookie and CSRF token.
type session struct {
	t             testing.TB
	url, username string
	cookie, csrf  string
}

// signIn creates an officer of office with role peran, sets up the
// account (with TOTP when the role needs it) and signs in over HTTP.
func signIn(t testing.TB, c *console, username, office string, peran store.Peran) *session {
	t.Helper()
	code := loginCode(t, newOfficer(t, c, username, strings.ToUpper(username), office, peran))
	res, _ := send(t, "POST", c.url+"/konsol/masuk", url.Values{"username": {username}, "password": {pw}, "totp": {code}})
	if res.StatusCode != http.StatusSeeOther || len(res.Cookies()) == 0 {
		t.Fatalf("login %s: %d", username, res.StatusCode)
	}
	s := &session{t: t, url: c.url, username: username, cookie: res.Cookies()[0].Name + "=" + res.Cookies()[0].Value}
	_, body := s.get("/konsol/")
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token on the console's start page of %s", username)
	}
	s.csrf = m[1]
	return s
}

func (s *session) get(path string) (*http.Response, string) {
	s.t.Helper()
	return send(s.t, "GET", s.url+path, nil, "Cookie", s.cookie)
}

func (s *session) post(path string, form url.Values) (*http.Response, string) {
	s.t.Helper()
	form.Set("csrf", s.csrf)
	return send(s.t, "POST", s.url+path, form, "Cookie", s.cookie)
}

// TestAdminScope: an admin manages the officers of their own office, and
// of the offices in their area only from a Dinas: the MPP of Kota Bengkulu
// covers the kota as the kota's Dinas does, but its admin cannot reset the
// Dinas' admin (and get their first-login code) nor add officers to the
// Dinas. An admin cannot reset or deactivate a peer admin of the same
// office, unless they are of the provincial Dinas. Each refusal is the
// answer for an unknown officer, and changes nothing.
func TestAdminScope(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		c := start(t, st)
		mpp := signIn(t, c, "mira", "MPP-17.71", store.PeranAdmin)
		kota := signIn(t, c, "kadir", office, store.PeranAdmin)
		prov := signIn(t, c, "prima", "DISDUKCAPIL-17", store.PeranAdmin)
		for _, b := range []petugas.Baru{
			{Username: "kurnia", Nama: "Kurnia", Kantor: office, Peran: store.PeranAdmin},
			{Username: "putra", Nama: "Putra", Kantor: "DISDUKCAPIL-17", Peran: store.PeranAdmin},
			{Username: "mul", Nama: "Mul", Kantor: "MPP-17.71", Peran: store.PeranOperator},
			{Username: "kecil", Nama: "Kecil", Kantor: "KEC-17.71.01", Peran: store.PeranAdmin},
		} {
			if _, err := c.officer.Create(ctx, b); err != nil {
				t.Fatal(err)
			}
		}
		refused := func(s *session, who, tindakan string) {
			t.Helper()
			before, _ := st.GetPetugas(ctx, who)
			res, body := s.post("/konsol/admin/petugas/"+who, url.Values{"tindakan": {tindakan}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "tidak ada di antara petugas yang Anda kelola") ||
				strings.Contains(body, `id="kode-reset"`) {
				t.Errorf("%s of %s: %d, want the refusal", tindakan, who, res.StatusCode)
			}
			if after, _ := st.GetPetugas(ctx, who); after.SetupHash != before.SetupHash || after.PasswordHash != before.PasswordHash || after.State != before.State {
				t.Errorf("a refused %s changed %s", tindakan, who)
			}
		}
		allowed := func(s *session, who string) {
			t.Helper()
			res, body := s.post("/konsol/admin/petugas/"+who, url.Values{"tindakan": {"reset"}})
			if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="kode-reset"`) {
				t.Errorf("reset of %s: %d, want a new first-login code", who, res.StatusCode)
			}
		}

		// The MPP's admin: the MPP's officers only, though the MPP covers 17.71.
		_, list := mpp.get("/konsol/admin/petugas")
		if strings.Contains(list, `id="petugas-kadir"`) || strings.Contains(list, `id="petugas-kecil"`) || !strings.Contains(list, `id="petugas-mul"`) {
			t.Error("the MPP admin's list shows officers of other offices, or not the MPP's")
		}
		refused(mpp, "kadir", "reset")
		refused(mpp, "kadir", "nonaktif")
		refused(mpp, "kecil", "reset")
		res, body := mpp.post("/konsol/admin/petugas", url.Values{"username": {"dinas2"}, "nama": {"Dinas Dua"}, "kantor": {office}, "peran": {"admin"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "pilih kantor di wilayah Anda") {
			t.Errorf("the MPP admin adding an officer to the Dinas: %d", res.StatusCode)
		}
		if _, err := st.GetPetugas(ctx, "dinas2"); !store.IsNotFound(err) {
			t.Errorf("the MPP admin added an officer to the Dinas: %v", err)
		}
		allowed(mpp, "mul")

		// The kota's Dinas: the offices of its area, not a peer admin.
		allowed(kota, "kecil")
		allowed(kota, "mira")
		if _, list := kota.get("/konsol/admin/petugas"); !strings.Contains(list, `id="petugas-kurnia"`) ||
			strings.Contains(list, `action="/konsol/admin/petugas/kurnia"`) {
			t.Error("the peer admin is not listed, or listed with the buttons")
		}
		refused(kota, "kurnia", "reset")
		refused(kota, "kurnia", "nonaktif")
		refused(kota, "prima", "reset")

		// The provincial Dinas: every office, its own admins too.
		allowed(prov, "putra")
		allowed(prov, "kurnia")
	})
}

// newOfficer creates an officer account and sets it up with the test
// password (and TOTP when the role needs it), returning the TOTP secret
// ("" for none).
func newOfficer(t testing.TB, c *console, username, nama, office string, peran store.Peran) string {
	t.Helper()
	created, err := c.officer.Create(ctx, petugas.Baru{Username: username, Nama: nama, Kantor: office, Peran: peran})
	if err != nil {
		t.Fatal(err)
	}
	var secret, code string
	if created.Petugas.TOTPWajib {
		if secret, _, err = petugas.NewTOTPSecret(username); err != nil {
			t.Fatal(err)
		}
		// The setup spends the previous step's code, the login this one's.
		if code, err = totp.GenerateCode(secret, time.Now().Add(-30*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.officer.Setup(ctx, username, created.SetupCode, pw, pw, secret, code); err != nil {
		t.Fatal(err)
	}
	return secret
}

// loginCode is the TOTP code of secret now; "" for no secret.
func loginCode(t testing.TB, secret string) string {
	t.Helper()
	if secret == "" {
		return ""
	}
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return code
}
