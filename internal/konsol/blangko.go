package konsol

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/ikd-project/ikd/internal/blangko"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/web"
)

// stockPage is the blangko stock page: the report, the recent movements
// and the form to record one.
type stockPage struct {
	web.Page
	Officer officer
	Laporan blangko.Laporan
	Mutasi  []store.BlangkoMutasi // the last 90 days' movements, uses aside
	Pakai   []store.BlangkoMutasi // the last uses
	Jenis   []store.JenisMutasi   // the kinds this officer may record
	Tujuan  []store.Kantor        // offices stock may go to
	Notice  string
	Err     string
}

// allKinds in the order the form offers them.
var allKinds = []store.JenisMutasi{store.Pemakaian, store.MutasiRusak, store.Distribusi, store.Pinjaman,
	store.Pengajuan, store.Persetujuan, store.Penerimaan, store.Koreksi}

// Name is an office's short name, for the tables.
func (stockPage) Name(kode string) string { return kantor.NameOf(kode) }

// mutasiTable is a table of movements on the page.
type mutasiTable struct {
	Page stockPage
	ID   string
	Rows []store.BlangkoMutasi
}

// Table makes a table of movements with an element id.
func (p stockPage) Table(id string, rows []store.BlangkoMutasi) mutasiTable {
	return mutasiTable{Page: p, ID: id, Rows: rows}
}

// Days writes a unit's days of cover, "–" with no use.
func (p stockPage) Days(u blangko.Unit) string {
	if u.Cover < 0 {
		return "–"
	}
	return web.Number(p.Lang, int64(u.Cover))
}

func (h *Handler) stockData(w http.ResponseWriter, r *http.Request, o officer) (stockPage, error) {
	p := stockPage{Page: h.page(w, r, "konsol.blangko.title", o), Officer: o}
	var err error
	if p.Laporan, err = h.Stock.Report(r.Context()); err != nil {
		return p, err
	}
	kode := o.KantorKode
	if o.Kantor.Jenis == store.DinasProvinsi {
		kode = "" // the province sees every unit's movements
	}
	since := time.Now().AddDate(0, 0, -90)
	if p.Mutasi, err = h.Stock.Store.ListMutasi(r.Context(), kode, false, since, 100); err != nil {
		return p, err
	}
	if p.Pakai, err = h.Stock.Store.ListMutasi(r.Context(), kode, true, since, 10); err != nil {
		return p, err
	}
	for _, j := range allKinds {
		if blangko.CanRecord(o.Petugas, j) {
			p.Jenis = append(p.Jenis, j)
		}
	}
	offices, err := h.Officers.ListKantor(r.Context())
	for _, k := range offices {
		if k.Kode != o.KantorKode && (k.Jenis == store.DinasKabKota || slices.Contains([]store.JenisKantor{store.KantorKec, store.MPP}, k.Jenis) && o.Kantor.Jenis == store.DinasKabKota) {
			p.Tujuan = append(p.Tujuan, k)
		}
	}
	return p, err
}

func (h *Handler) stock(w http.ResponseWriter, r *http.Request, o officer) {
	p, err := h.stockData(w, r, o)
	if err != nil {
		h.failAs(w, r, o, "blangko", err, "/konsol/")
		return
	}
	h.render(w, http.StatusOK, "konsol-blangko", p)
}

// stockRecord records a movement from the form.
func (h *Handler) stockRecord(w http.ResponseWriter, r *http.Request, o officer) {
	m, err := stockForm(r, o)
	if err == nil {
		_, err = h.Stock.Record(r.Context(), o.Petugas, m)
	}
	p, lerr := h.stockData(w, r, o)
	if lerr != nil {
		h.failAs(w, r, o, "blangko", lerr, "/konsol/")
		return
	}
	if err == nil {
		p.Notice = web.T(p.Lang, "konsol.blangko.dicatat") + " " + web.T(p.Lang, "mutasi."+string(m.Jenis)) + ", " + web.Number(p.Lang, int64(m.Jumlah))
	}
	h.answer(w, r, o, "konsol-blangko", p.Lang, &p, &p.Err, err, "/konsol/blangko")
}

// stockForm reads the movement the form describes; a correction adds to
// or takes from the officer's own office (arah).
func stockForm(r *http.Request, o officer) (blangko.Mutasi, error) {
	n, err := strconv.Atoi(r.PostFormValue("jumlah"))
	if err != nil {
		return blangko.Mutasi{}, errs.New(errs.Invalid, "jumlah harus berupa angka", "the quantity must be a number")
	}
	m := blangko.Mutasi{Jenis: store.JenisMutasi(r.PostFormValue("jenis")), Ke: r.PostFormValue("ke"), Jumlah: n,
		Serial: r.PostFormValue("serial"), Ref: r.PostFormValue("ref"), Alasan: r.PostFormValue("alasan")}
	if m.Jenis == store.Koreksi {
		m.Dari, m.Ke = o.KantorKode, ""
		if r.PostFormValue("arah") == "tambah" {
			m.Dari, m.Ke = "", o.KantorKode
		}
	}
	return m, nil
}
