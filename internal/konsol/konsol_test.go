package konsol_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/petugas"
	"github.com/ikd-project/ikd/internal/store"
)

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func send(t testing.TB, method, u string, form url.Values, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	if method == "POST" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// TestSessionHandling, over HTTP without a browser: pages need a session,
// the login sets a strict cookie with a fresh id each time, a redirect
// after login stays in the console, a cross-site post is refused, and a
// bad setup form explains itself and changes nothing.
func TestSessionHandling(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		c := start(t, st)
		created, err := c.officer.Create(t.Context(), petugas.Baru{Username: "budi", Nama: "Budi", Kantor: office, Peran: store.PeranOperator})
		if err != nil {
			t.Fatal(err)
		}

		res, _ := send(t, "GET", c.url+"/konsol/penduduk/"+siti, nil)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/konsol/masuk?lanjut=%2Fkonsol%2Fpenduduk%2F"+siti {
			t.Errorf("without a session: %d %s", res.StatusCode, res.Header.Get("Location"))
		}

		// A bad setup form: the reason, in the user's language, and no change.
		res, body := send(t, "POST", c.url+"/konsol/akun/aktifkan", url.Values{"username": {"budi"}, "kode": {created.SetupCode},
			"password": {pw}, "password2": {pw + "!"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "kedua kata sandi tidak sama") {
			t.Errorf("mismatched passwords: %d", res.StatusCode)
		}
		if p, _ := st.GetPetugas(t.Context(), "budi"); p.PasswordHash != "" || p.SetupHash == "" {
			t.Errorf("a refused setup changed the account: %+v", p)
		}
		res, _ = send(t, "POST", c.url+"/konsol/akun/aktifkan", url.Values{"username": {"budi"}, "kode": {created.SetupCode},
			"password": {pw}, "password2": {pw}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("setup: %d", res.StatusCode)
		}

		var ids []string
		for _, lanjut := range []string{"//evil.example/x", "/konsol/penduduk/" + siti} {
			res, _ = send(t, "POST", c.url+"/konsol/masuk", url.Values{"username": {"budi"}, "password": {pw}, "lanjut": {lanjut}})
			want := "/konsol/"
			if strings.HasPrefix(lanjut, "/konsol/") {
				want = lanjut
			}
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want {
				t.Errorf("login with lanjut=%s: %d %s, want %s", lanjut, res.StatusCode, res.Header.Get("Location"), want)
			}
			var sesi *http.Cookie
			for _, ck := range res.Cookies() {
				if ck.Name == "ikd_sesi" {
					sesi = ck
				}
			}
			if sesi == nil || !sesi.HttpOnly || !sesi.Secure || sesi.SameSite != http.SameSiteStrictMode || sesi.Path != "/konsol/" {
				t.Fatalf("session cookie: %+v", sesi)
			}
			ids = append(ids, sesi.Value)
		}
		if ids[0] == ids[1] {
			t.Error("two logins gave the same session id")
		}
		cookie := "ikd_sesi=" + ids[1]
		if res, _ := send(t, "GET", c.url+"/konsol/", nil, "Cookie", cookie); res.StatusCode != http.StatusOK {
			t.Errorf("with a session: %d", res.StatusCode)
		}
		// A cross-site form post is refused before it reaches the handler.
		res, _ = send(t, "POST", c.url+"/konsol/penduduk/"+siti+"/aktivasi", url.Values{}, "Cookie", cookie, "Sec-Fetch-Site", "cross-site")
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site post: %d", res.StatusCode)
		}
		// A viewer reads dashboards, not residents' records.
		v, err := c.officer.Create(t.Context(), petugas.Baru{Username: "vina", Nama: "Vina", Kantor: office, Peran: store.PeranViewer})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.officer.Setup(t.Context(), "vina", v.SetupCode, pw, pw, "", ""); err != nil {
			t.Fatal(err)
		}
		res, _ = send(t, "POST", c.url+"/konsol/masuk", url.Values{"username": {"vina"}, "password": {pw}})
		viewer := res.Cookies()[0].Name + "=" + res.Cookies()[0].Value
		if res, body := send(t, "GET", c.url+"/konsol/penduduk/"+siti, nil, "Cookie", viewer); res.StatusCode != http.StatusForbidden ||
			strings.Contains(body, "SITI AMINAH") {
			t.Errorf("a viewer opened a resident's record: %d", res.StatusCode)
		}

		// Deactivation ends the session at once.
		if err := c.officer.Deactivate(t.Context(), "budi"); err != nil {
			t.Fatal(err)
		}
		if res, _ := send(t, "GET", c.url+"/konsol/", nil, "Cookie", cookie); res.StatusCode != http.StatusSeeOther {
			t.Errorf("after deactivation: %d, want a redirect to the login", res.StatusCode)
		}
	})
}
