package konsol_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/demo"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/ikdtest/browser"
	"github.com/ikd-project/ikd/internal/ikdtest/ikdserver"
	"github.com/ikd-project/ikd/internal/ikdtest/testwallet"
	"github.com/ikd-project/ikd/internal/penduduk"
	"github.com/ikd-project/ikd/internal/petugas"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/wilayah"
)

const (
	siti    = "1771015708900001" // Kota Bengkulu, with e-mail
	outside = "1701011708850001" // Kabupaten Bengkulu Selatan
	office  = "DISDUKCAPIL-17.71"
	pw      = "kopi-bengkulu-2026"
)

var ctx = context.Background()

// console is a running ikd server with the console, on a real store.
type console struct {
	srv     *ikdserver.Server
	url     string
	st      store.Store
	dataDir string
	audit   *audit.Log
	officer *petugas.Service
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// seed loads two residents: one of Kota Bengkulu, one outside it.
func seed(t testing.TB, st store.Store) {
	t.Helper()
	outDesa := wilayah.Default().Children("17.01.01")[0].Kode
	person := func(n, kk, nama, desa string, born time.Time, sex store.JenisKelamin) store.Penduduk {
		return store.Penduduk{NIK: n, NoKK: kk, Hubungan: store.KepalaKeluarga, Nama: nama, TempatLahir: "BENGKULU",
			TanggalLahir: born, JenisKelamin: sex, GolonganDarah: "O", Agama: "ISLAM", StatusKawin: store.Kawin,
			Pekerjaan: "GURU", Kewarganegaraan: "WNI", Alamat: "JL. MERDEKA NO. 1", RT: "001", RW: "002", DesaKode: desa,
			Email: "siti@example.id", StatusNIK: store.NIKAktif, TanggalPerekaman: day(2015, 3, 2)}
	}
	b := &store.Batch{
		Keluarga: []store.KartuKeluarga{
			{NoKK: "1771010101150001", KepalaNIK: siti, Alamat: "JL. MERDEKA NO. 1", RT: "001", RW: "002", DesaKode: "17.71.01.1001", TanggalTerbit: day(2015, 1, 1)},
			{NoKK: "1701010101150001", KepalaNIK: outside, Alamat: "JL. A", RT: "001", RW: "001", DesaKode: outDesa, TanggalTerbit: day(2015, 1, 1)}},
		Penduduk: []store.Penduduk{
			person(siti, "1771010101150001", "SITI AMINAH", "17.71.01.1001", day(1990, 8, 17), store.Perempuan),
			person(outside, "1701010101150001", "BUDI SANTOSO", outDesa, day(1985, 8, 17), store.LakiLaki)},
	}
	if err := st.InTx(ctx, func(tx store.Tx) error { _, err := tx.LoadBatch(ctx, b); return err }); err != nil {
		t.Fatal(err)
	}
	card := store.KTPel{NIK: siti, BlangkoSerial: "1771-2026-000123", Status: store.Dicetak, KantorKode: office, DicetakAt: day(2026, 11, 30)}
	if err := st.CreateKTPel(ctx, &card); err != nil {
		t.Fatal(err)
	}
	// A demo database: the console's start page lists residents to try.
	if err := st.SetMeta(ctx, demo.MetaComplete, "1 0.01"); err != nil {
		t.Fatal(err)
	}
	if err := st.SetPortrait(ctx, siti, store.Portrait{ContentType: "image/jpeg", Data: demo.Portrait(1, siti, store.Perempuan)}); err != nil {
		t.Fatal(err)
	}
}

// start runs the whole server, wired as ikd serve wires it.
func start(t testing.TB, st store.Store) *console {
	t.Helper()
	s := ikdserver.Start(t, st, seed)
	return &console{srv: s, url: s.URL, st: st, dataDir: s.DataDir, audit: s.Audit,
		officer: &petugas.Service{Store: st, Audit: s.Audit, Actor: "admin"}}
}

// js evaluates an expression returning a string.
func js(t *testing.T, bctx context.Context, expr string) string {
	t.Helper()
	s, err := chromedp.Run(bctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return s
}

// waitText waits until the element's text contains want, across
// navigations (an evaluation during one fails and is tried again).
func waitText(t *testing.T, bctx context.Context, sel, want string) {
	t.Helper()
	expr := `!!(document.querySelector(` + quote(sel) + `)||{}).textContent?.includes(` + quote(want) + `)`
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(bctx, chromedp.Evaluate[bool](expr)); err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	got, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`document.body.innerText`))
	t.Fatalf("no %q in %s after 20 s; page:\n%s", want, sel, got)
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }

