package web

import (
	"net/http"
	"net/url"
)

// LangCookie remembers the language a user chose.
const LangCookie = "ikd_lang"

// Lang returns the language of a request: ?lang=id or ?lang=en when given
// (and then remembered in a cookie for a year), else the remembered one,
// else Bahasa Indonesia.
func Lang(w http.ResponseWriter, r *http.Request) string {
	if q := r.URL.Query().Get("lang"); q == "id" || q == "en" {
		http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
		return q
	}
	if c, err := r.Cookie(LangCookie); err == nil && (c.Value == "id" || c.Value == "en") {
		return c.Value
	}
	return "id"
}

// NewPage returns the base page data of a request: its language, the
// title (a text key), and the link to this page in the other language.
func NewPage(w http.ResponseWriter, r *http.Request, titleKey string) Page {
	lang := Lang(w, r)
	p := Page{Lang: lang, Title: T(lang, titleKey)}
	q := url.Values{}
	for k, v := range r.URL.Query() {
		if k != "lang" {
			q[k] = v
		}
	}
	q.Set("lang", p.Other())
	p.Switch = r.URL.Path + "?" + q.Encode()
	return p
}
