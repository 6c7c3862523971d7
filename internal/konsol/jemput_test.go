package konsol_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/ikdtest/browser"
	"github.com/ikd-project/ikd/internal/ikdtest/testwallet"
	"github.com/ikd-project/ikd/internal/jemput"
	"github.com/ikd-project/ikd/internal/store"
)

// TestDrivesInChromium is a drive from plan to yield: an operator plans a
// journalists' drive with two officers, imports a roster whose bad rows
// are reported by line and reason (the good one is added), checks the
// resident in from the roster, activates her from it through the
// resident's page and a wallet, and the drive's page and the list show
// roster 1, checked in 1, activated 1, the yields and the activations per
// officer-hour. No page shows a full NIK; axe finds nothing serious.
func TestDrivesInChromium(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		c := start(t, st)
		newOfficer(t, c, "sari", "Petugas sari", office, store.PeranOperator)
		b := browser.New(t)
		browserSignIn(t, c, b, "rina", office, store.PeranOperator)
		// A JavaScript click: the page is the DOM's, whatever chromedp saw
		// of it before (a click by node id can miss a page just replaced).
		click := func(sel string) {
			t.Helper()
			waitText(t, b, sel, "")
			js(t, b, `(document.querySelector(`+quote(sel)+`).click(), "")`)
		}
		follow(t, b, c.url, "/konsol/jemput")
		waitText(t, b, "h2", "Jemput bola")
		waitText(t, b, "#jemput-kosong", "Belum ada")

		// Plan: today, all day, so the activation below falls in it.
		today := time.Now().In(jemput.WIB).Format("2006-01-02")
		js(t, b, `(() => { const f = document.getElementById("form-jemput");
			f.nama.value = "Aktivasi IKD Wartawan PWI"; f.sasaran.value = "WARTAWAN"; f.tempat.value = "Kantor PWI Bengkulu";
			f.mulai.value = `+quote(today)+`; f.selesai.value = `+quote(today)+`; f.jam_mulai.value = "00:00"; f.jam_selesai.value = "23:00";
			f.querySelector("input[value=sari]").checked = true; return ""; })()`)
		browser.Axe(t, b, "jemput")
		submitForm(t, b, "form-jemput")
		waitText(t, b, "#jemput-nama", "Aktivasi IKD Wartawan PWI")
		waitText(t, b, "#jemput-petugas", "rina, sari")
		waitText(t, b, "#peserta-kosong", "kosong")

		// A roster with a name to cross-check, a resident of another
		// kab/kota, a NIK too short and a duplicate.
		file := filepath.Join(t.TempDir(), "peserta.csv")
		roster := "NIK;Nama\n" + siti + ";Siti Aminah\n" + outside + ";Budi Santoso\n12345;Salah\n" + siti + ";Siti Aminah\n"
		if err := os.WriteFile(file, []byte(roster), 0o600); err != nil {
			t.Fatal(err)
		}
		do(t, b, chromedp.SetUploadFiles(chromedp.ID("berkas"), []string{file}), chromedp.Submit(chromedp.ID("form-impor")))
		waitText(t, b, "#impor-ringkas", "1 ditambahkan · 3 ditolak · 4 baris")
		waitText(t, b, "#impor-ditolak", "baris 3: penduduk di luar wilayah kantor penyelenggara")
		waitText(t, b, "#impor-ditolak", "baris 4: NIK tidak sah")
		waitText(t, b, "#impor-ditolak", "baris 5: NIK sama dengan baris 2")
		waitText(t, b, "#peserta", "SITI AMINAH")
		waitText(t, b, "#peserta", siti[:4]+"********"+siti[12:])
		waitText(t, b, "#n-peserta", "1")
		browser.Axe(t, b, "jemput, impor")
		shots(t, b, "konsol-jemput-impor")
		// A file that is no roster at all changes nothing.
		if err := os.WriteFile(file, []byte("nama,alamat\nSiti,Jl. Merdeka\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		do(t, b, chromedp.SetUploadFiles(chromedp.ID("berkas"), []string{file}), chromedp.Submit(chromedp.ID("form-impor")))
		waitText(t, b, "#galat", "tidak ada kolom NIK")
		waitText(t, b, "#n-peserta", "1")

		// Check in from the roster's row.
		click(`#peserta button`)
		waitText(t, b, "#selesai", "Tercatat hadir: SITI AMINAH")
		waitText(t, b, "#n-hadir", "1")
		// Typing her NIK again is refused: she is checked in.
		do(t, b, chromedp.SendKeys(chromedp.ID("hadir-nik"), siti), chromedp.Submit(chromedp.ID("form-hadir")))
		waitText(t, b, "#galat", "sudah tercatat hadir")

		// Activate from the roster: the resident's page, as at the counter.
		click(`#peserta a[href*="/aktivasi"]`)
		waitText(t, b, "#nama", "SITI AMINAH")
		click("#form-aktivasi button")
		waitText(t, b, "#offer-status", "Menunggu")
		link, err := chromedp.Run(b, chromedp.AttributeValue(chromedp.ID("offer-link"), "href"))
		if err != nil {
			t.Fatal(err)
		}
		mailed, err := testwallet.MailedCode(filepath.Join(c.dataDir, "outbox"))
		if err != nil {
			t.Fatal(err)
		}
		wallet, err := testwallet.New(http.DefaultClient)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := wallet.Redeem(link.Value, mailed, "ktp_qr_dasar"); err != nil {
			t.Fatal(err)
		}
		waitText(t, b, "#offer-status", "IKD terbit")

		// The drive's figures: 2 officers × 1 day × 23 hours = 46 officer-hours.
		follow(t, b, c.url, "/konsol/jemput")
		waitText(t, b, "#daftar-jemput", "Aktivasi IKD Wartawan PWI")
		row := js(t, b, `document.querySelector("#daftar-jemput tbody tr").innerText`)
		if !strings.Contains(row, "100,0%") || !strings.Contains(row, "0,02") {
			t.Errorf("the list's row: %q, want the yield 100,0%% and 0,02 an officer-hour", row)
		}
		shots(t, b, "konsol-jemput")
		click(`#daftar-jemput a`)
		waitText(t, b, "#n-aktif", "1")
		waitText(t, b, "#n-hasil", "100,0%")
		waitText(t, b, "#n-hasilhadir", "100,0%")
		waitText(t, b, "#n-jampetugas", "46,0")
		waitText(t, b, "#n-perjam", "0,02")
		waitText(t, b, "#jemput-rumus", "2 petugas × 1 hari × 23,0 jam")
		waitText(t, b, "#peserta tbody .status-valid", "Aktif") // the header says "Aktif IKD" whatever the row
		if html := js(t, b, `document.documentElement.outerHTML`); strings.Contains(html, siti) {
			t.Error("the drive's page shows a full NIK")
		}
		browser.Axe(t, b, "jemput, satu")
		shots(t, b, "konsol-jemput-satu")
		// On a phone neither page scrolls sideways: the tables stack.
		narrow := func(table string) {
			t.Helper()
			if wide := js(t, b, `(() => { const s = document.querySelector(`+quote(table)+`).closest(".scroll");
				return s.scrollWidth > s.clientWidth + 1 || document.documentElement.scrollWidth > innerWidth + 1 ? s.scrollWidth + "px" : ""; })()`); wide != "" {
				t.Errorf("%s is %s wide on a 360 px phone", table, wide)
			}
		}
		do(t, b, chromedp.EmulateViewport(360, 800))
		t.Logf("screenshot: %s", browser.Screenshot(t, b, "konsol-jemput-satu-phone"))
		narrow("#peserta")
		do(t, b, chromedp.Navigate(c.url+"/konsol/jemput"))
		waitText(t, b, "#daftar-jemput", "Wartawan")
		t.Logf("screenshot: %s", browser.Screenshot(t, b, "konsol-jemput-phone"))
		narrow("#daftar-jemput")
		if row := js(t, b, `document.querySelector("#daftar-jemput tbody tr").innerText`); !strings.Contains(row, "Aktivasi per jam petugas") {
			t.Errorf("the list's row on a phone does not name its figures: %q", row)
		}
		// In English too.
		do(t, b, chromedp.Navigate(c.url+"/konsol/jemput?lang=en"))
		waitText(t, b, "#jemput-definisi", "officer-hour")

		// Every roster read and change is in the audit log, and the
		// resident's own history shows them.
		for _, a := range []string{jemput.ActionBuat, jemput.ActionImpor, jemput.ActionPeserta, jemput.ActionHadir, jemput.ActionLihat, jemput.ActionTampil} {
			if len(auditOf(t, st, a)) == 0 {
				t.Errorf("no %s event in the audit log", a)
			}
		}
		for _, e := range auditOf(t, st, jemput.ActionImpor) {
			if strings.Contains(e.Detail, siti) || strings.Contains(e.Detail, outside) {
				t.Errorf("the import's event holds a NIK: %s", e.Detail)
			}
		}
	})
}
