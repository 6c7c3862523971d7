// Package web holds what ikd's HTML apps share: the templates and static
// assets embedded in the binary, parsed once; the language of a request
// (Bahasa Indonesia first, English by a remembered switch); the texts in
// both languages; Indonesian number and date formats; and the HTML error
// page, from the same kinds-to-status mapping as the JSON API
// (httpserver.ProblemOf).
//
// Each app (beranda, the console, ...) is a package of its own with a
// Handler and a Mount; it renders its pages through Pages.
package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/ikd-project/ikd/internal/httpserver"
	"github.com/ikd-project/ikd/internal/web/assets"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Page is what every page's data embeds: the language it is rendered in,
// and the path that switches language.
type Page struct {
	Lang  string // "id" or "en"
	Title string // the page's title, already in Lang
	// Switch is the URL of this page in the other language.
	Switch string
	// CSRF is the form token of the signed-in officer's session; empty
	// on public pages.
	CSRF string
}

// Other is the other language's code.
func (p Page) Other() string {
	if p.Lang == "en" {
		return "id"
	}
	return "en"
}

// Pages are the parsed page templates, by name (the file name without
// .html under templates/pages/).
type Pages struct {
	byName map[string]*template.Template
}

// Parse parses the layout and every page. It fails on a template error,
// so a broken page stops the server at start, not a user at run time.
func Parse() (*Pages, error) {
	layout, err := template.New("layout").Funcs(Funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	p := &Pages{byName: map[string]*template.Template{}}
	for _, file := range names {
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, file)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", file, err)
		}
		p.byName[strings.TrimSuffix(path.Base(file), ".html")] = t
	}
	return p, nil
}

// Names lists the pages.
func (p *Pages) Names() []string {
	var out []string
	for n := range p.byName {
		out = append(out, n)
	}
	return out
}

// Render writes page name with data and status. It renders into a buffer
// first, so that a template error answers 500 rather than half a page.
func (p *Pages) Render(w http.ResponseWriter, status int, name string, data any) error {
	t, ok := p.byName[name]
	if !ok {
		return fmt.Errorf("web: no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return fmt.Errorf("render %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// Fragment writes the template block of page name alone, for htmx to
// swap into the page.
func (p *Pages) Fragment(w http.ResponseWriter, name, block string, data any) error {
	t, ok := p.byName[name]
	if !ok {
		return fmt.Errorf("web: no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, data); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return fmt.Errorf("render %s/%s: %w", name, block, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write(buf.Bytes())
	return err
}

// ErrorPage is the data of the error page.
type ErrorPage struct {
	Page
	Status  int
	Message string
	Back    string // where "back" goes
}

// Error answers err as an HTML page with its status (httpserver.ProblemOf):
// the error's user-safe message in the page's language, or the problem's
// general one. A server problem is logged as what, never shown.
func (p *Pages) Error(w http.ResponseWriter, r *http.Request, logger *slog.Logger, what string, err error, base Page, back string) {
	p.ErrorIn(w, r, logger, what, err, base, back, "error", func(e ErrorPage) any { return e })
}

// ErrorIn is Error rendered as page name, an app's own error page, with
// the data wrap makes of the ErrorPage (the app's header needs its own
// fields, e.g. the signed-in officer).
func (p *Pages) ErrorIn(w http.ResponseWriter, r *http.Request, logger *slog.Logger, what string, err error, base Page, back, name string, wrap func(ErrorPage) any) {
	prob := httpserver.ProblemOf(err)
	if prob.Server() {
		logger.ErrorContext(r.Context(), what, "err", err, "route", r.Pattern)
	}
	if prob == httpserver.ProblemUnavailable {
		w.Header().Set("Retry-After", httpserver.RetryAfter)
	}
	base.Title = T(base.Lang, "error.title")
	data := ErrorPage{Page: base, Status: prob.Status, Message: prob.Message(err, base.Lang), Back: back}
	if rerr := p.Render(w, prob.Status, name, wrap(data)); rerr != nil {
		logger.ErrorContext(r.Context(), "render error page", "err", rerr)
	}
}

func init() {
	// Go's table lacks the web app manifest's type (W3C Web App Manifest §1.1).
	mime.AddExtensionType(".webmanifest", "application/manifest+json")
}

// App serves the installable web app in static/<name> at /<name>/: its
// page, manifest and service worker (which must live under the path it
// controls). Its files are served with no-cache: the browser asks again
// each time it is online, and the service worker's cache works offline.
func App(name string) http.Handler {
	sub, err := fs.Sub(staticFS, "static/"+name)
	if err != nil {
		panic("web: no app " + name) // embedded: a build defect
	}
	return http.StripPrefix("/"+name+"/", &assets.Server{FS: sub, CacheControl: "no-cache"})
}

// Static serves the embedded static assets under /static/, compressed
// where the browser accepts it. no-cache: browsers revalidate (a 304 by
// ETag) so that a new version of ikd is picked up at once.
func Static() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	return http.StripPrefix("/static/", &assets.Server{FS: sub, CacheControl: "no-cache"})
}
