package konsol

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/jemput"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/web"
)

// drivesPage lists the drives an officer may see, with their figures,
// and the form to plan one.
type drivesPage struct {
	web.Page
	Officer officer
	List    []jemput.Angka
	Sasaran []store.Sasaran
	Petugas []store.Petugas // the office's active officers, to assign
	Form    jemput.Rencana
	Now     time.Time
	Err     string
}

// drivePage is one drive: its figures, its roster, the import and the
// check-in.
type drivePage struct {
	web.Page
	Officer officer
	A       jemput.Angka
	Roster  []store.PesertaJemput
	Owner   bool // the officer may import and check in
	Hasil   *jemput.Hasil
	Notice  string
	Err     string
	Now     time.Time
}

// perJam writes a drive's activations per officer-hour.
func perJam(lang string, a jemput.Angka) string {
	if v := a.PerJam(); v >= 0 {
		return web.Decimal(lang, v, 2)
	}
	return "–"
}

// PerJam writes a drive's activations per officer-hour.
func (p drivesPage) PerJam(a jemput.Angka) string { return perJam(p.Lang, a) }

// Office is an office's short name.
func (drivesPage) Office(kode string) string { return kantor.NameOf(kode) }

// PerJam writes the drive's activations per officer-hour.
func (p drivePage) PerJam() string { return perJam(p.Lang, p.A) }

// Jam writes a number of hours.
func (p drivePage) Jam(v float64) string { return web.Decimal(p.Lang, v, 1) }

// JamHari is the hours of each day of the drive.
func (p drivePage) JamHari() string { return p.Jam(p.A.Jam / float64(p.A.Hari())) }

// Office is an office's short name.
func (drivePage) Office(kode string) string { return kantor.NameOf(kode) }

// HadirRange is the first and last check-in, "" with none.
func (p drivePage) HadirRange() string {
	var first, last time.Time
	for _, e := range p.Roster {
		if e.HadirAt.IsZero() {
			continue
		}
		if first.IsZero() || e.HadirAt.Before(first) {
			first = e.HadirAt
		}
		if e.HadirAt.After(last) {
			last = e.HadirAt
		}
	}
	if first.IsZero() {
		return ""
	}
	return web.Clock(first) + " – " + web.Clock(last)
}

// Rejected is the import's rejected rows as the page writes them.
func (p drivePage) Rejected() []string {
	if p.Hasil == nil {
		return nil
	}
	out := make([]string, len(p.Hasil.Ditolak))
	for i, e := range p.Hasil.Ditolak {
		out[i] = e.Message(p.Lang)
	}
	return out
}

// drivePurpose is the purpose recorded for opening a drive's roster.
const drivePurpose = web.ConsolePurpose + "jemput_bola"

func (h *Handler) drivesData(w http.ResponseWriter, r *http.Request, o officer) (drivesPage, error) {
	p := drivesPage{Page: h.page(w, r, "konsol.jemput.title", o), Officer: o, Sasaran: jemput.Sasaran, Now: time.Now(),
		Form: jemput.Rencana{JamMulai: "08:00", JamSelesai: "15:00", Petugas: []string{o.Username}}}
	var err error
	if p.List, err = h.Drives.List(r.Context(), o.Petugas); err != nil {
		return p, err
	}
	if !o.Serves() {
		return p, nil
	}
	all, err := h.Officers.ListPetugas(r.Context())
	for _, x := range all {
		if x.KantorKode == o.KantorKode && x.State == store.PetugasAktif {
			p.Petugas = append(p.Petugas, x)
		}
	}
	return p, err
}

// Assigned reports whether the form assigns officer u.
func (p drivesPage) Assigned(u string) bool { return slices.Contains(p.Form.Petugas, u) }

func (h *Handler) drives(w http.ResponseWriter, r *http.Request, o officer) {
	p, err := h.drivesData(w, r, o)
	if err != nil {
		h.failAs(w, r, o, "jemput", err, "/konsol/")
		return
	}
	h.render(w, http.StatusOK, "konsol-jemput", p)
}

// planDrive plans a drive from the form.
func (h *Handler) planDrive(w http.ResponseWriter, r *http.Request, o officer) {
	plan := jemput.Rencana{Nama: r.PostFormValue("nama"), Tempat: r.PostFormValue("tempat"), Sasaran: store.Sasaran(r.PostFormValue("sasaran")),
		Mulai: r.PostFormValue("mulai"), Selesai: r.PostFormValue("selesai"), JamMulai: r.PostFormValue("jam_mulai"),
		JamSelesai: r.PostFormValue("jam_selesai"), Petugas: r.PostForm["petugas"]}
	j, err := h.Drives.Create(r.Context(), o.Petugas, plan)
	if err == nil {
		http.Redirect(w, r, "/konsol/jemput/"+strconv.FormatInt(j.ID, 10), http.StatusSeeOther)
		return
	}
	p, perr := h.drivesData(w, r, o)
	if perr != nil {
		h.failAs(w, r, o, "jemput", perr, "/konsol/")
		return
	}
	p.Form = plan
	h.answer(w, r, o, "konsol-jemput", p.Lang, &p, &p.Err, err, "/konsol/jemput")
}

