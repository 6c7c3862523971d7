package konsol

import (
	"testing"

	"github.com/ikd-project/ikd/internal/issuance"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/web"
)

// TestDynamicTexts: the texts the pages look up by a computed key (a
// purpose, a digital-ID status, an activation state) exist in both
// languages.
func TestDynamicTexts(t *testing.T) {
	var keys []string
	for _, p := range purposes {
		keys = append(keys, "tujuan."+p)
	}
	for _, a := range issuance.Actions {
		keys = append(keys, "konsol.status."+string(a))
	}
	for _, s := range []string{"none", "valid", "suspended", "revoked"} {
		keys = append(keys, "ikd."+s)
	}
	for _, s := range []store.StateAktivasi{store.Ditawarkan, store.Ditukar, store.Selesai, store.Gagal, stateExpired} {
		keys = append(keys, "aktivasi."+string(s))
	}
	for _, k := range keys {
		for _, lang := range []string{"id", "en"} {
			if web.T(lang, k) == k {
				t.Errorf("no %s text %q", lang, k)
			}
		}
	}
}

// TestNext: after login only a console path is followed.
func TestNext(t *testing.T) {
	for in, want := range map[string]string{
		"/konsol/penduduk/1771015708900001": "/konsol/penduduk/1771015708900001",
		"//evil.example/konsol/":            "/konsol/",
		"https://evil.example/":             "/konsol/",
		"/konsol/\\evil":                    "/konsol/",
		"":                                  "/konsol/",
		"/dompet/":                          "/konsol/",
	} {
		if got := next(in); got != want {
			t.Errorf("next(%q) = %q, want %q", in, got, want)
		}
	}
}