// shots takes the page's screenshots at phone (360×800, as a phone
// renders it), desktop and tablet size.
func shots(t *testing.T, bctx context.Context, name string) {
	t.Helper()
	for _, size := range []struct {
		name string
		w, h int64
	}{{"phone", 360, 800}, {"desktop", 1280, 900}, {"tablet", 768, 1024}} {
		opts := []chromedp.EmulateViewportOption{}
		if size.name == "phone" {
			opts = append(opts, chromedp.EmulateScale(2), chromedp.EmulateMobile)
		}
		if err := chromedp.Do(bctx, chromedp.EmulateViewport(size.w, size.h, opts...)); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", browser.Screenshot(t, bctx, name+"-"+size.name))
	}
}

// TestConsoleInChromium is the officer's journey in a real browser: the
// first login sets a password and TOTP, the login needs both, the search
// finds a resident of the area, the resident's page is an audited read,
// the activation shows the offer QR and turns to "issued" by itself when a
// wallet redeems it; a form without the CSRF token, a resident of another
// kab/kota and a locked account are refused; axe finds nothing serious.
func TestConsoleInChromium(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		c := start(t, st)
		created, err := c.officer.Create(ctx, petugas.Baru{Username: "sari", Nama: "Sari Dewi", Kantor: office, Peran: store.PeranSupervisor})
		if err != nil {
			t.Fatal(err)
		}
		b := browser.New(t)

		// First login: the code from the admin, a password, the TOTP app.
		if err := chromedp.Do(b, chromedp.Navigate(c.url+"/konsol/akun/aktifkan?u=sari"), chromedp.WaitVisible(chromedp.ID("totp-qr"))); err != nil {
			t.Fatal(err)
		}
		browser.Axe(t, b, "akun/aktifkan")
		shots(t, b, "konsol-aktifkan")
		secret := js(t, b, `document.getElementById("totp-secret").textContent`)
		code, err := totp.GenerateCode(secret, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(b, chromedp.SendKeys(chromedp.ID("kode"), created.SetupCode), chromedp.SendKeys(chromedp.ID("password"), pw),
			chromedp.SendKeys(chromedp.ID("password2"), pw), chromedp.SendKeys(chromedp.ID("totp"), code),
			chromedp.Submit(chromedp.ID("form-aktifkan"))); err != nil {
			t.Fatal(err)
		}
		waitText(t, b, "main", "Akun Anda sudah aktif")

		// Login with password and code.
		login := func(user, pass, code string) {
			t.Helper()
			if err := chromedp.Do(b, chromedp.Navigate(c.url+"/konsol/"), chromedp.WaitVisible(chromedp.ID("form-masuk")),
				chromedp.SendKeys(chromedp.ID("username"), user), chromedp.SendKeys(chromedp.ID("password"), pass),
				chromedp.SendKeys(chromedp.ID("totp"), code), chromedp.Submit(chromedp.ID("form-masuk"))); err != nil {
				t.Fatal(err)
			}
		}
		browser.Axe(t, b, "masuk")
		login("sari", pw, "")
		waitText(t, b, "#galat", "salah")
		shots(t, b, "konsol-masuk-salah")
		// The code of the next 30 s step: the first-login's is spent.
		code, _ = totp.GenerateCode(secret, time.Now().Add(30*time.Second))
		login("sari", pw, code)
		waitText(t, b, "#petugas", "Sari Dewi")
		waitText(t, b, "#contoh", "Contoh penduduk demo")
		waitText(t, b, "#contoh", siti)

		// Search by name: residents of the area only; bad input explained.
		search := func(q string) {
			t.Helper()
			if err := chromedp.Do(b, chromedp.Navigate(c.url+"/konsol/"), chromedp.WaitVisible(chromedp.ID("q")),
				chromedp.SendKeys(chromedp.ID("q"), q), chromedp.Submit(chromedp.ID("form-cari"))); err != nil {
				t.Fatal(err)
			}
		}
		search("siti am")
		waitText(t, b, "#hasil-cari", "SITI AMINAH")
		// The result shows the NIK masked; being shown is in Siti's history.
		waitText(t, b, "#hasil-cari", "1771********0001")
		if n := countAudit(t, c, penduduk.ActionTampil, siti); n != 1 {
			t.Errorf("%d audited search results for Siti, want 1", n)
		}
		browser.Axe(t, b, "cari")
		shots(t, b, "konsol-cari")
		search("budi")
		waitText(t, b, "#hasil", "Tidak ada penduduk")
		search("177101570890000")
		waitText(t, b, "#galat", "16")
		search(siti[:4] + " " + siti[4:8] + " " + siti[8:12] + " " + siti[12:]) // as printed on a card
		waitText(t, b, "#nik", siti)
		if err := chromedp.Do(b, chromedp.Navigate(c.url+"/konsol/")); err != nil {
			t.Fatal(err)
		}
		browser.Axe(t, b, "beranda")
		shots(t, b, "konsol-beranda")

		// From the search box to "issued".
		t0 := time.Now()
		actions := 0
		if err := chromedp.Do(b, chromedp.SendKeys(chromedp.ID("q"), siti), chromedp.SetValue(chromedp.ID("tujuan"), "aktivasi"),
			chromedp.Submit(chromedp.ID("form-cari"))); err != nil {
			t.Fatal(err)
		}
		actions++ // type the NIK, choose the purpose, press Cari
		waitText(t, b, "#nama", "SITI AMINAH")
		waitText(t, b, "#status-ikd", "Belum aktif")
		browser.Axe(t, b, "penduduk")
		shots(t, b, "konsol-penduduk")
		// A wrong e-mail address is refused, with the reason, and changes nothing.
		bad := js(t, b, `fetch("/konsol/penduduk/`+siti+`/aktivasi", {method: "POST", body: new URLSearchParams({csrf: document.querySelector("input[name=csrf]").value, email: "bukan-email"})}).then(r => r.status + " " + r.status)`)
		if !strings.HasPrefix(bad, "400") {
			t.Errorf("a bad e-mail address: %s, want 400", bad)
		}
		if p, _ := st.GetPenduduk(ctx, siti); p.Email != "siti@example.id" {
			t.Errorf("a refused e-mail was stored: %q", p.Email)
		}
		// The resident gives a new address at the counter: corrected, audited.
		if err := chromedp.Do(b, chromedp.SetValue(chromedp.ID("email"), "siti.aminah@example.id"),
			chromedp.Click(chromedp.CSS("#form-aktivasi button"))); err != nil {
			t.Fatal(err)
		}
		actions++ // confirm the contact and press Aktivasi IKD
		waitText(t, b, "#offer-status", "Menunggu")
		// The resident's page, opened meanwhile, shows the waiting offer.
		if pending := js(t, b, `fetch("/konsol/penduduk/`+siti+`?tujuan=aktivasi").then(r => r.text())`); !strings.Contains(pending, `id="penawaran"`) {
			t.Error("the resident's page does not show the pending offer")
		}
		if p, _ := st.GetPenduduk(ctx, siti); p.Email != "siti.aminah@example.id" {
			t.Errorf("the corrected e-mail was not stored: %q", p.Email)
		}
		if n := countAudit(t, c, penduduk.ActionKontak, siti); n != 1 {
			t.Errorf("%d audited contact changes, want 1", n)
		}
		link, err := chromedp.Run(b, chromedp.AttributeValue(chromedp.ID("offer-link"), "href"))
		if err != nil || !strings.HasPrefix(link.Value, "openid-credential-offer://") {
			t.Fatalf("offer link %+v: %v", link, err)
		}
		mailed, err := testwallet.MailedCode(filepath.Join(c.dataDir, "outbox"))
		if err != nil {
			t.Fatal(err)
		}
		if html := js(t, b, `document.documentElement.outerHTML`); strings.Contains(html, mailed) {
			t.Error("the offer page shows the resident's activation code")
		}
		browser.Axe(t, b, "aktivasi")
		shots(t, b, "konsol-aktivasi")
		wallet, err := testwallet.New(http.DefaultClient)
		if err != nil {
			t.Fatal(err)
		}
		creds, err := wallet.Redeem(link.Value, mailed, "ktp_qr_dasar")
		if err != nil || creds["ktp_qr_dasar"] == "" {
			t.Fatalf("wallet: %v %v", creds, err)
		}
		waitText(t, b, "#offer-status", "IKD terbit")
		took := time.Since(t0)
		t.Logf("officer's activation: %d actions, %.1f s from the search box to \"issued\" (the wallet's part included)", actions, took.Seconds())
		if actions > 5 || took > 60*time.Second {
			t.Errorf("activation took %d actions and %v, want at most 5 and 60 s", actions, took)
		}
		shots(t, b, "konsol-aktivasi-terbit")

		// The resident's page now shows the digital ID; the reads were audited.
		if err := chromedp.Do(b, chromedp.Navigate(c.url+"/konsol/penduduk/"+siti+"?tujuan=layanan")); err != nil {
			t.Fatal(err)
		}
		waitText(t, b, "#status-ikd", "Aktif")
		waitText(t, b, "#riwayat", "IKD terbit")
		waitText(t, b, "#riwayat", "penawaran aktivasi IKD")
		waitText(t, b, "#riwayat", "konsol: pelayanan di loket")
		shots(t, b, "konsol-penduduk-riwayat")

		// Suspend with a reason, then revoke: the page says what was done.
		act := func(action, alasan string) {
			t.Helper()
			if err := chromedp.Do(b, chromedp.SetValue(chromedp.ID("alasan-"+action), alasan),
				chromedp.Click(chromedp.CSS("#form-"+action+" button"))); err != nil {
				t.Fatal(err)
			}
		}
		act("tangguhkan", "perangkat_hilang")
		waitText(t, b, "#selesai", "ditangguhkan")
		waitText(t, b, "#status-ikd", "Ditangguhkan")
		browser.Axe(t, b, "penduduk, ditangguhkan")
		act("cabut", "perangkat_hilang")
		waitText(t, b, "#selesai", "dicabut")
		waitText(t, b, "#status-ikd", "Belum aktif")

		// The printed card is handed over.
		if err := chromedp.Do(b, chromedp.Click(chromedp.CSS("#ktpel button"))); err != nil {
			t.Fatal(err)
		}
		waitText(t, b, "#selesai", "Penyerahan KTP-el dicatat")
		waitText(t, b, "#ktpel", "DISERAHKAN")
		// Opened seven times (once while the offer waited): from the grouped NIK and the search, after the activation, after each change.
		if n := countAudit(t, c, penduduk.ActionBaca, siti); n != 7 {
			t.Errorf("%d audited reads of the resident, want 7", n)
		}

		// A form post without the session's CSRF token changes nothing.
		status := js(t, b, `fetch("/konsol/penduduk/`+siti+`/aktivasi", {method: "POST", body: new URLSearchParams({})}).then(r => String(r.status))`)
		if status != "403" {
			t.Errorf("POST without CSRF token: %s, want 403", status)
		}
		// A resident of another kab/kota by URL: the same answer as an unknown NIK.
		if err := chromedp.Do(b, chromedp.Navigate(c.url+"/konsol/penduduk/"+outside)); err != nil {
			t.Fatal(err)
		}
		waitText(t, b, "#pesan-galat", "tidak ditemukan di wilayah kerja kantor Anda")
		if n := countAudit(t, c, penduduk.ActionBacaDitolak, outside); n != 1 {
			t.Errorf("%d audited refusals, want 1", n)
		}
		browser.Axe(t, b, "galat")

		// English, remembered across pages.
		if err := chromedp.Do(b, chromedp.Navigate(c.url+"/konsol/?lang=en"), chromedp.Navigate(c.url+"/konsol/")); err != nil {
			t.Fatal(err)
		}
		waitText(t, b, "h2", "Find a resident")

		// Logout ends the session.
		if err := chromedp.Do(b, chromedp.Click(chromedp.CSS("nav form button"))); err != nil {
			t.Fatal(err)
		}
		waitText(t, b, "h2", "Sign in")
		if err := chromedp.Do(b, chromedp.Navigate(c.url+"/konsol/")); err != nil {
			t.Fatal(err)
		}
		waitText(t, b, "h2", "Sign in")

		lockedAccount(t, c)
		res, err := c.audit.Verify(ctx, st, nil)
		if err != nil || len(res.Problems) > 0 {
			t.Fatalf("audit verify: %v %v", err, res.Problems)
		}
	})
}

