package konsol_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ikd-project/ikd/internal/demo"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/ikdtest/browser"
	"github.com/ikd-project/ikd/internal/store"
)

// TestStockInChromium: the province's stock officer sees the demo ledger
// (balances, days of cover, the alert and the suggested loan), records a
// receipt from the centre and a distribution; Kota Bengkulu's operator
// records a printed card; an overdraft is refused with the reason and
// changes nothing; the viewer sees the page without the form.
func TestStockInChromium(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		c := start(t, st)
		if err := demo.LoadStock(ctx, st, time.Now(), 1); err != nil {
			t.Fatal(err)
		}
		login := func(b context.Context, user, office string, peran store.Peran) {
			t.Helper()
			browserSignIn(t, c, b, user, office, peran)
			follow(t, b, c.url, "/konsol/blangko")
			waitText(t, b, "h2", "Stok blangko KTP-el")
		}
		record := func(b context.Context, jenis, ke, jumlah, serial string) {
			t.Helper()
			js(t, b, `(() => { const f = document.getElementById("form-blangko");
				f.jenis.value = `+quote(jenis)+`; f.ke.value = `+quote(ke)+`; f.jumlah.value = `+quote(jumlah)+`; f.serial.value = `+quote(serial)+`;
				return ""; })()`)
			submitForm(t, b, "form-blangko")
		}
		b := browser.New(t)
		login(b, "yuni", "DISDUKCAPIL-17", store.PeranStok)
		waitText(t, b, "[id=\"unit-DISDUKCAPIL-17.05\"]", "Segera ajukan") // Seluma runs out
		waitText(t, b, "#saran", "Disdukcapil Kabupaten Seluma")
		browser.Axe(t, b, "blangko")
		shots(t, b, "konsol-blangko")
		before := js(t, b, `document.querySelector("[id='unit-DISDUKCAPIL-17.71'] td:nth-child(2)").textContent`)
		record(b, "PENERIMAAN", "", "500", "")
		waitText(t, b, "#selesai", "penerimaan dari pusat, 500")
		record(b, "DISTRIBUSI", "DISDUKCAPIL-17.71", "250", "")
		waitText(t, b, "#selesai", "distribusi, 250")
		if after := js(t, b, `document.querySelector("[id='unit-DISDUKCAPIL-17.71'] td:nth-child(2)").textContent`); after == before {
			t.Errorf("Kota Bengkulu's balance did not change: %s", after)
		}
		record(b, "DISTRIBUSI", "DISDUKCAPIL-17.04", "900000", "")
		waitText(t, b, "#galat", "tidak cukup")
		waitText(t, b, "#mutasi", "distribusi")

		k := browser.New(t)
		login(k, "tono", "DISDUKCAPIL-17.71", store.PeranOperator)
		if opts := js(t, k, `[...document.querySelectorAll("#jenis option")].map(o => o.value).join(",")`); opts != "PEMAKAIAN" {
			t.Errorf("an operator is offered %s, want only PEMAKAIAN", opts)
		}
		record(k, "PEMAKAIAN", "", "1", "1771-2026-990001")
		waitText(t, k, "#selesai", "pemakaian")
		record(k, "PEMAKAIAN", "", "1", "1771-2026-990001")
		waitText(t, k, "#galat", "sudah tercatat")
		browser.Axe(t, k, "blangko, operator")

		// The public notice: no login, each unit's balance today.
		pub := browser.New(t)
		do(t, pub, chromedp.Navigate(c.url+"/blangko/"))
		waitText(t, pub, "#stok-publik", "Disdukcapil Kabupaten Seluma")
		waitText(t, pub, "h2", "Pengumuman stok blangko KTP-el")
		browser.Axe(t, pub, "blangko publik")
		shots(t, pub, "blangko-publik")

		v := browser.New(t)
		login(v, "vivi", "DISDUKCAPIL-17", store.PeranViewer)
		if n := js(t, v, `String(document.querySelectorAll("#form-blangko").length)`); n != "0" {
			t.Error("the viewer is offered the form")
		}
		// The viewer reads the targets: 30% of each base, side by side.
		follow(t, v, c.url, "/konsol/target")
		waitText(t, v, "#target-intro", "30%")
		waitText(t, v, "[id='t-wajib_ktp-17.71']", "Kota Bengkulu")
		waitText(t, v, "[id='t-penduduk-17']", "Provinsi Bengkulu")
		browser.Axe(t, v, "target")
		shots(t, v, "konsol-target")
		// The exports hold the page's figures: CSV, and XLSX (a zip).
		onPage := js(t, v, `document.querySelector("[id='t-wajib_ktp-17.71'] td:nth-child(4)").textContent.replace(/\D/g, "")`)
		csv := js(t, v, `fetch(document.getElementById("csv-wajib_ktp").href).then(r => r.text())`)
		if !strings.Contains(csv, "Kota Bengkulu,280158,30,,"+onPage+",") {
			t.Errorf("the CSV lacks Kota Bengkulu's target %s:\n%.400s", onPage, csv)
		}
		if magic := js(t, v, `fetch(document.getElementById("xlsx-wajib_ktp").href).then(r => r.arrayBuffer()).then(b => String.fromCharCode(...new Uint8Array(b).slice(0, 2)))`); magic != "PK" {
			t.Errorf("the XLSX is not a zip: %q", magic)
		}
		do(t, v, chromedp.Navigate(c.url+"/konsol/blangko"))
		stock := js(t, v, `fetch("/konsol/blangko/ekspor?format=csv").then(r => r.text())`)
		if !strings.Contains(stock, "Disdukcapil Kabupaten Seluma,") {
			t.Errorf("the stock CSV: %.300s", stock)
		}
	})
}

func do(t *testing.T, b context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b, actions...); err != nil {
		t.Fatal(err)
	}
}

// follow opens a page of the console's navigation: the link must be in
// the nav; the page is opened by its address (a click can land on a node
// that a late render of the page before it has replaced).
func follow(t *testing.T, b context.Context, base, href string) {
	t.Helper()
	do(t, b, chromedp.WaitVisible(chromedp.CSS(`nav a[href="`+href+`"]`)), chromedp.Navigate(base+href))
}
