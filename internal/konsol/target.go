package konsol

import (
	"net/http"
	"strconv"
	"time"

	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/target"
	"github.com/ikd-project/ikd/internal/web"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// targetPage is the uptake targets, each base side by side, and for an
// admin or supervisor the form that sets an area's target.
type targetPage struct {
	web.Page
	Officer officer
	R       target.Report
	Bases   []target.Basis
	// CanSet says the officer may set targets, for Areas (the kab/kota and
	// kecamatan under the office's area) and Years.
	CanSet bool
	Areas  []wilayah.Wilayah
	Years  []int
	Set    []store.Target // the targets set for the year, in the officer's area
	Form   target.Setting // the form as sent, shown again with its error
	Err    string
	Notice string
}

// Pct writes a share with one decimal.
func (p targetPage) Pct(v float64) string { return web.Decimal(p.Lang, v, 1) }

// Pct100 is a share as a percentage figure.
func (targetPage) Pct100(share float64) float64 { return 100 * share }

// Share writes a share (0.3) as a percentage with at most one decimal
// ("30%", "27,5%").
func (p targetPage) Share(share float64) string { return web.Share(p.Lang, share) }

// Percent writes a percentage figure (35) as Share does.
func (p targetPage) Percent(v float64) string { return web.Share(p.Lang, v/100) }

// Week writes a weekly pace with no decimals.
func (p targetPage) Week(v float64) string { return web.Decimal(p.Lang, v, 0) }

// AreaName is an area's full name.
func (targetPage) AreaName(kode string) string {
	if w, ok := wilayah.Default().Lookup(kode); ok {
		return w.NamaLengkap()
	}
	return kode
}

func (h *Handler) targets(w http.ResponseWriter, r *http.Request, o officer) {
	p, err := h.targetData(w, r, o)
	if err != nil {
		h.failAs(w, r, o, "target", err, "/konsol/")
		return
	}
	h.render(w, http.StatusOK, "konsol-target", p)
}

// targetData reads the targets page.
func (h *Handler) targetData(w http.ResponseWriter, r *http.Request, o officer) (targetPage, error) {
	now := time.Now().UTC()
	p := targetPage{Page: h.page(w, r, "konsol.target.title", o), Officer: o, Bases: target.Bases,
		CanSet: o.Peran == store.PeranAdmin || o.Peran == store.PeranSupervisor, Years: []int{now.Year(), now.Year() + 1}}
	var err error
	if p.R, err = target.Of(r.Context(), h.Targets, now); err != nil {
		return p, err
	}
	for _, t := range p.R.Shares.Set {
		if wilayah.Within(t.WilayahKode, o.Kantor.WilayahKode) {
			p.Set = append(p.Set, t)
		}
	}
	if p.CanSet {
		p.Areas = settable(o.Kantor.WilayahKode)
	}
	return p, nil
}

// settable lists the kab/kota and kecamatan under area, in code order.
func settable(area string) []wilayah.Wilayah {
	d := wilayah.Default()
	var out []wilayah.Wilayah
	var walk func(kode string)
	walk = func(kode string) {
		for _, c := range d.Children(kode) {
			if c.Pensiun || (c.Tingkat != wilayah.KabKota && c.Tingkat != wilayah.Kecamatan) {
				continue
			}
			out = append(out, c)
			walk(c.Kode)
		}
	}
	walk(area)
	return out
}

// setTarget sets (or, with hapus=1, removes) an area's target.
func (h *Handler) setTarget(w http.ResponseWriter, r *http.Request, o officer) {
	in := target.Setting{Tahun: r.PostFormValue("tahun"), Kode: r.PostFormValue("wilayah"), Persen: r.PostFormValue("persen"), Sumber: r.PostFormValue("sumber")}
	var err error
	var set store.Target
	reset := r.PostFormValue("hapus") == "1"
	if reset {
		err = h.TargetSetter.Reset(r.Context(), o.Petugas, o.Kantor, in.Tahun, in.Kode)
	} else {
		set, err = h.TargetSetter.Set(r.Context(), o.Petugas, o.Kantor, in)
	}
	p, lerr := h.targetData(w, r, o)
	if lerr != nil {
		h.failAs(w, r, o, "target", lerr, "/konsol/")
		return
	}
	switch {
	case err != nil:
		p.Form = in
	case reset:
		p.Notice = web.T(p.Lang, "konsol.target.dihapus") + " " + p.AreaName(in.Kode) + " " + in.Tahun
	default:
		p.Notice = web.T(p.Lang, "konsol.target.ditetapkan") + " " + p.AreaName(set.WilayahKode) + " " + strconv.Itoa(set.Tahun) + ": " +
			p.Percent(set.Persen)
	}
	h.answer(w, r, o, "konsol-target", p.Lang, &p, &p.Err, err, "/konsol/target")
}
