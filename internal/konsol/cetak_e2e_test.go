package konsol_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/ikdtest/browser"
	"github.com/ikd-project/ikd/internal/issuance"
	"github.com/ikd-project/ikd/internal/kartucetak/kartucetaktest"
	"github.com/ikd-project/ikd/internal/store"
)

// printed is the console's answer to the print form, as the page's fetch
// saw it.
type printed struct {
	Status       int    `json:"status"`
	ContentType  string `json:"type"`
	CacheControl string `json:"cache"`
	PDF          string `json:"pdf"` // base64
}

// TestPrintedCardInChromium is assisted mode in real browsers: an operator
// prints Siti's QR card from her console page (a PDF, A6, not cached); the
// QR decoded from that PDF, pasted into the verifier page, says "SAH —
// kartu cetak: cocokkan wajah" with her face; the print is in her history;
// the officer revokes the card and the refreshed verifier says revoked.
// axe finds nothing serious on either page.
func TestPrintedCardInChromium(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		c := start(t, st)
		s := signIn(t, c, "rina", office, store.PeranOperator)
		printRefused(t, c, s)
		b := browser.New(t)
		browserLogin(t, c, b, "/konsol/", "rina", "")
		waitText(t, b, "#petugas", "RINA")
		page := c.url + "/konsol/penduduk/" + siti + "?tujuan=layanan"
		if err := chromedp.Do(b, chromedp.Navigate(page)); err != nil {
			t.Fatal(err)
		}
		waitText(t, b, "#status-cetak", "Belum pernah dicetak")
		browser.Axe(t, b, "penduduk, kartu cetak")

		// The print form, sent as the browser sends it (the form opens the
		// PDF in a new tab; a fetch of the same form reads the answer).
		raw := js(t, b, `(async () => { const f = document.getElementById("form-cetak");
			const r = await fetch(f.action, { method: "POST", body: new URLSearchParams(new FormData(f)) });
			const buf = new Uint8Array(await r.arrayBuffer()); let s = ""; for (const x of buf) s += String.fromCharCode(x);
			return JSON.stringify({ status: r.status, type: r.headers.get("Content-Type"), cache: r.headers.get("Cache-Control"), pdf: btoa(s) }); })()`)
		var p printed
		if err := json.Unmarshal([]byte(raw), &p); err != nil {
			t.Fatal(err)
		}
		pdf, err := base64.StdEncoding.DecodeString(p.PDF)
		if err != nil || p.Status != 200 || p.ContentType != "application/pdf" || p.CacheControl != "no-store" ||
			!bytes.HasPrefix(pdf, []byte("%PDF-1.4")) || !bytes.Contains(pdf, []byte("/MediaBox [0 0 297.64 419.53]")) {
			t.Fatalf("print answer: %d %q %q, %d bytes %q", p.Status, p.ContentType, p.CacheControl, len(pdf), pdf[:min(len(pdf), 40)])
		}
		qr := kartucetaktest.QRText(t, pdf)
		if n := c.srv.CountAudit(t, issuance.ActionPrint, siti); n != 1 {
			t.Errorf("%d audited prints, want 1", n)
		}
		if err := chromedp.Do(b, chromedp.Navigate(page)); err != nil {
			t.Fatal(err)
		}
		waitText(t, b, "#status-cetak", "Kartu cetak berlaku")
		waitText(t, b, "#status-cetak", "rina")
		waitText(t, b, "#riwayat", "kartu cetak dicetak")
		browser.Axe(t, b, "penduduk, kartu cetak berlaku")
		shots(t, b, "konsol-kartu-cetak")

		// The verifier, on another device, reads the card's QR.
		v := browser.New(t)
		if err := chromedp.Do(v, chromedp.EmulateViewport(360, 800, chromedp.EmulateScale(2), chromedp.EmulateMobile),
			chromedp.Navigate(c.url+"/verifikasi/")); err != nil {
			t.Fatal(err)
		}
		waitText(t, v, "#percaya", "diperbarui")
		paste := func() {
			t.Helper()
			js(t, v, `(() => { const l = document.getElementById("lagi"); if (!document.getElementById("hasil").hidden) l.click();
				document.getElementById("hasil").dataset.ms = ""; document.getElementById("teks").value = `+quote(qr)+`; return "ok"; })()`)
			if err := chromedp.Do(v, chromedp.Click(chromedp.CSS("#form-teks button"))); err != nil {
				t.Fatal(err)
			}
		}
		paste()
		waitText(t, v, "#putusan-judul", "SAH — kartu cetak: cocokkan wajah")
		waitText(t, v, "#putusan-alasan", "kartu cetak tanpa ponsel")
		waitText(t, v, "[data-claim=nama]", "SITI AMINAH")
		waitText(t, v, "#wajah-catatan", "Kartu cetak")
		if got := js(t, v, `String(!document.getElementById("wajah").hidden && document.getElementById("wajah").naturalWidth > 0 && document.getElementById("putusan").dataset.printed)`); got != "1" {
			t.Errorf("face shown and printed marked: %q", got)
		}
		browser.Axe(t, v, "verifikasi, kartu cetak sah")
		// At the phone's width, as a teller holds it (shots would resize it).
		t.Logf("screenshot: %s", browser.Screenshot(t, v, "verifikasi-kartu-cetak-ponsel"))

		// "Cabut kartu cetak" with a reason; the refreshed verifier says revoked.
		if err := chromedp.Do(b, chromedp.SetValue(chromedp.ID("alasan-cetak"), "kartu_hilang"),
			chromedp.Click(chromedp.CSS("#form-cabut-cetak button"))); err != nil {
			t.Fatal(err)
		}
		waitText(t, b, "#selesai", "Kartu cetak dicabut")
		waitText(t, b, "#status-cetak", "Kartu cetak dicabut")
		if err := chromedp.Do(v, chromedp.Click(chromedp.ID("lagi")), chromedp.Click(chromedp.ID("perbarui"))); err != nil {
			t.Fatal(err)
		}
		deadline := 20
		for {
			paste()
			for js(t, v, `document.getElementById("hasil").dataset.ms`) == "" {
				time.Sleep(50 * time.Millisecond)
			}
			if js(t, v, `document.getElementById("putusan").dataset.reason`) == "revoked" {
				break
			}
			if deadline--; deadline == 0 {
				t.Fatalf("the verifier does not say revoked: %s", js(t, v, `document.getElementById("putusan").textContent`))
			}
			js(t, v, `(document.getElementById("perbarui").click(), new Promise(r => setTimeout(() => r("ok"), 300)))`)
		}
		waitText(t, v, "#putusan-judul", "TIDAK SAH")
		waitText(t, v, "#putusan-alasan", "telah dicabut. Kartu cetak (tanpa ponsel)")
		browser.Axe(t, v, "verifikasi, kartu cetak dicabut")
		t.Logf("screenshot: %s", browser.Screenshot(t, v, "verifikasi-kartu-cetak-dicabut-ponsel"))
	})
}

