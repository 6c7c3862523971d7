package konsol

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/ikd-project/ikd/internal/dasbor"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/jemput"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/tabel"
	"github.com/ikd-project/ikd/internal/target"
	"github.com/ikd-project/ikd/internal/web"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// dashboardRoles read the dashboard: the Kepala Dinas and supervisors,
// viewers, and admins.
var dashboardRoles = []store.Peran{store.PeranAdmin, store.PeranSupervisor, store.PeranViewer}

var (
	errDashboardRole = errs.New(errs.Forbidden, "peran Anda tidak mencakup dasbor", "your role does not include the dashboard")
	errDashboardArea = errs.New(errs.NotFound, "wilayah tidak ditemukan di area Anda", "area not found in your area")
	errDashboardTbl  = errs.New(errs.Invalid, "tabel tidak dikenal: wilayah, minggu, kantor atau jemput", "unknown table: wilayah, minggu, kantor or jemput")
)

// dashboardPage is the dashboard of one area.
type dashboardPage struct {
	web.Page
	Officer officer
	R       dasbor.Report
	Offices []dasbor.Office
	// Quiet is how many offices of the area have nothing to show.
	Quiet  int
	Drives []jemput.Angka
	Bases  []target.Basis
	Chart  chart
}

// Pct writes a share with one decimal.
func (p dashboardPage) Pct(v float64) string { return web.Decimal(p.Lang, v, 1) }

// Week writes a weekly pace with no decimals.
func (p dashboardPage) Week(v float64) string { return web.Decimal(p.Lang, v, 0) }

// Linked reports whether area kode is within the officer's area, so that
// a link to it opens (the path above it is not linked).
func (p dashboardPage) Linked(kode string) bool { return kantor.Covers(p.Officer.Kantor, kode) }

// Yield is a drive's activations per roster entry, as a percentage.
func (p dashboardPage) Yield(a jemput.Angka) string {
	if a.Peserta == 0 {
		return "–"
	}
	return web.Decimal(p.Lang, 100*float64(a.Aktif)/float64(a.Peserta), 1)
}

// dashboardRedirect sends /dasbor/ to the console's dashboard, where the
// session cookie (Path=/konsol/) is sent.
func dashboardRedirect(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/konsol/dasbor/", http.StatusSeeOther)
}

// dashboardOf checks the officer may read the dashboard of the area the
// path names (the officer's own area for none) and makes its page.
func (h *Handler) dashboardOf(w http.ResponseWriter, r *http.Request, o officer) (dashboardPage, bool) {
	p := dashboardPage{Page: h.page(w, r, "dasbor.title", o), Officer: o, Bases: target.Bases}
	if !slices.Contains(dashboardRoles, o.Peran) {
		h.failAs(w, r, o, "dashboard", errDashboardRole, "/konsol/")
		return p, false
	}
	kode := r.PathValue("kode")
	if kode == "" {
		kode = o.Kantor.WilayahKode
	}
	if _, ok := wilayah.Default().Lookup(kode); !ok || !kantor.Covers(o.Kantor, kode) {
		h.failAs(w, r, o, "dashboard", errDashboardArea, "/konsol/dasbor/")
		return p, false
	}
	if err := h.dashboardData(r.Context(), &p, kode, time.Now().UTC()); err != nil {
		h.failAs(w, r, o, "dashboard", err, "/konsol/")
		return p, false
	}
	return p, true
}

// dashboardData reads the page's figures: the area's report, the offices
// (read once for both tables), the stock report, and lays out the chart.
func (h *Handler) dashboardData(ctx context.Context, p *dashboardPage, kode string, now time.Time) error {
	var err error
	if p.R, err = dasbor.Of(ctx, h.Dashboard, kode, now); err != nil {
		return err
	}
	stock, err := h.Stock.Report(ctx)
	if err != nil {
		return err
	}
	all, err := h.Dashboard.ListKantor(ctx)
	if err != nil {
		return err
	}
	if p.Offices, p.Quiet, err = dasbor.Offices(ctx, h.Dashboard, all, kode, now, stock); err != nil {
		return err
	}
	if p.Drives, err = dasbor.Drives(ctx, h.Dashboard, all, kode); err != nil {
		return err
	}
	p.Chart = trendChart(p.R)
	return nil
}

func (h *Handler) dashboard(w http.ResponseWriter, r *http.Request, o officer) {
	p, ok := h.dashboardOf(w, r, o)
	if !ok {
		return
	}
	h.render(w, http.StatusOK, "konsol-dasbor", p)
}

// dashboardExport downloads one of the dashboard's tables.
func (h *Handler) dashboardExport(w http.ResponseWriter, r *http.Request, o officer) {
	p, ok := h.dashboardOf(w, r, o)
	if !ok {
		return
	}
	t, ok := p.table(r.URL.Query().Get("tabel"))
	if !ok {
		h.failAs(w, r, o, "export", errDashboardTbl, "/konsol/dasbor/")
		return
	}
	h.download(w, r, o, t, "dasbor-"+r.URL.Query().Get("tabel")+"-"+p.R.Area.Kode+"-"+time.Now().Format("2006-01-02"))
}

