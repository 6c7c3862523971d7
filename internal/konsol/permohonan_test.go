package konsol_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/ikdtest/browser"
	"github.com/ikd-project/ikd/internal/petugas"
	"github.com/ikd-project/ikd/internal/store"
)

// TestRequestsInChromium: an operator takes a lost-card request, which
// the policy steers to IKD (no blank card), and a damaged-card one whose
// resident declines IKD with a reason: the card is printed from the
// office's stock, handed over, done.
func TestRequestsInChromium(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		c := start(t, st)
		if err := st.ApplyMutasi(ctx, &store.BlangkoMutasi{Jenis: store.Koreksi, Ke: office, Jumlah: 3, Alasan: "opname", Petugas: "t"}); err != nil {
			t.Fatal(err)
		}
		created, err := c.officer.Create(ctx, petugas.Baru{Username: "rina", Nama: "Rina Operator", Kantor: office, Peran: store.PeranOperator})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.officer.Setup(ctx, "rina", created.SetupCode, pw, pw, "", ""); err != nil {
			t.Fatal(err)
		}
		b := browser.New(t)
		do(t, b, chromedp.Navigate(c.url+"/konsol/"), chromedp.WaitVisible(chromedp.ID("form-masuk")),
			chromedp.SendKeys(chromedp.ID("username"), "rina"), chromedp.SendKeys(chromedp.ID("password"), pw), chromedp.Submit(chromedp.ID("form-masuk")))
		waitText(t, b, "#petugas", "Rina")
		submit := func(jenis string) {
			t.Helper()
			do(t, b, chromedp.Navigate(c.url+"/konsol/penduduk/"+siti+"?tujuan=layanan"))
			waitText(t, b, "#permohonan h4", "Permohonan baru")
			js(t, b, `(document.getElementById("jenis-permohonan").value = `+quote(jenis)+`, "")`)
			submitForm(t, b, "form-permohonan")
			waitText(t, b, "#keadaan", "diajukan")
		}
		step := func(form string) {
			t.Helper()
			submitForm(t, b, form)
		}

		// Lost card: checked, then IKD: done with no blank card.
		submit("HILANG")
		browser.Axe(t, b, "permohonan")
		step("form-DIPERIKSA")
		waitText(t, b, "#keadaan", "diperiksa")
		waitText(t, b, "main", "ditawarkan KTP digital (IKD) lebih dulu")
		shots(t, b, "konsol-permohonan")
		step("form-ikd")
		waitText(t, b, "#keadaan", "selesai")
		waitText(t, b, "#pilihan", "tanpa blangko")
		do(t, b, chromedp.Navigate(c.url+"/konsol/blangko"))
		waitText(t, b, "#hemat", "KTP digital): 1") // one blank card saved

		// Damaged card, IKD declined: a reason is required; the card uses one blank card.
		submit("RUSAK")
		step("form-DIPERIKSA")
		waitText(t, b, "#keadaan", "diperiksa")
		step("form-kartu")
		waitText(t, b, "#galat", "alasan penduduk")
		do(t, b, chromedp.SendKeys(chromedp.ID("alasan_kartu"), "tidak punya ponsel pintar"))
		step("form-kartu")
		waitText(t, b, "#keadaan", "diproses")
		do(t, b, chromedp.SendKeys(chromedp.ID("serial-baru"), "1771-2026-300001"))
		step("form-DICETAK")
		waitText(t, b, "#keadaan", "dicetak")
		waitText(t, b, "#serial", "1771-2026-300001")
		nomor := js(t, b, `document.getElementById("nomor").textContent`)
		do(t, b, chromedp.Navigate(c.url+"/konsol/penduduk/"+siti+"?tujuan=layanan"))
		waitText(t, b, "#daftar-permohonan-penduduk", nomor) // the resident's page lists it
		do(t, b, chromedp.Navigate(c.url+"/konsol/permohonan"))
		waitText(t, b, "#daftar-permohonan", nomor)
		browser.Axe(t, b, "permohonan terbuka")
		do(t, b, chromedp.Navigate(c.url+"/konsol/permohonan/"+nomor))
		step("form-DISERAHKAN")
		waitText(t, b, "#keadaan", "diserahkan")
		step("form-SELESAI")
		waitText(t, b, "#keadaan", "selesai")
		waitText(t, b, "#langkah", "rina")
		// The resident follows it on the public page: number and birth date.
		pub := browser.New(t)
		do(t, pub, chromedp.Navigate(c.url+"/lacak/?nomor="+nomor+"&lahir=1990-08-17"))
		waitText(t, pub, "#keadaan", "selesai")
		browser.Axe(t, pub, "lacak")
		shots(t, pub, "lacak")
		if html := js(t, pub, `document.documentElement.outerHTML`); strings.Contains(html, "SITI") || strings.Contains(html, siti) {
			t.Error("the tracking page shows the resident's name or NIK")
		}
		do(t, pub, chromedp.Navigate(c.url+"/lacak/?nomor="+nomor+"&lahir=1990-08-18"))
		waitText(t, pub, "#galat", "Tidak ada permohonan")
		do(t, pub, chromedp.Navigate(c.url+"/lacak/?nomor="+nomor+"&lahir=kemarin"))
		waitText(t, pub, "#galat", "Tanggal lahir tidak valid")
		// Guessing is limited per address: 10 lookups a minute.
		var last int
		for range 10 {
			res, err := http.Get(c.url + "/lacak/?nomor=PMH-0000-0000&lahir=1990-08-17")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			last = res.StatusCode
		}
		if last != http.StatusTooManyRequests {
			t.Errorf("the 12th lookup in a minute: %d, want 429", last)
		}

		// A lost phone, here with no active digital ID: done at once, saying so.
		submitAny := func(jenis string) {
			t.Helper()
			do(t, b, chromedp.Navigate(c.url+"/konsol/penduduk/"+siti+"?tujuan=layanan"))
			waitText(t, b, "#permohonan h4", "Permohonan baru")
			js(t, b, `(document.getElementById("jenis-permohonan").value = `+quote(jenis)+`, "")`)
			submitForm(t, b, "form-permohonan")
		}
		submitAny("PONSEL_HILANG")
		waitText(t, b, "#keadaan", "selesai")
		waitText(t, b, "#langkah", "tidak ada KTP digital aktif")

		saldo, err := st.ListSaldo(ctx)
		if err != nil || len(saldo) != 1 || saldo[0].Saldo != 2 {
			t.Errorf("stock after one printed card: %+v %v, want 2", saldo, err)
		}
	})
}