// printRefused: the print endpoint changes state (it signs a card and
// revokes the earlier one), so a POST without the session's CSRF token, a
// GET, and a resident of another kab/kota print nothing; the last is
// audited as refused.
func printRefused(t *testing.T, c *console, s *session) {
	t.Helper()
	path := "/konsol/penduduk/" + siti + "/kartu-cetak"
	for name, try := range map[string]func() (*http.Response, string){
		"no CSRF token": func() (*http.Response, string) { return send(t, "POST", c.url+path, url.Values{}, "Cookie", s.cookie) },
		"GET":           func() (*http.Response, string) { return s.get(path) },
		"another area": func() (*http.Response, string) {
			return s.post("/konsol/penduduk/"+outside+"/kartu-cetak", url.Values{})
		},
	} {
		if res, body := try(); res.StatusCode == http.StatusOK && res.Header.Get("Content-Type") == "application/pdf" || strings.HasPrefix(body, "%PDF") {
			t.Errorf("%s: printed (%d)", name, res.StatusCode)
		}
	}
	for _, n := range []string{siti, outside} {
		if cards, err := c.st.ListKartuCetak(ctx, n); err != nil || len(cards) != 0 {
			t.Errorf("cards of %s after refusals: %d %v", n, len(cards), err)
		}
	}
	if n := c.srv.CountAudit(t, issuance.ActionPrintRefused, outside); n != 1 {
		t.Errorf("%d audited refusals of a resident of another area, want 1", n)
	}
}
