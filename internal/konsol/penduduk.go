package konsol

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/issuance"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/nik"
	"github.com/ikd-project/ikd/internal/penduduk"
	"github.com/ikd-project/ikd/internal/permohonan"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/web"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// Purposes an officer may declare for opening a record, by key.
var purposes = []string{"layanan", "aktivasi", "perubahan_data", "pengaduan"}

// residentPage is the resident's page.
type residentPage struct {
	web.Page
	Officer  officer
	Rec      penduduk.Record
	Masked   string // the NIK as shown in headings: masked
	NIK      string
	Foto     template.URL // data: URI of the portrait, from the registry
	Wilayah  []string
	Usia     int
	Purpose  string
	Purposes []string
	Riwayat  []event
	Actions  []statusAction // what the officer may do to the digital ID now
	Done     string         // what the last action did, after a change
}

// Kinds are the kinds of request the page offers.
func (residentPage) Kinds() []store.JenisPermohonan { return permohonan.Kinds }

// OfficeName is the short name of office kode, for the page's tables.
func (residentPage) OfficeName(kode string) string { return kantor.NameOf(kode) }

// event is one line of the resident's history.
type event struct {
	store.AuditEvent
	Label  string // what happened, in the page's language
	Tujuan string // the declared purpose, in the page's language
	Times  int    // how many like events this line stands for
}

// events labels a resident's audit events: a text per known action, the
// action itself otherwise; like events share a line (penduduk.Group).
func events(lang string, evs []store.AuditEvent) []event {
	var out []event
	for _, g := range penduduk.Group(evs) {
		out = append(out, event{AuditEvent: g.AuditEvent, Label: web.ActionText(lang, g.Action),
			Tujuan: web.PurposeText(lang, g.Purpose), Times: g.Times})
	}
	return out
}

// purpose is the request's declared purpose, one of purposes.
func purpose(r *http.Request) string {
	if p := r.URL.Query().Get("tujuan"); slices.Contains(purposes, p) {
		return p
	}
	return "layanan"
}

func (h *Handler) resident(w http.ResponseWriter, r *http.Request, o officer) {
	n, why := r.PathValue("nik"), purpose(r)
	rec, err := h.Penduduk.Open(r.Context(), o.Petugas, n, web.ConsolePurpose+why)
	if err != nil {
		h.failAs(w, r, o, "resident", err, "/konsol/")
		return
	}
	p := residentPage{Page: h.page(w, r, "konsol.penduduk.title", o), Officer: o, Rec: rec, NIK: n, Masked: nik.Mask(n),
		Usia: penduduk.Age(rec.Penduduk.TanggalLahir, time.Now()), Purpose: why, Purposes: purposes}
	if len(rec.Portrait.Data) > 0 {
		if ct := http.DetectContentType(rec.Portrait.Data); strings.HasPrefix(ct, "image/") {
			p.Foto = template.URL("data:" + ct + ";base64," + base64.StdEncoding.EncodeToString(rec.Portrait.Data))
		}
	}
	p.Wilayah = regionNames(rec.Penduduk.DesaKode)
	p.Riwayat = events(p.Lang, rec.Riwayat)
	p.Actions = statusActions(p.Lang, rec.DigitalID.Status)
	switch done := r.URL.Query().Get("selesai"); {
	case slices.Contains(issuance.Actions, issuance.Action(done)):
		p.Done = issuance.Action(done).Done(p.Lang)
	case done == "serahkan":
		p.Done = web.T(p.Lang, "konsol.penduduk.diserahkan")
	case done == "cabut_cetak":
		p.Done = web.T(p.Lang, "cetak.dicabut")
	}
	h.render(w, http.StatusOK, "konsol-penduduk", p)
}

// regionNames names a desa and its kecamatan and kab/kota, nearest first.
func regionNames(desa string) []string {
	var out []string
	for kode := desa; kode != ""; kode = wilayah.Parent(kode) {
		if w, ok := wilayah.Default().Lookup(kode); ok && wilayah.Level(kode) >= wilayah.KabKota {
			out = append(out, w.Jenis+" "+w.Nama)
		}
	}
	return out
}
