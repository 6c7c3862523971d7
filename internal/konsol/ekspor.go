package konsol

import (
	"math"
	"net/http"
	"slices"
	"time"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/tabel"
	"github.com/ikd-project/ikd/internal/target"
	"github.com/ikd-project/ikd/internal/web"
)

var errFormat = errs.New(errs.Invalid, "format unduhan: csv atau xlsx", "download format: csv or xlsx")

// download writes a table as the file format asks for (csv or xlsx).
func (h *Handler) download(w http.ResponseWriter, r *http.Request, o officer, t tabel.Table, name string) {
	var ctype string
	switch r.URL.Query().Get("format") {
	case "csv":
		ctype = "text/csv; charset=utf-8"
	case "xlsx":
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	default:
		h.failAs(w, r, o, "export", errFormat, "/konsol/")
		return
	}
	format := r.URL.Query().Get("format")
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+"."+format+`"`)
	w.Header().Set("Cache-Control", "no-store")
	write := t.WriteCSV
	if format == "xlsx" {
		write = t.WriteXLSX
	}
	if err := write(w); err != nil {
		h.Logger.ErrorContext(r.Context(), "konsol: export", "err", err)
	}
}

// targetExport downloads one base's target table.
func (h *Handler) targetExport(w http.ResponseWriter, r *http.Request, o officer) {
	b := target.Basis(r.URL.Query().Get("basis"))
	if !slices.Contains(target.Bases, b) {
		h.failAs(w, r, o, "export", errs.New(errs.Invalid, "basis tidak dikenal", "unknown base"), "/konsol/target")
		return
	}
	rep, err := target.Of(r.Context(), h.Targets, time.Now().UTC())
	if err != nil {
		h.failAs(w, r, o, "export", err, "/konsol/target")
		return
	}
	lang := web.Lang(w, r)
	t := tabel.Table{Title: "Target " + string(b), Header: headers(lang, "konsol.target.wilayah", "konsol.target.basis", "konsol.target.sharecol",
		"konsol.target.set.sumber", "konsol.target.sasaran", "konsol.target.capai", "konsol.target.persen", "konsol.target.perminggu", "konsol.target.perlu")}
	for _, l := range rep.Lines[b] {
		t.Rows = append(t.Rows, []any{l.Nama, l.Nilai, math.Round(1000*l.Share) / 10, l.Sumber, l.Sasaran, l.Capai, l.Persen, l.PerMinggu, l.Perlu})
	}
	h.download(w, r, o, t, "target-"+string(b)+"-"+time.Now().Format("2006-01-02"))
}

// stockExport downloads the stock report's table.
func (h *Handler) stockExport(w http.ResponseWriter, r *http.Request, o officer) {
	l, err := h.Stock.Report(r.Context())
	if err != nil {
		h.failAs(w, r, o, "export", err, "/konsol/blangko")
		return
	}
	lang := web.Lang(w, r)
	t := tabel.Table{Title: "Stok blangko", Header: headers(lang, "konsol.blangko.unit", "konsol.blangko.saldo", "konsol.blangko.pakai",
		"konsol.blangko.cover", "konsol.blangko.hemat")}
	for _, u := range l.Units {
		var cover any = u.Cover
		if u.Cover < 0 {
			cover = "" // no use: no days of cover
		}
		t.Rows = append(t.Rows, []any{u.Nama, u.Saldo, u.Pakai30, cover, u.Hemat30})
	}
	h.download(w, r, o, t, "stok-blangko-"+time.Now().Format("2006-01-02"))
}

func headers(lang string, keys ...string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = web.T(lang, k)
	}
	return out
}
