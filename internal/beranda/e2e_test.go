package beranda_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ikd-project/ikd/internal/beranda"
	"github.com/ikd-project/ikd/internal/httpserver"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/ikdtest/browser"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/web"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// seed loads a few residents: two in Kota Bengkulu (one adult with a
// recorded e-KTP, one child) and one unrecorded adult in Seluma.
func seed(t *testing.T, st store.Store) {
	t.Helper()
	b := &store.Batch{}
	for i, p := range []struct {
		nik, kk, desa string
		birth         time.Time
		rekam         time.Time
	}{
		{"1771015708900001", "1771010101150001", "17.71.01.1001", day(1990, 8, 17), day(2012, 5, 2)},
		{"1771011203150001", "1771010101150001", "17.71.01.1001", day(2015, 3, 12), time.Time{}},
		{"1705010101800001", "1705010101150001", "17.05.01.2001", day(1980, 1, 1), time.Time{}},
	} {
		if i != 1 {
			b.Keluarga = append(b.Keluarga, store.KartuKeluarga{NoKK: p.kk, KepalaNIK: p.nik, Alamat: "JL. A", RT: "001", RW: "001", DesaKode: p.desa})
		}
		b.Penduduk = append(b.Penduduk, store.Penduduk{NIK: p.nik, NoKK: p.kk, Hubungan: store.KepalaKeluarga, Nama: "X", TempatLahir: "BENGKULU",
			TanggalLahir: p.birth, JenisKelamin: store.LakiLaki, GolonganDarah: "-", Agama: "ISLAM", StatusKawin: store.BelumKawin,
			Kewarganegaraan: "WNI", Alamat: "JL. A", RT: "001", RW: "001", DesaKode: p.desa, StatusNIK: store.NIKAktif, TanggalPerekaman: p.rekam})
	}
	if err := st.InTx(context.Background(), func(tx store.Tx) error { _, err := tx.LoadBatch(context.Background(), b); return err }); err != nil {
		t.Fatal(err)
	}
}

func TestHomePageInChromium(t *testing.T) {
	st := ikdtest.NewStore(t)
	seed(t, st)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httpserver.New(logger, st.Ready, func() any { return nil })
	pages, err := web.Parse()
	if err != nil {
		t.Fatal(err)
	}
	home := &beranda.Handler{Pages: pages, Stats: st, Now: func() time.Time { return day(2026, 11, 23) }, Logger: logger,
		Status: func() beranda.LoadStatus { return beranda.LoadStatus{Active: true, Done: 700000, Total: 2127957} }}
	home.Mount(srv.Handle)
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	ctx := browser.New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.ID("ringkasan"))); err != nil {
		t.Fatal(err)
	}
	table, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("ringkasan")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Kota Bengkulu", "Kabupaten Seluma", "Provinsi Bengkulu", "50,0%", "1.536.724 / 1.483.278"} {
		if !strings.Contains(table, want) {
			t.Errorf("summary table lacks %q:\n%s", want, table)
		}
	}
	progress, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("demo-progress")))
	if err != nil || !strings.Contains(progress, "700.000 / 2.127.957 (33%)") {
		t.Errorf("demo progress = %q, %v", progress, err)
	}
	// The stylesheet loads under the page's Content-Security-Policy.
	bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("header")).backgroundColor`))
	if err != nil || bg != "rgb(139, 26, 26)" {
		t.Errorf("header background = %q (%v): the stylesheet did not apply", bg, err)
	}
	t.Logf("screenshot: %s", browser.Screenshot(t, ctx, "home-id"))

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`header a[lang="en"]`)), chromedp.WaitVisible(chromedp.ID("ringkasan"))); err != nil {
		t.Fatal(err)
	}
	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h2")))
	if err != nil || heading != "Residents per regency/city" {
		t.Errorf("after switching to English, heading = %q, %v", heading, err)
	}
	table, err = chromedp.Run(ctx, chromedp.Text(chromedp.ID("ringkasan")))
	if err != nil || !strings.Contains(table, "1,536,724 / 1,483,278") || !strings.Contains(table, "50.0%") {
		t.Errorf("English table does not use English number formats:\n%s", table)
	}
	t.Logf("screenshot: %s", browser.Screenshot(t, ctx, "home-en"))
}
