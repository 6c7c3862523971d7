package dompet_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	_ "image/gif"
	_ "image/png"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/ikd-project/ikd/internal/demo"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/ikdtest/browser"
	"github.com/ikd-project/ikd/internal/ikdtest/ikdserver"
	"github.com/ikd-project/ikd/internal/ikdtest/testwallet"
	"github.com/ikd-project/ikd/internal/lembaga"
	"github.com/ikd-project/ikd/internal/penduduk"
	"github.com/ikd-project/ikd/internal/petugas"
	"github.com/ikd-project/ikd/internal/store"
)

const (
	siti   = "1771015708900001"
	anak   = "1771015005150002" // Siti's daughter, on her KK
	office = "DISDUKCAPIL-17.71"
	pw     = "kopi-bengkulu-2026"
	pin    = "246810"
)

var ctx = context.Background()

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// seed loads Siti, her daughter on her KK, and Siti's portrait.
func seed(t testing.TB, st store.Store) {
	t.Helper()
	person := func(n, nama string, h store.Hubungan, born time.Time) store.Penduduk {
		return store.Penduduk{NIK: n, NoKK: "1771010101150001", Hubungan: h, Nama: nama, TempatLahir: "BENGKULU",
			TanggalLahir: born, JenisKelamin: store.Perempuan, GolonganDarah: "O", Agama: "ISLAM", StatusKawin: store.Kawin,
			Pekerjaan: "GURU", Kewarganegaraan: "WNI", Alamat: "JL. MERDEKA NO. 1", RT: "001", RW: "002", DesaKode: "17.71.01.1001",
			Email: "siti@example.id", StatusNIK: store.NIKAktif, TanggalPerekaman: day(2015, 3, 2)}
	}
	daughter := person(anak, "NUR AINI", store.Anak, day(2015, 5, 10))
	daughter.StatusKawin, daughter.Pekerjaan, daughter.Email = store.BelumKawin, "PELAJAR/MAHASISWA", ""
	b := &store.Batch{
		Keluarga: []store.KartuKeluarga{{NoKK: "1771010101150001", KepalaNIK: siti, Alamat: "JL. MERDEKA NO. 1", RT: "001", RW: "002",
			DesaKode: "17.71.01.1001", TanggalTerbit: day(2015, 1, 1)}},
		Penduduk: []store.Penduduk{person(siti, "SITI AMINAH", store.KepalaKeluarga, day(1990, 8, 17)), daughter},
	}
	if err := st.InTx(ctx, func(tx store.Tx) error { _, err := tx.LoadBatch(ctx, b); return err }); err != nil {
		t.Fatal(err)
	}
	if err := st.SetPortrait(ctx, siti, store.Portrait{ContentType: "image/jpeg", Data: demo.Portrait(1, siti, store.Perempuan)}); err != nil {
		t.Fatal(err)
	}
}

// eval evaluates an expression (awaiting a promise) into T.
func eval[T any](t *testing.T, b context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(b, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// waitFor waits until the expression is true, across navigations.
func waitFor(t *testing.T, b context.Context, expr, what string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(b, chromedp.Evaluate[bool](expr)); err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	page, _ := chromedp.Run(b, chromedp.Evaluate[string](`document.body.innerText`))
	t.Fatalf("%s: not after 30 s; page:\n%s", what, page)
}

// waitText waits until the visible element sel shows want.
func waitText(t *testing.T, b context.Context, sel, want string) {
	t.Helper()
	waitFor(t, b, `(() => { const e = document.querySelector(`+js(sel)+`); return !!e && !e.closest("[hidden]") && e.textContent.includes(`+js(want)+`); })()`,
		sel+" shows "+want)
}

func js(s string) string { b, _ := json.Marshal(s); return string(b) }

func do(t *testing.T, b context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b, actions...); err != nil {
		t.Fatal(err)
	}
}

// phone sets a 360×800 phone viewport.
func phone(t *testing.T, b context.Context) {
	t.Helper()
	do(t, b, chromedp.EmulateViewport(360, 800, chromedp.EmulateScale(2), chromedp.EmulateMobile))
}

func shot(t *testing.T, b context.Context, name string) {
	t.Helper()
	t.Logf("%s screenshot: %s", time.Now().Format("15:04:05.000"), browser.Screenshot(t, b, name))
}

// imageOf decodes an <img>'s data: URL.
func imageOf(t *testing.T, b context.Context, id string) image.Image {
	t.Helper()
	src := eval[string](t, b, `document.getElementById(`+js(id)+`).src`)
	_, data, ok := strings.Cut(src, ";base64,")
	if !ok {
		t.Fatalf("#%s is not a data: URL: %.40s", id, src)
	}
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("#%s: %v", id, err)
	}
	return img
}