// lockedAccount: five wrong passwords lock the account; the right one is
// then refused too.
func lockedAccount(t *testing.T, c *console) {
	t.Helper()
	created, err := c.officer.Create(ctx, petugas.Baru{Username: "budi", Nama: "Budi", Kantor: office, Peran: store.PeranOperator})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.officer.Setup(ctx, "budi", created.SetupCode, pw, pw, "", ""); err != nil {
		t.Fatal(err)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(pass string) (int, string) {
		res, err := client.PostForm(c.url+"/konsol/masuk", url.Values{"username": {"budi"}, "password": {pass}})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	for i := 1; i < petugas.MaxGagal; i++ {
		if code, _ := post("salah-salah-salah"); code != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d", i, code)
		}
	}
	// Locked, the answer is the same as for a wrong password: it does not
	// tell that the username exists, and it names a lock as a reason.
	if code, body := post("salah-salah-salah"); code != http.StatusUnauthorized || !strings.Contains(body, "akun terkunci sementara") {
		t.Errorf("wrong password %d: %d, want 401 with the generic message", petugas.MaxGagal, code)
	}
	if code, body := post(pw); code != http.StatusUnauthorized || strings.Contains(body, "sampai pukul") {
		t.Errorf("right password while locked: %d, want the generic 401", code)
	}
	if p, err := c.st.GetPetugas(ctx, "budi"); err != nil || !time.Now().Before(p.TerkunciSampai) {
		t.Errorf("the account is not locked: %v %v", p.TerkunciSampai, err)
	}
}

// countAudit counts audit events of an action about a NIK.
func countAudit(t *testing.T, c *console, action, nik string) int {
	t.Helper()
	return c.srv.CountAudit(t, action, nik)
}

// TestAdminInChromium: an admin of the provincial Dinas adds an officer
// (the code and token shown once), resets and deactivates them; a
// kab/kota admin does not see or act on officers of the province's own
// office.
func TestAdminInChromium(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		c := start(t, st)
		login := func(b context.Context, user, office string) {
			t.Helper()
			created, err := c.officer.Create(ctx, petugas.Baru{Username: user, Nama: "Admin " + user, Kantor: office, Peran: store.PeranAdmin})
			if err != nil {
				t.Fatal(err)
			}
			secret, _, _ := petugas.NewTOTPSecret(user)
			code, _ := totp.GenerateCode(secret, time.Now())
			if err := c.officer.Setup(ctx, user, created.SetupCode, pw, pw, secret, code); err != nil {
				t.Fatal(err)
			}
			code, _ = totp.GenerateCode(secret, time.Now().Add(30*time.Second)) // the setup's code is spent
			if err := chromedp.Do(b, chromedp.Navigate(c.url+"/konsol/"), chromedp.WaitVisible(chromedp.ID("form-masuk")),
				chromedp.SendKeys(chromedp.ID("username"), user), chromedp.SendKeys(chromedp.ID("password"), pw),
				chromedp.SendKeys(chromedp.ID("totp"), code), chromedp.Submit(chromedp.ID("form-masuk"))); err != nil {
				t.Fatal(err)
			}
			waitText(t, b, "#petugas", "Admin "+user)
		}
		b := browser.New(t)
		login(b, "adi", "DISDUKCAPIL-17")
		if err := chromedp.Do(b, chromedp.Click(chromedp.CSS(`nav a[href="/konsol/admin/petugas"]`))); err != nil {
			t.Fatal(err)
		}
		waitText(t, b, "#daftar-petugas", "adi")
		if err := chromedp.Do(b, chromedp.SendKeys(chromedp.ID("username"), "dedi"), chromedp.SendKeys(chromedp.ID("nama"), "Dedi Kurniawan"),
			chromedp.SetValue(chromedp.ID("kantor"), office), chromedp.Submit(chromedp.ID("form-tambah"))); err != nil {
			t.Fatal(err)
		}
		waitText(t, b, "#baru", "dedi")
		code := js(t, b, `document.getElementById("kode-baru").textContent`)
		if !strings.HasPrefix(js(t, b, `document.getElementById("token-baru").textContent`), petugas.TokenPrefix) {
			t.Error("no API token shown for the new officer")
		}
		browser.Axe(t, b, "admin/petugas")
		shots(t, b, "konsol-admin")
		// The code works once, for dedi's first login.
		if err := c.officer.Setup(ctx, "dedi", code, pw, pw, "", ""); err != nil {
			t.Fatalf("the code shown: %v", err)
		}
		if err := chromedp.Do(b, chromedp.Click(chromedp.CSS(`#petugas-dedi button[value="reset"]`))); err != nil {
			t.Fatal(err)
		}
		waitText(t, b, "#reset", "dedi")
		if p, _ := st.GetPetugas(ctx, "dedi"); p.PasswordHash != "" {
			t.Error("a reset kept the password")
		}
		if err := chromedp.Do(b, chromedp.Click(chromedp.CSS(`#petugas-dedi button[value="nonaktif"]`))); err != nil {
			t.Fatal(err)
		}
		waitText(t, b, "#selesai", "dedi")
		if p, _ := st.GetPetugas(ctx, "dedi"); p.State != store.PetugasNonaktif {
			t.Errorf("dedi is %s after deactivation", p.State)
		}

		// Institutions: register one (its key shown once), then revoke it.
		if err := chromedp.Do(b, chromedp.Click(chromedp.CSS(`nav a[href="/konsol/admin/lembaga"]`)), chromedp.WaitVisible(chromedp.ID("form-lembaga")),
			chromedp.SendKeys(chromedp.ID("nama"), "Bank Bengkulu"), chromedp.SendKeys(chromedp.ID("tujuan"), "pembukaan rekening"),
			chromedp.Click(chromedp.CSS(`input[name=fields][value=nama]`)), chromedp.Click(chromedp.CSS(`input[name=fields][value=age_over_17]`)),
			chromedp.Submit(chromedp.ID("form-lembaga"))); err != nil {
			t.Fatal(err)
		}
		waitText(t, b, "#baru", "Bank Bengkulu")
		key := js(t, b, `document.getElementById("kunci-baru").textContent`)
		list, err := st.ListLembaga(ctx)
		if err != nil || len(list) != 1 || list[0].Nama != "Bank Bengkulu" || strings.Join(list[0].AllowedFields, ",") != "nama,age_over_17" || key == "" {
			t.Fatalf("registered: %+v %v", list, err)
		}
		browser.Axe(t, b, "admin/lembaga")
		shots(t, b, "konsol-lembaga")
		if err := chromedp.Do(b, chromedp.Click(chromedp.CSS(`#lembaga-`+list[0].ID+` button`))); err != nil {
			t.Fatal(err)
		}
		waitText(t, b, "#selesai", list[0].ID)
		if l, _ := st.ListLembaga(ctx); l[0].State != store.LembagaDicabut {
			t.Errorf("institution is %s after revocation", l[0].State)
		}

		// The issuer keys and the audit chain, checked from the console.
		if err := chromedp.Do(b, chromedp.Click(chromedp.CSS(`nav a[href="/konsol/admin/sistem"]`)), chromedp.WaitVisible(chromedp.ID("kunci"))); err != nil {
			t.Fatal(err)
		}
		waitText(t, b, "#kunci", "aktif (menandatangani)")
		// Rotate the issuer key: without the confirmation nothing changes;
		// with it, the new key signs at once and the jwt-vc-issuer keys
		// name both.
		if st := js(t, b, `fetch("/konsol/admin/sistem/kunci", {method: "POST", body: new URLSearchParams({csrf: document.querySelector("input[name=csrf]").value})}).then(r => String(r.status))`); st != "422" {
			t.Errorf("rotation without confirmation: %s, want 422", st)
		}
		if n := js(t, b, `String(document.querySelectorAll("#kunci tbody tr").length)`); n != "1" {
			t.Fatalf("%s keys before the rotation, want 1", n)
		}
		if err := chromedp.Do(b, chromedp.Click(chromedp.ID("yakin")), chromedp.Click(chromedp.ID("rotasi"))); err != nil {
			t.Fatal(err)
		}
		waitText(t, b, "#pesan", "Kunci baru menandatangani")
		waitText(t, b, "#kunci", "pensiun (hanya memverifikasi)")
		if n := js(t, b, `fetch("/.well-known/jwt-vc-issuer").then(r => r.json()).then(m => String(m.jwks.keys.length))`); n != "2" {
			t.Errorf("the issuer publishes %s keys after a rotation, want 2", n)
		}
		if evs := auditOf(t, st, "kunci.rotasi"); len(evs) != 1 || evs[0].Actor != "adi" || evs[0].KantorKode != "DISDUKCAPIL-17" {
			t.Errorf("rotation audit events: %+v", evs)
		}
		if err := chromedp.Do(b, chromedp.Click(chromedp.CSS(`tr[data-state=retired] button`))); err != nil {
			t.Fatal(err)
		}
		waitText(t, b, "#pesan", "Kunci tidak lagi dipercaya")
		waitText(t, b, "#kunci", "ditarik")
		if err := chromedp.Do(b, chromedp.Click(chromedp.ID("periksa"))); err != nil {
			t.Fatal(err)
		}
		waitText(t, b, "#audit-hasil", "Rantai utuh")
		browser.Axe(t, b, "admin/sistem")
		shots(t, b, "konsol-sistem")

		// A kab/kota admin sees the kab/kota's officers only.
		b2 := browser.New(t)
		login(b2, "kaka", office)
		if err := chromedp.Do(b2, chromedp.Navigate(c.url+"/konsol/admin/petugas")); err != nil {
			t.Fatal(err)
		}
		waitText(t, b2, "#daftar-petugas", "kaka")
		if list := js(t, b2, `document.getElementById("daftar-petugas").textContent`); strings.Contains(list, "adi ") || strings.Contains(list, "DISDUKCAPIL-17\n") {
			t.Errorf("a kab/kota admin sees the province's officers:\n%s", list)
		}
		status := js(t, b2, `fetch("/konsol/admin/petugas/adi", {method: "POST", body: new URLSearchParams({csrf: document.querySelector("input[name=csrf]").value, tindakan: "reset"})}).then(r => String(r.status))`)
		if status != "422" {
			t.Errorf("a kab/kota admin resetting the province's admin: %s, want 422", status)
		}
		if p, _ := st.GetPetugas(ctx, "adi"); p.PasswordHash == "" {
			t.Error("the province's admin was reset by a kab/kota admin")
		}
		if err := chromedp.Do(b2, chromedp.Navigate(c.url+"/konsol/admin/lembaga")); err != nil {
			t.Fatal(err)
		}
		waitText(t, b2, "#pesan-galat", "admin Dinas provinsi")
		waitText(t, b2, "#petugas", "Admin kaka") // the error page keeps the console's header
		if err := chromedp.Do(b2, chromedp.Navigate(c.url+"/konsol/admin/sistem")); err != nil {
			t.Fatal(err)
		}
		waitText(t, b2, "#bagian-kunci", "admin Dinas provinsi")
		status = js(t, b2, `fetch("/konsol/admin/sistem/kunci", {method: "POST", body: new URLSearchParams({csrf: document.querySelector("input[name=csrf]").value, yakin: "ya"})}).then(r => String(r.status))`)
		if status != "403" || len(auditOf(t, st, "kunci.rotasi")) != 1 {
			t.Errorf("a kab/kota admin rotating the issuer key: %s, want 403 and no rotation", status)
		}
	})
}

// auditOf lists the audit events of an action.
func auditOf(t *testing.T, st store.Store, action string) []store.AuditEvent {
	t.Helper()
	evs, err := st.ListAudit(context.Background(), 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.AuditEvent
	for _, ev := range evs {
		if ev.Action == action {
			out = append(out, ev)
		}
	}
	return out
}

// testLog writes the server's errors to the test's log.

// submitForm waits for the form with id to be on the page and submits it
// in one step in the page, so that a re-render between finding the node
// and submitting it (a redirect landing) cannot lose it.
func submitForm(t *testing.T, b context.Context, id string) {
	t.Helper()
	waitText(t, b, "[id="+quote(id)+"]", "")
	js(t, b, `(document.getElementById(`+quote(id)+`).submit(), "")`)
}
