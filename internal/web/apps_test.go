package web

import (
	"bytes"
	"encoding/json"
	"image/png"
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestInstallableApps: each web app has what a browser needs to install
// it (a manifest with its start URL in its scope and 192 and 512 px PNG
// icons, linked from the page) and a service worker whose every offline
// asset exists: one missing asset fails the worker's install, and the app
// would not open offline.
func TestInstallableApps(t *testing.T) {
	for _, app := range []string{"dompet", "verifikasi"} {
		dir := "static/" + app + "/"
		var m struct {
			Name, ShortName, StartURL, Scope, Display string
			Icons                                     []struct{ Src, Sizes, Type string }
		}
		raw, err := fs.ReadFile(staticFS, dir+"manifest.webmanifest")
		if err == nil {
			err = json.Unmarshal(bytes.ReplaceAll(bytes.ReplaceAll(raw, []byte("short_name"), []byte("shortname")), []byte("start_url"), []byte("starturl")), &m)
		}
		if err != nil || m.Name == "" || m.ShortName == "" || m.StartURL != "/"+app+"/" || m.Scope != "/"+app+"/" || m.Display != "standalone" {
			t.Errorf("%s manifest: %+v %v", app, m, err)
		}
		sizes := map[string]bool{}
		for _, ic := range m.Icons {
			b, err := fs.ReadFile(staticFS, embedded(ic.Src))
			img, derr := png.DecodeConfig(bytes.NewReader(b))
			if err != nil || derr != nil || ic.Type != "image/png" || ic.Sizes != itoa(img.Width)+"x"+itoa(img.Height) {
				t.Errorf("%s icon %+v: %v %v", app, ic, err, derr)
			}
			sizes[ic.Sizes] = true
		}
		if !sizes["192x192"] || !sizes["512x512"] {
			t.Errorf("%s: icons %v, want 192 and 512", app, sizes)
		}
		page, _ := fs.ReadFile(staticFS, dir+"index.html")
		if !bytes.Contains(page, []byte(`<link rel="manifest" href="/`+app+`/manifest.webmanifest">`)) || bytes.Contains(page, []byte("<script>")) {
			t.Errorf("%s page: no manifest link, or an inline script", app)
		}
		sw, err := fs.ReadFile(staticFS, dir+"sw.js")
		if err != nil {
			t.Fatalf("%s: %v", app, err)
		}
		assets := regexp.MustCompile(`"(/[A-Za-z0-9/._-]*)"`).FindAllStringSubmatch(string(sw), -1)
		if len(assets) < 8 {
			t.Errorf("%s sw.js lists %d assets", app, len(assets))
		}
		for _, a := range assets {
			p := a[1]
			if strings.HasSuffix(p, "/") {
				p += "index.html"
			}
			if _, err := fs.Stat(staticFS, embedded(p)); err != nil {
				t.Errorf("%s sw.js: %s is not an asset", app, a[1])
			}
		}
	}
}

// embedded is the embedded file a URL path is served from: /static/x from
// static/x, an app's /name/x from static/name/x (App).
func embedded(urlPath string) string {
	if rest, ok := strings.CutPrefix(urlPath, "/static/"); ok {
		return "static/" + rest
	}
	return "static" + urlPath
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