// officerActivates signs an operator in to the console and starts the
// activation of Siti; it returns the officer's browser, on the offer page.
func officerActivates(t *testing.T, s *ikdserver.Server) context.Context {
	t.Helper()
	officers := &petugas.Service{Store: s.Store, Audit: s.Audit, Actor: "admin"}
	created, err := officers.Create(ctx, petugas.Baru{Username: "rina", Nama: "Rina Operator", Kantor: office, Peran: store.PeranOperator})
	if err != nil {
		t.Fatal(err)
	}
	if err := officers.Setup(ctx, "rina", created.SetupCode, pw, pw, "", ""); err != nil {
		t.Fatal(err)
	}
	b := browser.New(t)
	do(t, b, chromedp.Navigate(s.URL+"/konsol/"), chromedp.WaitVisible(chromedp.ID("form-masuk")),
		chromedp.SendKeys(chromedp.ID("username"), "rina"), chromedp.SendKeys(chromedp.ID("password"), pw),
		chromedp.Submit(chromedp.ID("form-masuk")))
	waitText(t, b, "#petugas", "Rina")
	do(t, b, chromedp.SendKeys(chromedp.ID("q"), siti), chromedp.SetValue(chromedp.ID("tujuan"), "aktivasi"),
		chromedp.Submit(chromedp.ID("form-cari")))
	waitText(t, b, "#nama", "SITI AMINAH")
	do(t, b, chromedp.Click(chromedp.CSS("#form-aktivasi button")))
	waitText(t, b, "#offer-status", "Menunggu")
	waitText(t, b, "#dompet-web", s.URL+"/dompet/")
	return b
}

