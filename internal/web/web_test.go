package web

import (
	"io/fs"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestNumber(t *testing.T) {
	for n, want := range map[int64][2]string{0: {"0", "0"}, 999: {"999", "999"}, 1000: {"1.000", "1,000"},
		2127957: {"2.127.957", "2,127,957"}, -1536724: {"-1.536.724", "-1,536,724"}} {
		if got := Number("id", n); got != want[0] {
			t.Errorf("Number(id, %d) = %q, want %q", n, got, want[0])
		}
		if got := Number("en", n); got != want[1] {
			t.Errorf("Number(en, %d) = %q, want %q", n, got, want[1])
		}
	}
}

func TestPercent(t *testing.T) {
	if got := Percent("id", 1483278, 1536724); got != "96,5%" {
		t.Errorf("Percent id = %q", got)
	}
	if got := Percent("en", 1483278, 1536724); got != "96.5%" {
		t.Errorf("Percent en = %q", got)
	}
	if got := Percent("id", 1, 0); got != "–" {
		t.Errorf("Percent of 0 = %q", got)
	}
}

func TestDate(t *testing.T) {
	d := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	if got := Date("id", d); got != "5 Desember 2026" {
		t.Errorf("Date id = %q", got)
	}
	if got := Date("en", d); got != "5 December 2026" {
		t.Errorf("Date en = %q", got)
	}
	if got := Date("id", time.Time{}); got != "–" {
		t.Errorf("Date of zero = %q", got)
	}
}

// TestPagesParse: every page parses with the layout, once.
func TestPagesParse(t *testing.T) {
	p, err := Parse()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := fs.Glob(templateFS, "templates/pages/*.html")
	if len(p.Names()) != len(files) || len(files) < 2 {
		t.Fatalf("parsed %v of %d page files", p.Names(), len(files))
	}
}

var textKeyRE = regexp.MustCompile(`\bt \.Lang "([^"]+)"|\bt \$\.Lang "([^"]+)"|T\([a-zA-Z.]+, "([^"]+)"\)`)

// TestTexts: every text key the templates (and the Go code of the apps)
// use exists in both languages, and both languages have the same keys.
func TestTexts(t *testing.T) {
	for k := range texts["id"] {
		if _, ok := texts["en"][k]; !ok {
			t.Errorf("text %q has no English", k)
		}
	}
	for k := range texts["en"] {
		if _, ok := texts["id"][k]; !ok {
			t.Errorf("text %q has no Bahasa Indonesia", k)
		}
	}
	used := 0
	fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(templateFS, path)
		for _, m := range textKeyRE.FindAllStringSubmatch(string(b), -1) {
			key := strings.Join(m[1:], "")
			used++
			if _, ok := texts["id"][key]; !ok {
				t.Errorf("%s uses text %q, which does not exist", path, key)
			}
		}
		return nil
	})
	if used < 10 {
		t.Fatalf("found only %d text keys in the templates: the pattern is broken", used)
	}
}

// TestLang: ?lang= switches and is remembered in a cookie; the default is
// Bahasa Indonesia.
func TestLang(t *testing.T) {
	if got := Lang(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil)); got != "id" {
		t.Errorf("default lang = %q", got)
	}
	w := httptest.NewRecorder()
	if got := Lang(w, httptest.NewRequest("GET", "/?lang=en", nil)); got != "en" {
		t.Errorf("?lang=en gives %q", got)
	}
	r := httptest.NewRequest("GET", "/konsol/", nil)
	for _, c := range w.Result().Cookies() {
		r.AddCookie(c)
	}
	if got := Lang(httptest.NewRecorder(), r); got != "en" {
		t.Errorf("remembered lang = %q", got)
	}
	p := NewPage(httptest.NewRecorder(), httptest.NewRequest("GET", "/konsol/cari?q=x&lang=en", nil), "error.title")
	if p.Switch != "/konsol/cari?lang=id&q=x" || p.Title != "Something went wrong" {
		t.Errorf("page = %+v", p)
	}
}
