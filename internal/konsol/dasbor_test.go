package konsol_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/ikd-project/ikd/internal/demo"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/ikdtest/browser"
	"github.com/ikd-project/ikd/internal/store"
)

// TestDashboardInChromium: a provincial viewer opens /dasbor/ and sees the
// province's residents, wajib KTP and activations as a count of the rows
// themselves gives them; drills down to a kab/kota, a kecamatan and a
// desa; downloads the table as CSV and XLSX with the page's figures; a
// kab/kota viewer cannot open another kab/kota and an operator no
// dashboard; the public statistics suppress counts under 10.
func TestDashboardInChromium(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		c := start(t, st)
		if err := demo.Load(ctx, st, demo.Options{Seed: 3, Scale: 0.002, AsOf: time.Now()}, nil, nil); err != nil {
			t.Fatal(err)
		}
		// What the page must show, counted from the rows: the living
		// residents, the Kota Bengkulu ones of them, and 12 activations.
		var living int
		var kota []store.Penduduk
		for after := ""; ; {
			page, err := st.ListPenduduk(ctx, store.PendudukFilter{WilayahKode: "17", AfterNIK: after, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			for _, p := range page {
				if p.StatusNIK != store.NIKMati {
					living++
					if strings.HasPrefix(p.DesaKode, "17.71.") && p.TanggalLahir.Year() < 2000 {
						kota = append(kota, p)
					}
				}
			}
			after = page[len(page)-1].NIK
		}
		if len(kota) < 12 {
			t.Fatalf("only %d adults of Kota Bengkulu in the demo", len(kota))
		}
		for i, p := range kota[:12] {
			a := store.Aktivasi{ID: fmt.Sprint("dash-", i), NIK: p.NIK, KabKotaKode: "17.71", KantorKode: office, Petugas: "x",
				CodeHash: fmt.Sprint("dc", i), TxCodeHash: "t", State: store.Ditawarkan, ExpiresAt: time.Now().Add(time.Hour)}
			if err := st.CreateAktivasi(ctx, &a); err != nil {
				t.Fatal(err)
			}
			if _, err := st.UpdateAktivasi(ctx, a.ID, func(x *store.Aktivasi) error { x.State = store.Selesai; return nil }); err != nil {
				t.Fatal(err)
			}
		}
		// A drive of the Kota's Dinas with three of them on its roster, one
		// checked in: the dashboard's drive line.
		now := time.Now()
		j := store.Jemput{Nama: "Jemput bola OPD Kota", Sasaran: store.SasaranOPDKabKota, Tempat: "Balai Kota", KantorKode: office,
			MulaiAt: now.Add(-time.Hour), SelesaiAt: now.Add(time.Hour), HitungSampai: now.Add(time.Hour), Jam: 2,
			Petugas: []string{"x"}, DibuatOleh: "x"}
		if err := st.CreateJemput(ctx, &j); err != nil {
			t.Fatal(err)
		}
		var roster []store.PesertaJemput
		for i, p := range kota[:3] {
			roster = append(roster, store.PesertaJemput{JemputID: j.ID, NIK: p.NIK, Baris: i + 2})
		}
		if err := st.AddPeserta(ctx, roster); err != nil {
			t.Fatal(err)
		}
		if _, err := st.HadirPeserta(ctx, j.ID, kota[0].NIK, now, "x"); err != nil {
			t.Fatal(err)
		}
		login := func(user, kantor string, peran store.Peran) context.Context {
			t.Helper()
			b := browser.New(t)
			browserLogin(t, c, b, "/dasbor/", user, loginCode(t, newOfficer(t, c, user, "Petugas "+user, kantor, peran)))
			return b
		}

		v := login("dina", "DISDUKCAPIL-17", store.PeranViewer)
		// The login goes back to the dashboard it was asked for.
		waitText(t, v, "#dasbor-nama", "Provinsi Bengkulu")
		digits := func(sel string) int {
			t.Helper()
			s := js(t, v, `document.querySelector(`+quote(sel)+`).textContent.replace(/[^0-9]/g, "")`)
			n, err := strconv.Atoi(s)
			if err != nil {
				t.Fatalf("%s: %q", sel, s)
			}
			return n
		}
		if got := digits("#n-penduduk"); got != living {
			t.Errorf("the province's residents: %d on the page, %d living in the rows", got, living)
		}
		if got := digits("#n-ikd"); got != 12 {
			t.Errorf("the province's activations: %d, want 12", got)
		}
		if got := digits("[id='w-17.71'] td:nth-child(2)"); got != 12 {
			t.Errorf("Kota Bengkulu's activations: %d, want 12", got)
		}
		// The Kota's Dinas did the 12; its drive: 3 on the roster, 1
		// checked in, 3 activated (by the drive's officer, in its window).
		if got := js(t, v, `[...document.querySelectorAll("[id='k-`+office+`'] td")].slice(1, 3).map(td => td.textContent).join(" ")`); got != "12 12" && got != "12 0" {
			t.Errorf("the Kota's Dinas' activations (all, last 4 full weeks): %q, want 12", got)
		}
		if got := js(t, v, `[...document.querySelectorAll("#j-`+strconv.FormatInt(j.ID, 10)+` td")].slice(2, 6).map(td => td.textContent).join(" ")`); got != "3 1 3 100,0" {
			t.Errorf("the drive's roster, checked in, activated, yield: %q, want 3 1 3 100,0", got)
		}
		if n := js(t, v, `String(document.querySelectorAll("#grafik-tren rect").length)`); n != "26" {
			t.Errorf("the trend has %s bars, want 26", n)
		}
		if h := js(t, v, `document.querySelector("#grafik-tren rect:last-of-type").getAttribute("height")`); h == "0" {
			t.Error("this week's bar is empty though 12 activations were done this week")
		}
		browser.Axe(t, v, "dasbor provinsi")
		shots(t, v, "dasbor-provinsi")

		// The exports hold the page's figures.
		csv := js(t, v, `fetch(document.getElementById("csv-wilayah").href).then(r => r.text())`)
		if !strings.Contains(csv, "Kota Bengkulu,17.71,12,") || !strings.Contains(csv, ","+strconv.Itoa(living)+",") {
			t.Errorf("the CSV lacks the page's figures (%d residents):\n%.600s", living, csv)
		}
		b64 := js(t, v, `fetch(document.getElementById("xlsx-wilayah").href).then(r => r.arrayBuffer()).then(b => { let s = ""; for (const x of new Uint8Array(b)) s += String.fromCharCode(x); return btoa(s); })`)
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("the XLSX does not open: %v", err)
		}
		rows, err := f.GetRows(f.GetSheetList()[0])
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, r := range rows {
			if len(r) > 2 && r[1] == "17.71" {
				found = r[2] == "12"
			}
		}
		if !found {
			t.Errorf("the XLSX has no Kota Bengkulu row with 12 activations: %v", rows)
		}

		// Down to a kab/kota, a kecamatan and a desa.
		do(t, v, chromedp.Click(chromedp.CSS(`[id='w-17.71'] a`)))
		waitText(t, v, "#dasbor-nama", "Kota Bengkulu")
		kec := js(t, v, `document.querySelector("#tabel-wilayah tbody tr").id.slice(2)`)
		do(t, v, chromedp.Navigate(c.url+"/konsol/dasbor/"+kec))
		waitText(t, v, "#judul-anak", "Per desa/kelurahan")
		browser.Axe(t, v, "dasbor kecamatan")
		shots(t, v, "dasbor-kecamatan")
		desa := js(t, v, `document.querySelector("#tabel-wilayah tbody tr").id.slice(2)`)
		do(t, v, chromedp.Navigate(c.url+"/konsol/dasbor/"+desa))
		waitText(t, v, ".crumbs", "Kota Bengkulu")
		if n := js(t, v, `String(document.querySelectorAll("#tabel-wilayah").length)`); n != "0" {
			t.Error("a desa has a table of areas below it")
		}

		// A kab/kota viewer: their own area only.
		k := login("kiki", office, store.PeranViewer)
		waitText(t, k, "#dasbor-nama", "Kota Bengkulu")
		do(t, k, chromedp.Navigate(c.url+"/konsol/dasbor/17.01"))
		waitText(t, k, "main", "tidak ditemukan")
		// An operator serves residents: no dashboard.
		o := login("oki", office, store.PeranOperator)
		waitText(t, o, "main", "tidak mencakup dasbor")

		// The public statistics: no login, counts under 10 suppressed.
		pub := browser.New(t)
		do(t, pub, chromedp.Navigate(c.url+"/statistik/"))
		waitText(t, pub, "[id='s-17.71']", "12")
		if cells := js(t, pub, `document.querySelector("[id='s-17.01'] td:nth-child(2)").textContent`); cells != "<10" {
			t.Errorf("Bengkulu Selatan's activations (none) are shown as %q, want <10", cells)
		}
		// The home page counts them too.
		do(t, pub, chromedp.Navigate(c.url+"/"))
		waitText(t, pub, "#ringkasan tfoot", "12")
		if got := js(t, pub, `document.querySelector("#ringkasan tfoot td:nth-child(6)").textContent`); got != "12" {
			t.Errorf("the home page's province IKD: %q, want 12", got)
		}
		do(t, pub, chromedp.Navigate(c.url+"/statistik/"))
		browser.Axe(t, pub, "statistik")
		shots(t, pub, "statistik")
	})
}