// TestWalletAndVerifierInChromium is journeys 1 and 2 by people in three
// browsers: the officer activates Siti in the console; her wallet scans the
// offer QR from its camera, takes the e-mailed code, makes its device key
// and receives the digital ID, sets a PIN and shows the card, the family
// and a QR; the verifier scans that QR from its camera and says SAH with
// the face, offline too; a bank's verification and the officer's read are
// in her Riwayat; the officer revokes and the refreshed verifier says so;
// an old QR is stale; three wrong PINs lock the wallet. axe finds nothing
// serious on any screen.
func TestWalletAndVerifierInChromium(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		s := ikdserver.Start(t, st, seed)
		officer := officerActivates(t, s)

		// The wallet films the officer's screen.
		w := browser.NewWithCamera(t, browser.FakeCamera(t, imageOf(t, officer, "offer-qr")))
		phone(t, w)
		do(t, w, chromedp.Navigate(s.URL+"/dompet/"))
		waitText(t, w, "#layar-mulai h2", "Aktifkan KTP digital")
		browser.Axe(t, w, "dompet, mulai")
		shot(t, w, "dompet-mulai")
		do(t, w, chromedp.Click(chromedp.ID("pindai-tawaran")))
		waitText(t, w, "#layar-kode h2", "Kode dari e-mail")
		code, err := testwallet.MailedCode(filepath.Join(s.DataDir, "outbox"))
		if err != nil {
			t.Fatal(err)
		}
		browser.Axe(t, w, "dompet, kode")
		do(t, w, chromedp.SendKeys(chromedp.ID("kode"), code), chromedp.Click(chromedp.ID("aktifkan")))
		waitText(t, w, "#layar-pin-baru h2", "Buat PIN")
		browser.Axe(t, w, "dompet, pin baru")
		waitText(t, officer, "#offer-status", "IKD terbit")
		// The device key cannot be exported from the browser.
		if ext := eval[bool](t, w, `(async () => { const db = await new Promise(r => { const q = indexedDB.open("ikd-dompet"); q.onsuccess = () => r(q.result); });
			const k = await new Promise(r => { const q = db.transaction("kv").objectStore("kv").get("perangkat"); q.onsuccess = () => r(q.result); });
			return k.key.privateKey.extractable; })()`); ext {
			t.Error("the device's private key is extractable")
		}
		do(t, w, chromedp.SendKeys(chromedp.ID("pin1"), "12345"), chromedp.SendKeys(chromedp.ID("pin2"), "12345"),
			chromedp.Click(chromedp.CSS("#form-pin-baru button")))
		waitText(t, w, "#pesan", "6 angka")
		eval[bool](t, w, `(document.getElementById("pin1").value = document.getElementById("pin2").value = "") === ""`)
		do(t, w, chromedp.SendKeys(chromedp.ID("pin1"), pin), chromedp.SendKeys(chromedp.ID("pin2"), pin), chromedp.Click(chromedp.CSS("#form-pin-baru button")))
		waitText(t, w, "#ktp-nama", "SITI AMINAH")
		waitText(t, w, "#ktp-nik", siti)
		// What the browser keeps is sealed under the PIN: no name, NIK or credential in the clear.
		if clear := eval[string](t, w, idbDump); strings.Contains(clear, "SITI") || strings.Contains(clear, siti) || strings.Contains(clear, "eyJ") {
			t.Errorf("the wallet's storage holds personal data in the clear: %.300s", clear)
		}
		waitText(t, w, "#ktp-kabkota", "KOTA BENGKULU")
		waitText(t, w, "#hitung", "QR baru dalam")
		waitFor(t, w, `!document.getElementById("ktp-foto").hidden && document.getElementById("ktp-foto").naturalWidth > 0`, "the card's photo")
		browser.Axe(t, w, "dompet, kartu")
		shot(t, w, "dompet-kartu")

		// The family card, from the server with the device's signature.
		do(t, w, chromedp.Click(chromedp.CSS(`.tab[data-tab=keluarga]`)))
		waitText(t, w, "#kk-anggota", "NUR AINI")
		waitText(t, w, "#kk-nomor", "1771010101150001")
		browser.Axe(t, w, "dompet, keluarga")
		shot(t, w, "dompet-keluarga")

		// The QR with the photo, as the verifier films it.
		do(t, w, chromedp.Click(chromedp.CSS(`.tab[data-tab=kartu]`)), chromedp.Click(chromedp.CSS(`input[name=profil][value=foto]`)))
		waitFor(t, w, `document.getElementById("qr").dataset.text?.startsWith("IKD1:") && Date.now() - Number(document.getElementById("qr").dataset.signedAt) < 5000`, "a fresh QR")
		qrText := eval[string](t, w, `document.getElementById("qr").dataset.text`)
		v := browser.NewWithCamera(t, browser.FakeCamera(t, imageOf(t, w, "qr")))
		phone(t, v)
		before := s.Sent.Load()
		do(t, v, chromedp.Navigate(s.URL+"/verifikasi/"))
		waitText(t, v, "#percaya", "diperbarui")
		waitFor(t, v, `window.ikdWasmCached === true || (caches.open("ikd-verifikasi@1").then(c => c.match("/static/verify/ikd-verify.wasm")).then(r => { window.ikdWasmCached = !!r; }), false)`, "the verifier cached for offline use")
		weight := s.Sent.Load() - before
		t.Logf("verifier page, first visit: %d bytes transferred, service worker's offline copy included (limit 1,500,000)", weight)
		if weight > 1_500_000 {
			t.Errorf("the verifier page's first visit transferred %d bytes, more than 1.5 MB", weight)
		}
		browser.Axe(t, v, "verifikasi")
		shot(t, v, "verifikasi-mulai")
		do(t, v, chromedp.Click(chromedp.ID("kamera-mulai")))
		waitText(t, v, "#putusan-judul", "SAH")
		if got := eval[string](t, v, `document.getElementById("putusan-judul").textContent`); got != "SAH" {
			t.Fatalf("verdict %q, want SAH (%s)", got, eval[string](t, v, `document.getElementById("putusan-alasan").textContent`))
		}
		waitText(t, v, `[data-claim=nama]`, "SITI AMINAH")
		waitFor(t, v, `!document.getElementById("wajah").hidden && document.getElementById("wajah").naturalWidth > 0`, "the face")
		medianResult(t, v, qrText)
		browser.Axe(t, v, "verifikasi, sah")
		shot(t, v, "verifikasi-sah")
		challenge(t, w, v, qrText)

		// Airplane mode: the page reloads from its service worker and verifies.
		waitFor(t, v, `navigator.serviceWorker.controller !== null || (location.reload(), false)`, "the service worker controls the page")
		s.Offline.Store(true)
		do(t, v, chromedp.Reload())
		waitText(t, v, "#percaya", "diperbarui")
		do(t, v, chromedp.SetValue(chromedp.ID("teks"), qrText), chromedp.Click(chromedp.CSS("#form-teks button")))
		waitText(t, v, "#putusan-judul", "SAH")
		waitText(t, v, `[data-claim=nik]`, siti)
		shot(t, v, "verifikasi-luring")
		// The wallet too: it opens from its service worker and signs QR codes.
		do(t, w, chromedp.Reload())
		waitText(t, w, "#layar-pin h2", "Masukkan PIN")
		do(t, w, chromedp.SendKeys(chromedp.ID("pin"), pin), chromedp.Click(chromedp.CSS("#form-pin button")))
		waitText(t, w, "#ktp-nama", "SITI AMINAH")
		waitFor(t, w, `document.getElementById("qr").dataset.text?.startsWith("IKD1:")`, "a QR with no network")
		waitText(t, w, "#info", "Tanpa jaringan")
		shot(t, w, "dompet-luring")
		s.Offline.Store(false)

		// A bank verifies the same QR online; Riwayat shows it and the officer's read.
		institutions := &lembaga.Service{Store: st, Audit: s.Audit}
		_, key, err := institutions.Register(ctx, "Bank Bengkulu", "pembukaan rekening", []string{"nama", "nik"}, 60)
		if err != nil {
			t.Fatal(err)
		}
		bankVerifies(t, s, key, qrText)
		// She reported her card lost at the counter: the wallet follows the request.
		do(t, officer, chromedp.Navigate(s.URL+"/konsol/penduduk/"+siti+"?tujuan=layanan"), chromedp.WaitVisible(chromedp.ID("form-permohonan")))
		eval[string](t, officer, `(document.getElementById("jenis-permohonan").value = "HILANG", "")`)
		do(t, officer, chromedp.Submit(chromedp.ID("form-permohonan")))
		waitText(t, officer, "#keadaan", "diajukan")
		nomor := eval[string](t, officer, `document.getElementById("nomor").textContent`)
		do(t, w, chromedp.Click(chromedp.CSS(`.tab[data-tab=riwayat]`)))
		waitText(t, w, "#permohonan", nomor)
		waitText(t, w, "#permohonan", "KTP-el hilang")
		waitText(t, w, "#riwayat", "Bank Bengkulu")
		waitText(t, w, "#riwayat", "rina")
		waitText(t, w, "#riwayat", "pembukaan rekening")
		waitText(t, w, "#riwayat", "Disdukcapil Kota Bengkulu")
		browser.Axe(t, w, "dompet, riwayat")
		shot(t, w, "dompet-riwayat")
		if n := s.CountAudit(t, penduduk.ActionBacaSendiri, siti); n < 2 {
			t.Errorf("%d audited own reads, want at least 2", n)
		}

		// Data saya: everything, as a file the phone saves.
		downloads := t.TempDir()
		if _, err := chromedp.CallBrowser(w, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads}); err != nil {
			t.Fatal(err)
		}
		do(t, w, chromedp.Click(chromedp.CSS(`.tab[data-tab=data]`)), chromedp.Click(chromedp.ID("unduh")))
		waitText(t, w, "#unduh-tautan", "data-saya-ikd.json")
		mine := waitFile(t, filepath.Join(downloads, "data-saya-ikd.json"))
		for _, want := range []string{`"nik": "` + siti, `"NUR AINI"`, `"Bank Bengkulu"`, `"riwayat"`, `"ktp"`} {
			if !strings.Contains(mine, want) {
				t.Errorf("Data saya lacks %s", want)
			}
		}
		browser.Axe(t, w, "dompet, data saya")

		t.Logf("%s old QR", time.Now().Format("15:04:05.000"))
		// An old QR (signed two minutes ago) is stale.
		old := eval[string](t, w, `(async () => { const real = Date.now; Date.now = () => real() - 120000;
			document.querySelector(".tab[data-tab=kartu]").click(); document.querySelector("input[name=profil][value=usia]").click();
			await new Promise(r => setTimeout(r, 300));
			Date.now = real; return document.getElementById("qr").dataset.text; })()`)
		do(t, v, chromedp.Click(chromedp.ID("lagi")), chromedp.SetValue(chromedp.ID("teks"), old), chromedp.Click(chromedp.CSS("#form-teks button")))
		waitText(t, v, "#putusan-judul", "TIDAK SAH")
		waitText(t, v, "#putusan-alasan", "kedaluwarsa")

		// She moved (SIAK has her new address): her data-change request,
		// once processed, re-issues the digital ID; the wallet takes the new
		// credentials when it opens, the old QR is revoked and the new one
		// verifies with the new address.
		if _, err := st.UpdatePenduduk(ctx, siti, func(p *store.Penduduk) error { p.Alamat = "JL. PARIWISATA NO. 9"; return nil }); err != nil {
			t.Fatal(err)
		}
		do(t, officer, chromedp.Navigate(s.URL+"/konsol/penduduk/"+siti+"?tujuan=layanan"), chromedp.WaitVisible(chromedp.ID("form-permohonan")))
		eval[string](t, officer, `(document.getElementById("jenis-permohonan").value = "UBAH_DATA", "")`)
		do(t, officer, chromedp.Submit(chromedp.ID("form-permohonan")))
		waitText(t, officer, "#keadaan", "diajukan")
		do(t, officer, chromedp.Submit(chromedp.ID("form-DIPERIKSA")))
		waitText(t, officer, "#keadaan", "diperiksa")
		do(t, officer, chromedp.Submit(chromedp.ID("form-DIPROSES")))
		waitText(t, officer, "#terbit-ulang", "menerbitkan ulang")
		do(t, officer, chromedp.Submit(chromedp.ID("form-MENUNGGU_BLANGKO")))
		waitText(t, officer, "#keadaan", "menunggu blangko")
		waitText(t, officer, "#langkah", "diterbitkan ulang (4 kredensial lama diganti)")
		do(t, w, chromedp.Reload())
		waitText(t, w, "#layar-pin h2", "Masukkan PIN")
		do(t, w, chromedp.SendKeys(chromedp.ID("pin"), pin), chromedp.Click(chromedp.CSS("#form-pin button")))
		waitText(t, w, "#info", "diterbitkan ulang")
		waitText(t, w, "#ktp-alamat", "PARIWISATA")
		do(t, w, chromedp.Click(chromedp.CSS(`input[name=profil][value=dasar]`)), chromedp.Click(chromedp.CSS(`input[name=profil][value=foto]`)))
		waitFor(t, w, `document.getElementById("qr").dataset.text?.startsWith("IKD1:") && document.getElementById("qr").dataset.text !== `+js(qrText), "a QR of the new credential")
		shot(t, w, "dompet-terbit-ulang")
		newQR := eval[string](t, w, `document.getElementById("qr").dataset.text`)
		do(t, v, chromedp.Click(chromedp.ID("lagi")), chromedp.Click(chromedp.ID("perbarui")))
		time.Sleep(500 * time.Millisecond)
		verifyText(t, v, qrText)
		waitText(t, v, "#putusan-judul", "TIDAK SAH")
		waitText(t, v, "#putusan-alasan", "dicabut")
		do(t, v, chromedp.Click(chromedp.ID("lagi")))
		verifyText(t, v, newQR)
		waitText(t, v, "#putusan-judul", "SAH")
		waitText(t, v, `[data-claim=nama]`, "SITI AMINAH")
		if n := s.CountAudit(t, "kredensial.ganti", siti); n != 1 {
			t.Errorf("%d supersession events, want 1", n)
		}
		qrText = newQR

		t.Logf("%s revoke", time.Now().Format("15:04:05.000"))
		// The officer revokes; the verifier, refreshed, says revoked.
		do(t, officer, chromedp.Navigate(s.URL+"/konsol/penduduk/"+siti+"?tujuan=layanan"))
		waitText(t, officer, "#status-ikd", "Aktif")
		do(t, officer, chromedp.SetValue(chromedp.ID("alasan-cabut"), "perangkat_hilang"), chromedp.Click(chromedp.CSS("#form-cabut button")))
		waitText(t, officer, "#selesai", "dicabut")
		do(t, v, chromedp.Click(chromedp.ID("lagi")), chromedp.Click(chromedp.ID("perbarui")))
		time.Sleep(500 * time.Millisecond)
		do(t, v, chromedp.SetValue(chromedp.ID("teks"), qrText), chromedp.Click(chromedp.CSS("#form-teks button")))
		waitText(t, v, "#putusan-judul", "TIDAK SAH")
		waitText(t, v, "#putusan-alasan", "dicabut")
		browser.Axe(t, v, "verifikasi, dicabut")
		shot(t, v, "verifikasi-dicabut")

		// A week and more without an update: the trust data is stale, and
		// nothing is declared valid.
		eval[bool](t, v, `(() => { const real = Date.now; Date.now = () => real() + 8 * 86400e3; return true; })()`)
		verifyText(t, v, qrText)
		waitText(t, v, "#putusan-judul", "PERLU DIPERBARUI")
		if r := eval[string](t, v, `document.getElementById("putusan").dataset.reason`); r != "trust_list_stale" {
			t.Errorf("a week-old trust list: %s, want trust_list_stale", r)
		}
		waitText(t, v, "#percaya", "kedaluwarsa")

		// Three wrong PINs lock the wallet and erase its key.
		do(t, w, chromedp.Click(chromedp.CSS(`.tab[data-tab=data]`)), chromedp.Click(chromedp.ID("kunci")))
		waitText(t, w, "#layar-pin h2", "Masukkan PIN")
		browser.Axe(t, w, "dompet, pin")
		for i, want := range []string{"Sisa 2", "Sisa 1"} {
			do(t, w, chromedp.SendKeys(chromedp.ID("pin"), "000000"), chromedp.Click(chromedp.CSS("#form-pin button")))
			waitText(t, w, "#pesan", want)
			_ = i
		}
		do(t, w, chromedp.SendKeys(chromedp.ID("pin"), "000000"), chromedp.Click(chromedp.CSS("#form-pin button")))
		waitText(t, w, "#layar-terkunci h2", "Dompet terkunci")
		browser.Axe(t, w, "dompet, terkunci")
		shot(t, w, "dompet-terkunci")
		if left := eval[bool](t, w, `(async () => { const db = await new Promise(r => { const q = indexedDB.open("ikd-dompet"); q.onsuccess = () => r(q.result); });
			return await new Promise(r => { const q = db.transaction("kv").objectStore("kv").getAllKeys(); q.onsuccess = () => r(q.result.some(k => k !== "terkunci")); }); })()`); left {
			t.Error("the locked wallet still holds its credentials")
		}

		res, err := s.Audit.Verify(ctx, st, nil)
		if err != nil || len(res.Problems) > 0 {
			t.Fatalf("audit verify: %v %v", err, res.Problems)
		}
	})
}

