package konsol_test

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/ikdtest/browser"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/web"
)

// browserSignIn creates an officer (with TOTP when the role needs it)
// and signs them in, in browser b, on the console's home page.
func browserSignIn(t *testing.T, c *console, b context.Context, user, office string, peran store.Peran) {
	t.Helper()
	browserLogin(t, c, b, "/konsol/", user, loginCode(t, newOfficer(t, c, user, "Petugas "+user, office, peran)))
	waitText(t, b, "#petugas", "Petugas "+user)
}

// browserLogin signs an existing officer in, in browser b, from the login
// form page opens (code is the TOTP code, "" for none).
func browserLogin(t *testing.T, c *console, b context.Context, page, user, code string) {
	t.Helper()
	login := []chromedp.Action[chromedp.Void]{chromedp.Navigate(c.url + page), chromedp.WaitVisible(chromedp.ID("form-masuk")),
		chromedp.SendKeys(chromedp.ID("username"), user), chromedp.SendKeys(chromedp.ID("password"), pw)}
	if code != "" {
		login = append(login, chromedp.SendKeys(chromedp.ID("totp"), code))
	}
	do(t, b, login...)
	submitForm(t, b, "form-masuk")
}

// TestSetTargetsInChromium: the province's supervisor sets Kota
// Bengkulu's 2026 target at 35% by an SK; the line, its kecamatan (which
// take it from above), the province's sum and the export follow; bad
// input is refused with the reason and changes nothing; a kab/kota
// supervisor is offered only its kecamatan and cannot set its own; a
// viewer gets no form; back to the default, the line says 30% again.
func TestSetTargetsInChromium(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		c := start(t, st)
		b := browser.New(t)
		browserSignIn(t, c, b, "sinta", "DISDUKCAPIL-17", store.PeranSupervisor)
		follow(t, b, c.url, "/konsol/target")
		waitText(t, b, "#target-kosong", "Belum ada target")
		waitText(t, b, "[id='t-wajib_ktp-17.71'] .share", "30%")
		provBefore := js(t, b, `document.querySelector("[id='t-wajib_ktp-17'] td:nth-child(4)").textContent.replace(/\D/g, "")`)
		set := func(kode, tahun, persen, sumber string) {
			t.Helper()
			js(t, b, `(() => { const f = document.getElementById("form-target");
				f.wilayah.value = `+quote(kode)+`; f.tahun.value = `+quote(tahun)+`; f.persen.value = `+quote(persen)+`; f.sumber.value = `+quote(sumber)+`;
				return ""; })()`)
			submitForm(t, b, "form-target")
		}
		year := js(t, b, `document.querySelector("#target-tahun option").textContent`)
		set("17.71", year, "tiga puluh", "SK 1")
		waitText(t, b, "#galat", "persentase sasaran harus angka")
		waitText(t, b, "#target-kosong", "Belum ada target")
		set("17.71", year, "35", " ")
		waitText(t, b, "#galat", "dasar penetapan")
		set("17.71", year, "35", "SK Kepala Dinas No. 470/12/2026")
		waitText(t, b, "#selesai", "Target ditetapkan: Kota Bengkulu "+year+": 35%")
		waitText(t, b, "[id='t-wajib_ktp-17.71'] .share", "35%")
		waitText(t, b, "[id='t-wajib_ktp-17.71'] .share", "SK Kepala Dinas No. 470/12/2026")
		// 35% of 280,158 wajib KTP, rounded up.
		waitText(t, b, "[id='t-wajib_ktp-17.71'] td:nth-child(4)", "98.056")
		waitText(t, b, "#daftar-target", "sinta")
		provAfter := js(t, b, `document.querySelector("[id='t-wajib_ktp-17'] td:nth-child(4)").textContent.replace(/\D/g, "")`)
		if provAfter == provBefore {
			t.Errorf("the province's target did not follow Kota Bengkulu's: %s", provAfter)
		}
		browser.Axe(t, b, "target, ditetapkan")
		shots(t, b, "konsol-target-tetapkan")
		csv := js(t, b, `fetch(document.getElementById("csv-wajib_ktp").href).then(r => r.text())`)
		if !strings.Contains(csv, "Kota Bengkulu,280158,35,SK Kepala Dinas No. 470/12/2026,98056,") {
			t.Errorf("the CSV lacks Kota Bengkulu's target:\n%.500s", csv)
		}
		// A kecamatan of Kota Bengkulu takes 35% from above: its dashboard's
		// target is 35% of its wajib KTP, rounded up.
		do(t, b, chromedp.Navigate(c.url+"/konsol/dasbor/17.71.01"))
		waitText(t, b, "#n-sasaran", "(35%)")
		wajib, err := strconv.Atoi(js(t, b, `document.getElementById("n-wajib").textContent.replaceAll(".", "")`))
		if err != nil || wajib == 0 {
			t.Fatalf("the kecamatan's wajib KTP: %d %v", wajib, err)
		}
		waitText(t, b, "#n-sasaran", web.Number("id", int64(math.Ceil(0.35*float64(wajib)))))
		evs, err := st.ListAudit(ctx, 0, 100000)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, ev := range evs {
			if ev.Action == "target.tetapkan" && ev.Actor == "sinta" && strings.Contains(ev.Detail, "470/12/2026") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d audited target settings, want 1", n)
		}

		k := browser.New(t)
		browserSignIn(t, c, k, "kiki", "DISDUKCAPIL-17.71", store.PeranSupervisor)
		follow(t, k, c.url, "/konsol/target")
		if opts := js(t, k, `[...document.querySelectorAll("#target-wilayah option")].map(o => o.value).filter(v => !v.startsWith("17.71.")).join(",")`); opts != "" {
			t.Errorf("a kab/kota supervisor is offered %s", opts)
		}
		js(t, k, `(() => { const o = document.createElement("option"); o.value = "17.71"; document.getElementById("target-wilayah").append(o);
			const f = document.getElementById("form-target"); f.wilayah.value = "17.71"; f.persen.value = "50"; f.sumber.value = "x"; return ""; })()`)
		submitForm(t, k, "form-target")
		waitText(t, k, "main", "bukan di bawah wilayah kantor Anda")

		v := browser.New(t)
		browserSignIn(t, c, v, "vina", "DISDUKCAPIL-17", store.PeranViewer)
		follow(t, v, c.url, "/konsol/target")
		waitText(t, v, "[id='t-wajib_ktp-17.71'] .share", "35%")
		if n := js(t, v, `String(document.querySelectorAll("#form-target, [id^=hapus-]").length)`); n != "0" {
			t.Error("the viewer is offered the target form")
		}

		do(t, b, chromedp.Navigate(c.url+"/konsol/target"), chromedp.Submit(chromedp.CSS(`[id='hapus-17.71']`)))
		waitText(t, b, "#selesai", "Target kembali ke bawaan: Kota Bengkulu")
		waitText(t, b, "[id='t-wajib_ktp-17.71'] .share", "30%")
		if got := js(t, b, `document.querySelector("[id='t-wajib_ktp-17'] td:nth-child(4)").textContent.replace(/\D/g, "")`); got != provBefore {
			t.Errorf("the province's target after the reset: %s, want %s", got, provBefore)
		}
	})
}