// table is one of the page's tables as a file: the same figures, numbers
// as numbers.
func (p dashboardPage) table(name string) (tabel.Table, bool) {
	l := p.Lang
	switch name {
	case "wilayah":
		t := tabel.Table{Title: "Wilayah " + p.R.Area.Kode, Header: headers(l, "dasbor.wilayah", "dasbor.kode", "dasbor.ikd",
			"dasbor.persen.wajib_ktp", "dasbor.persen.terekam", "dasbor.persen.penduduk", "konsol.target.perminggu", "konsol.target.perlu",
			"dasbor.penduduk", "dasbor.wajib", "dasbor.terekam")}
		for _, a := range append(slices.Clone(p.R.Children), p.R.Area) {
			w := a.Progress(target.WajibKTP)
			t.Rows = append(t.Rows, []any{a.Nama, a.Kode, a.IKD, w.Persen, a.Progress(target.Terekam).Persen,
				a.Progress(target.Penduduk).Persen, w.PerMinggu, w.Perlu, a.Penduduk, a.WajibKTP, a.Terekam})
		}
		return t, true
	case "minggu":
		t := tabel.Table{Title: "Tren mingguan", Header: headers(l, "dasbor.minggu", "dasbor.ikd")}
		for _, s := range p.R.Trend {
			t.Rows = append(t.Rows, []any{s.Minggu.Format("2006-01-02"), s.Jumlah})
		}
		return t, true
	case "kantor":
		t := tabel.Table{Title: "Kantor", Header: headers(l, "dasbor.kantor", "dasbor.ikd", "dasbor.ikd4", "dasbor.terbuka",
			"dasbor.terlambat", "konsol.blangko.saldo", "konsol.blangko.cover")}
		for _, of := range p.Offices {
			var saldo, cover any = "", ""
			if of.HasStock {
				saldo = of.Stock.Saldo
				if of.Stock.Cover >= 0 {
					cover = of.Stock.Cover
				}
			}
			t.Rows = append(t.Rows, []any{of.Nama, of.IKD, of.IKDPace, of.Terbuka, of.Terlambat, saldo, cover})
		}
		return t, true
	case "jemput":
		t := tabel.Table{Title: "Jemput bola", Header: headers(l, "dasbor.jemput", "dasbor.mulai", "dasbor.peserta", "dasbor.hadir",
			"dasbor.aktif", "dasbor.yield", "dasbor.perjam")}
		for _, d := range p.Drives {
			var perJam any = ""
			if v := d.PerJam(); v >= 0 {
				perJam = v
			}
			var yield any = ""
			if d.Peserta > 0 {
				yield = 100 * float64(d.Aktif) / float64(d.Peserta)
			}
			t.Rows = append(t.Rows, []any{d.Nama, d.MulaiAt.In(store.WIB).Format("2006-01-02"), d.Peserta, d.Hadir, d.Aktif, yield, perJam})
		}
		return t, true
	}
	return tabel.Table{}, false
}

// chart is the weekly trend as an SVG bar chart, laid out here so that
// the template only places it.
type chart struct {
	Width, Height int
	Bars          []bar
	// Need is the y of the line of the weekly pace the target needs; 0
	// when it needs none or the line would be off the chart.
	Need float64
}

type bar struct {
	X, Y, W, H float64
	Title      string
	Tick       string // the week's date under every fourth bar
}

const (
	chartW, chartH = 420, 200
	chartTop       = 10
	chartBottom    = 26 // room for the dates
	chartLeft      = 8
)

// trendChart lays out the trend: one bar a week, scaled to the larger of
// the highest week and the pace needed, which is a line across.
func trendChart(r dasbor.Report) chart {
	c := chart{Width: chartW, Height: chartH}
	need := r.Needed(target.WajibKTP)
	top := float64(r.MaxTrend())
	if need > top && need < 3*top {
		top = need
	}
	plot := float64(chartH - chartTop - chartBottom)
	slot := float64(chartW-chartLeft) / float64(len(r.Trend))
	for i, s := range r.Trend {
		h := plot * float64(s.Jumlah) / top
		b := bar{X: chartLeft + float64(i)*slot + 2, W: slot - 4, H: h, Y: chartTop + plot - h,
			Title: fmt.Sprintf("%s: %d", s.Minggu.Format("2006-01-02"), s.Jumlah)}
		if i%4 == 0 {
			b.Tick = s.Minggu.Format("02/01")
		}
		c.Bars = append(c.Bars, b)
	}
	if need > 0 && need <= top {
		c.Need = chartTop + plot - plot*need/top
	}
	return c
}

// AxisY is the y of the dates under the bars.
func (c chart) AxisY() int { return chartH - 8 }

// Pct100 is a share as a percentage figure.
func (dashboardPage) Pct100(share float64) float64 { return 100 * share }

// Share writes a target share (0.3) as a percentage ("30%").
func (p dashboardPage) Share(share float64) string { return web.Share(p.Lang, share) }