// challenge: the verifier shows a nonce, the resident enters it in the
// wallet, and the new QR verifies; the QR from before, without it, does
// not. English, chosen once, stays.
func challenge(t *testing.T, w, v context.Context, plain string) {
	t.Helper()
	do(t, v, chromedp.Click(chromedp.ID("tantangan-buat")))
	nonce := eval[string](t, v, `document.getElementById("tantangan").textContent`)
	signed := eval[string](t, w, `document.getElementById("qr").dataset.signedAt`)
	do(t, w, chromedp.SendKeys(chromedp.ID("tantangan"), nonce), chromedp.Click(chromedp.CSS("#form-tantangan button[type=submit]")))
	waitFor(t, w, `document.getElementById("qr").dataset.signedAt !== `+js(signed), "a QR signed over the challenge")
	waitText(t, w, "#hitung", nonce)
	withNonce := eval[string](t, w, `document.getElementById("qr").dataset.text`)
	verifyText(t, v, withNonce)
	waitText(t, v, "#putusan", "SAH")
	if r := eval[string](t, v, `document.getElementById("putusan").dataset.reason`); r != "valid" {
		t.Errorf("the QR over the challenge: %s", r)
	}
	verifyText(t, v, plain)
	waitFor(t, v, `document.getElementById("putusan").dataset.reason === "bad_nonce"`, "a QR without the challenge refused")
	do(t, v, chromedp.Click(chromedp.CSS("[data-lang-switch]")), chromedp.Reload())
	waitText(t, v, "h1", "Verify a Digital ID")
	verifyText(t, v, plain)
	waitText(t, v, "#putusan-judul", "VALID")
	do(t, v, chromedp.Click(chromedp.CSS("[data-lang-switch]")))
	waitText(t, v, "h1", "Periksa KTP Digital")
	eval[bool](t, w, `(document.getElementById("tantangan").value = "") === ""`)
	do(t, w, chromedp.Click(chromedp.CSS("#form-tantangan button[type=submit]")))
	waitFor(t, w, `!document.getElementById("hitung").textContent.includes(`+js(nonce)+`)`, "the challenge dropped")
}

