package beranda

import (
	"net/http"

	"github.com/ikd-project/ikd/internal/dasbor"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/web"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// Small is the least count the public statistics show: a smaller one is
// written "<10", so that no resident can be singled out.
const Small = 10

// count is one published count: under Small it is shown as "<10".
type count int

// Shown reports whether the count is published.
func (c count) Shown() bool { return c >= Small }

// N is the count, for the number format.
func (c count) N() int64 { return int64(c) }

// statRow is one area's published line.
type statRow struct {
	Kode, Nama    string
	Penduduk, IKD count
	Wajib         count
	Persen        string // IKD per wajib KTP; "" when either is suppressed
	Link          bool   // the area has a published breakdown
}

// statPage is the public statistics of an area.
type statPage struct {
	web.Page
	Area   statRow
	Path   []wilayah.Wilayah
	Rows   []statRow
	Level  wilayah.Tingkat
	Report dasbor.Report
}

var errStatArea = errs.New(errs.NotFound, "wilayah tidak dikenal", "unknown area")

// statistics serves /statistik/ (the province) and /statistik/{kode} (a
// kab/kota or kecamatan): residents, wajib KTP and IKD activations per
// child area, every count under Small suppressed.
func (h *Handler) statistics(w http.ResponseWriter, r *http.Request) {
	kode := r.PathValue("kode")
	if kode == "" {
		kode = "17"
	}
	p := statPage{Page: web.NewPage(w, r, "statistik.title")}
	a, ok := wilayah.Default().Lookup(kode)
	if !ok || a.Tingkat == wilayah.Desa || wilayah.Level(kode) == 0 {
		h.Pages.Error(w, r, h.Logger, "statistik", errStatArea, p.Page, "/statistik/")
		return
	}
	rep, err := dasbor.Of(r.Context(), h.Stats, kode, h.Now())
	if err != nil {
		h.Pages.Error(w, r, h.Logger, "statistik", err, p.Page, "/")
		return
	}
	p.Report, p.Path, p.Level = rep, rep.Path, rep.Level
	p.Area = published(p.Lang, rep.Area, false)
	for _, c := range rep.Children {
		p.Rows = append(p.Rows, published(p.Lang, c, rep.Level < wilayah.Kecamatan))
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	if err := h.Pages.Render(w, http.StatusOK, "statistik", p); err != nil {
		h.Logger.Error("render statistik", "err", err)
	}
}

func published(lang string, a dasbor.Area, link bool) statRow {
	s := statRow{Kode: a.Kode, Nama: a.Nama, Penduduk: count(a.Penduduk), Wajib: count(a.WajibKTP), IKD: count(a.IKD), Link: link}
	if s.IKD.Shown() && s.Wajib.Shown() {
		s.Persen = web.Percent(lang, a.IKD, a.WajibKTP)
	}
	return s
}