// driveID is the drive of the path; 0 when it is not a number.
func driveID(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id
}

func (h *Handler) driveData(w http.ResponseWriter, r *http.Request, o officer) (drivePage, error) {
	p := drivePage{Page: h.page(w, r, "konsol.jemput.satu", o), Officer: o, Now: time.Now()}
	var err error
	if p.A, p.Roster, err = h.Drives.Roster(r.Context(), o.Petugas, driveID(r), drivePurpose); err != nil {
		return p, err
	}
	p.Owner = o.Serves() && p.A.KantorKode == o.KantorKode
	return p, nil
}

func (h *Handler) drive(w http.ResponseWriter, r *http.Request, o officer) {
	p, err := h.driveData(w, r, o)
	if err != nil {
		h.failAs(w, r, o, "jemput", err, "/konsol/jemput")
		return
	}
	if e, err := strconv.ParseInt(r.URL.Query().Get("hadir"), 10, 64); err == nil {
		for _, x := range p.Roster {
			if x.ID == e {
				p.Notice = web.T(p.Lang, "konsol.jemput.tercatathadir") + " " + x.Nama
			}
		}
	}
	h.render(w, http.StatusOK, "konsol-jemput-satu", p)
}

// errFile is a roster upload without a file.
var errFile = errs.New(errs.Invalid, "pilih berkas CSV atau XLSX daftar peserta", "choose the roster's CSV or XLSX file")

// importRoster adds the uploaded file's good rows to the roster and shows
// the rows it did not add.
func (h *Handler) importRoster(w http.ResponseWriter, r *http.Request, o officer) {
	var hasil jemput.Hasil
	data, err := uploaded(r)
	if err == nil {
		hasil, err = h.Drives.Import(r.Context(), o.Petugas, driveID(r), data)
	}
	p, perr := h.driveData(w, r, o)
	if perr != nil {
		h.failAs(w, r, o, "jemput", perr, "/konsol/jemput")
		return
	}
	if err == nil {
		p.Hasil = &hasil
	}
	h.answer(w, r, o, "konsol-jemput-satu", p.Lang, &p, &p.Err, err, "/konsol/jemput")
}

// uploaded reads the form's roster file.
func uploaded(r *http.Request) ([]byte, error) {
	f, _, err := r.FormFile("berkas")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, jemput.ErrTooBig
		}
		return nil, errFile
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, jemput.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > jemput.MaxBytes {
		return nil, jemput.ErrTooBig
	}
	return data, nil
}

// limitBody caps a request's body at n bytes; a larger declared body is
// refused at once.
func limitBody(n int64, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > n {
			http.Error(w, jemput.ErrTooBig.ID+" / "+jemput.ErrTooBig.EN, http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, n)
		next(w, r)
	}
}

// checkIn checks a resident in: by the roster entry of the row's button
// (peserta) or by the NIK typed or scanned (nik).
func (h *Handler) checkIn(w http.ResponseWriter, r *http.Request, o officer) {
	id := driveID(r)
	var e store.PesertaJemput
	var err error
	if entry, perr := strconv.ParseInt(r.PostFormValue("peserta"), 10, 64); perr == nil {
		e, err = h.Drives.CheckInEntry(r.Context(), o.Petugas, id, entry)
	} else {
		e, err = h.Drives.CheckIn(r.Context(), o.Petugas, id, r.PostFormValue("nik"))
	}
	if err == nil {
		http.Redirect(w, r, "/konsol/jemput/"+strconv.FormatInt(id, 10)+"?hadir="+strconv.FormatInt(e.ID, 10)+"#peserta-"+strconv.FormatInt(e.ID, 10), http.StatusSeeOther)
		return
	}
	p, perr := h.driveData(w, r, o)
	if perr != nil {
		h.failAs(w, r, o, "jemput", perr, "/konsol/jemput")
		return
	}
	h.answer(w, r, o, "konsol-jemput-satu", p.Lang, &p, &p.Err, err, "/konsol/jemput")
}

// activateEntry opens the resident's page of a roster entry, where the
// officer activates the digital ID as at the counter.
func (h *Handler) activateEntry(w http.ResponseWriter, r *http.Request, o officer) {
	entry, _ := strconv.ParseInt(r.PathValue("peserta"), 10, 64)
	n, err := h.Drives.EntryNIK(r.Context(), o.Petugas, driveID(r), entry)
	if err != nil {
		h.failAs(w, r, o, "jemput", err, "/konsol/jemput")
		return
	}
	http.Redirect(w, r, "/konsol/penduduk/"+url.PathEscape(n)+"?tujuan=aktivasi", http.StatusSeeOther)
}