// verifyText pastes a QR text into the verifier page and presses Periksa.
func verifyText(t *testing.T, v context.Context, text string) {
	t.Helper()
	eval[bool](t, v, `(() => { const l = document.getElementById("lagi"); if (!document.getElementById("hasil").hidden) l.click();
		document.getElementById("hasil").dataset.ms = ""; document.getElementById("teks").value = `+js(text)+`; return true; })()`)
	do(t, v, chromedp.Click(chromedp.CSS("#form-teks button")))
	waitFor(t, v, `document.getElementById("hasil").dataset.ms !== ""`, "a result")
}

// idbDump is every value the wallet keeps in IndexedDB, as text (byte
// buffers decoded as Latin-1), for a look at what a copy of it shows.
const idbDump = `(async () => { const db = await new Promise(r => { const q = indexedDB.open("ikd-dompet"); q.onsuccess = () => r(q.result); });
	const all = await new Promise(r => { const q = db.transaction("kv").objectStore("kv").getAll(); q.onsuccess = () => r(q.result); });
	const text = (v) => v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? String.fromCharCode(...new Uint8Array(v.buffer || v)) :
		v && typeof v === "object" && !(v instanceof CryptoKey) ? Object.values(v).map(text).join(" ") : String(v);
	return all.map(text).join("\n"); })()`

// medianResult verifies qr five times on the verifier page and wants the
// median time from the decoded text to the answer on screen under 100 ms.
func medianResult(t *testing.T, v context.Context, qr string) {
	t.Helper()
	out := eval[[]float64](t, v, `(async () => { const out = []; const h = document.getElementById("hasil");
		for (let i = 0; i < 5; i++) { h.dataset.ms = ""; document.getElementById("teks").value = `+js(qr)+`;
			document.querySelector("#form-teks button").click();
			while (!h.dataset.ms) await new Promise(r => setTimeout(r, 5));
			out.push(Number(h.dataset.ms)); }
		return out; })()`)
	slices.Sort(out)
	t.Logf("verifier: a decoded QR becomes a result in %.1f ms (median of %v)", out[2], out)
	// Speed is the benchmark's and the log's to tell (docs/performance.md:
	// the goal is under 100 ms); a run under -race on a loaded CI machine
	// is slower. Over a second is a defect, not a slow machine.
	if out[2] >= 1000 {
		t.Errorf("a decoded QR took %.1f ms to a result (median): something is wrong", out[2])
	}
}

// waitFile waits for a downloaded file and returns its content.
func waitFile(t *testing.T, path string) string {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return string(b)
		}
	}
	t.Fatalf("no download %s", path)
	return ""
}

// bankVerifies posts a QR text to the institutions' API and wants valid.
func bankVerifies(t *testing.T, s *ikdserver.Server, key, qr string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"presentation": qr})
	req, _ := http.NewRequest("POST", s.URL+"/api/v1/verifications", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	json.NewDecoder(res.Body).Decode(&out)
	if res.StatusCode != http.StatusOK || out["result"] != "VALID" {
		t.Fatalf("bank verification: %d %v", res.StatusCode, out)
	}
}
