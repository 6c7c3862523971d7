package jemput

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/store"
)

// Sasaran lists the target groups in the order the console offers them.
var Sasaran = []store.Sasaran{store.SasaranWartawan, store.SasaranOPDProvinsi, store.SasaranOPDKabKota, store.SasaranASN,
	store.SasaranSekolah, store.SasaranDesa, store.SasaranUmum}

// WIB is the zone of the dates and hours of drives (Bengkulu is UTC+7).
var WIB = time.FixedZone("WIB", 7*3600)

// MaxHari is the longest drive, in days.
const MaxHari = 31

// Audit actions.
const (
	ActionBuat    = "jemput.buat"    // a drive planned
	ActionImpor   = "jemput.impor"   // a roster file imported (counts only)
	ActionPeserta = "jemput.peserta" // a resident added to a roster
	ActionHadir   = "jemput.hadir"   // a resident checked in
	ActionLihat   = "jemput.lihat"   // a roster opened (counts only)
	ActionTampil  = "jemput.tampil"  // a resident shown in an opened roster
)

// Service runs drives.
type Service struct {
	Store store.Store
	Audit *audit.Log
	Now   func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Errors of the service.
var (
	ErrNotFound = errs.New(errs.NotFound, "kegiatan jemput bola tidak ditemukan di wilayah kantor Anda", "no such drive in your office's area")
	ErrNotOwner = errs.New(errs.Forbidden, "hanya petugas kantor penyelenggara yang dapat mengubah kegiatan ini", "only officers of the office running this drive can change it")
	ErrRole     = errs.New(errs.Forbidden, "peran Anda tidak mencakup pelayanan penduduk", "your role does not include serving residents")
	ErrNotOnIt  = errs.New(errs.NotFound, "penduduk ini tidak ada di daftar peserta kegiatan ini; impor dulu ke daftar", "this resident is not on the drive's roster; import them first")
	ErrHadir    = errs.New(errs.Conflict, "penduduk ini sudah tercatat hadir", "this resident has checked in already")
)

// serves reports whether p's role serves residents.
func serves(p store.Petugas) bool {
	return slices.Contains([]store.Peran{store.PeranAdmin, store.PeranSupervisor, store.PeranOperator}, p.Peran)
}

// Rencana is a drive as the organiser plans it.
type Rencana struct {
	Nama, Tempat   string
	Sasaran        store.Sasaran
	Mulai, Selesai string   // first and last day, yyyy-mm-dd
	JamMulai       string   // each day's start, hh:mm WIB
	JamSelesai     string   // each day's end, hh:mm WIB
	Petugas        []string // usernames of officers of the organiser's office
}

// Create plans a drive at officer p's office, with p's office's officers.
func (s *Service) Create(ctx context.Context, p store.Petugas, r Rencana) (store.Jemput, error) {
	if !serves(p) {
		return store.Jemput{}, ErrRole
	}
	j, err := r.drive()
	if err != nil {
		return store.Jemput{}, err
	}
	j.KantorKode, j.DibuatOleh = p.KantorKode, p.Username
	err = s.Store.InTx(ctx, func(tx store.Tx) error {
		for _, u := range j.Petugas {
			o, err := tx.GetPetugas(ctx, u)
			if err != nil && !store.IsNotFound(err) {
				return err
			}
			if err != nil || o.KantorKode != p.KantorKode || o.State != store.PetugasAktif {
				return errs.Newf(errs.Invalid, "petugas %q bukan petugas aktif kantor Anda", "%q is not an active officer of your office", u)
			}
		}
		if err := tx.CreateJemput(ctx, &j); err != nil {
			return err
		}
		_, err := s.Audit.Record(ctx, tx, audit.Entry{Actor: p.Username, Kantor: p.KantorKode, Action: ActionBuat,
			Purpose: "rencana jemput bola", Detail: map[string]any{"jemput": j.ID, "sasaran": j.Sasaran, "petugas": len(j.Petugas)}})
		return err
	})
	return j, err
}

// drive checks a plan and turns it into a drive.
func (r Rencana) drive() (store.Jemput, error) {
	j := store.Jemput{Nama: strings.TrimSpace(r.Nama), Tempat: strings.TrimSpace(r.Tempat), Sasaran: r.Sasaran}
	switch {
	case j.Nama == "" || len(j.Nama) > 200:
		return j, errs.New(errs.Invalid, "isi nama kegiatan (paling banyak 200 huruf)", "give the drive a name (at most 200 characters)")
	case j.Tempat == "" || len(j.Tempat) > 200:
		return j, errs.New(errs.Invalid, "isi tempat kegiatan (paling banyak 200 huruf)", "give the drive's place (at most 200 characters)")
	case !slices.Contains(Sasaran, j.Sasaran):
		return j, errs.New(errs.Invalid, "pilih sasaran kegiatan", "choose the drive's target group")
	}
	d0, err0 := time.ParseInLocation("2006-01-02", r.Mulai, WIB)
	d1, err1 := time.ParseInLocation("2006-01-02", r.Selesai, WIB)
	if err0 != nil || err1 != nil {
		return j, errs.New(errs.Invalid, "isi tanggal mulai dan selesai", "give the first and last day")
	}
	days := int(math.Round(d1.Sub(d0).Hours()/24)) + 1
	if days < 1 || days > MaxHari {
		return j, errs.Newf(errs.Invalid, "tanggal selesai harus pada atau sesudah tanggal mulai, paling lama %d hari", "the last day must be on or after the first, at most %d days later", MaxHari)
	}
	h0, err0 := clock(r.JamMulai)
	h1, err1 := clock(r.JamSelesai)
	if err0 != nil || err1 != nil || h1 <= h0 {
		return j, errs.New(errs.Invalid, "jam selesai harus sesudah jam mulai (jj:mm WIB)", "the daily end must be after the daily start (hh:mm WIB)")
	}
	j.MulaiAt, j.SelesaiAt = d0.Add(h0), d1.Add(h1)
	j.HitungSampai = d1.AddDate(0, 0, 1)
	j.Jam = float64(days) * (h1 - h0).Hours()
	for _, u := range r.Petugas {
		if u = strings.TrimSpace(u); u != "" && !slices.Contains(j.Petugas, u) {
			j.Petugas = append(j.Petugas, u)
		}
	}
	if len(j.Petugas) == 0 {
		return j, errs.New(errs.Invalid, "pilih paling sedikit satu petugas", "choose at least one officer")
	}
	return j, nil
}

// clock reads hh:mm as a time of day.
func clock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// covers reports whether officer p's office area holds office k's area.
func covers(ctx context.Context, q store.Queries, p store.Petugas, k string) (bool, error) {
	mine, err := q.GetKantor(ctx, p.KantorKode)
	if err != nil {
		return false, err
	}
	theirs, err := q.GetKantor(ctx, k)
	if err != nil {
		return false, err
	}
	return kantor.Covers(mine, theirs.WilayahKode), nil
}

// Get reads a drive officer p may see: one of an office in p's office's
// area.
func (s *Service) Get(ctx context.Context, p store.Petugas, id int64) (store.Jemput, error) {
	j, err := s.Store.GetJemput(ctx, id)
	if store.IsNotFound(err) {
		return j, ErrNotFound
	} else if err != nil {
		return j, err
	}
	if ok, err := covers(ctx, s.Store, p, j.KantorKode); err != nil {
		return j, err
	} else if !ok {
		return j, ErrNotFound
	}
	return j, nil
}

// List lists the drives officer p may see, newest first, with their
// figures.
func (s *Service) List(ctx context.Context, p store.Petugas) ([]Angka, error) {
	mine, err := s.Store.GetKantor(ctx, p.KantorKode)
	if err != nil {
		return nil, err
	}
	offices, err := s.Store.ListKantor(ctx)
	if err != nil {
		return nil, err
	}
	var codes []string
	for _, k := range offices {
		if kantor.Covers(mine, k.WilayahKode) {
			codes = append(codes, k.Kode)
		}
	}
	return Of(ctx, s.Store, codes)
}

// Lister is the part of a store Of reads through.
type Lister interface {
	ListJemput(ctx context.Context, kantor []string, limit int) ([]store.Jemput, error)
	RekapJemput(ctx context.Context, ids []int64) (map[int64]store.RekapJemput, error)
}

// Of lists the drives of the offices with the codes, newest first, with
// their figures (at most 200); none for no codes.
func Of(ctx context.Context, q Lister, codes []string) ([]Angka, error) {
	if len(codes) == 0 {
		return nil, nil
	}
	list, err := q.ListJemput(ctx, codes, 200)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(list))
	for i, j := range list {
		ids[i] = j.ID
	}
	rekap, err := q.RekapJemput(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Angka, len(list))
	for i, j := range list {
		out[i] = Figures(j, rekap[j.ID])
	}
	return out, nil
}

// Roster reads a drive's roster for officer p, with its figures, and
// audits the read: one event for the roster and one for each resident
// shown (their name and masked NIK), as a search does. Officers whose
// role does not serve residents see the figures only.
func (s *Service) Roster(ctx context.Context, p store.Petugas, id int64, purpose string) (Angka, []store.PesertaJemput, error) {
	j, err := s.Get(ctx, p, id)
	if err != nil {
		return Angka{}, nil, err
	}
	if !serves(p) {
		rekap, err := s.Store.RekapJemput(ctx, []int64{id})
		return Figures(j, rekap[id]), nil, err
	}
	var list []store.PesertaJemput
	err = s.Store.InTx(ctx, func(tx store.Tx) error {
		var err error
		if list, err = tx.ListPeserta(ctx, id); err != nil {
			return err
		}
		ev, err := s.Audit.Record(ctx, tx, audit.Entry{Actor: p.Username, Kantor: p.KantorKode, Action: ActionLihat,
			Purpose: purpose, Detail: map[string]any{"jemput": id, "jumlah": len(list)}})
		if err != nil {
			return err
		}
		for _, e := range list {
			if _, err := s.Audit.Record(ctx, tx, audit.Entry{Actor: p.Username, Kantor: p.KantorKode, Action: ActionTampil,
				Subject: e.NIK, Purpose: purpose, Detail: map[string]any{"jemput": id, "daftar": ev.Seq}}); err != nil {
				return err
			}
		}
		return nil
	})
	return Figures(j, tally(list)), list, err
}

// tally counts a roster as RekapJemput does.
func tally(list []store.PesertaJemput) store.RekapJemput {
	r := store.RekapJemput{Peserta: len(list)}
	for _, e := range list {
		if !e.HadirAt.IsZero() {
			r.Hadir++
		}
		if e.Aktif {
			r.Aktif++
		}
	}
	return r
}

// Hasil is the outcome of a roster import.
type Hasil struct {
	Ditambah int        // rows added to the roster
	Ditolak  []RowError // rows not added, in file order
	Baris    int        // rows in the file (the header aside)
}

// Import reads a roster file and adds its good rows to drive id, for an
// officer of the drive's office. Each bad row is reported, with its line
// and reason; the good ones are added together, audited. A file that
// cannot be read changes nothing. Whether a NIK is unknown or its
// resident lives outside the office's area is told as the console tells
// it elsewhere (package kantor): from the NIK's own region digits, never
// from the register, so the report says no more than "not found in your
// area" about a resident of another area.
func (s *Service) Import(ctx context.Context, p store.Petugas, id int64, data []byte) (Hasil, error) {
	j, err := s.owned(ctx, p, id)
	if err != nil {
		return Hasil{}, err
	}
	r, err := ParseRoster(data)
	if err != nil {
		return Hasil{}, err
	}
	var h Hasil
	err = s.Store.InTx(ctx, func(tx store.Tx) error {
		h = Hasil{Ditolak: slices.Clone(r.Errors), Baris: len(r.Rows) + len(r.Errors)}
		k, err := tx.GetKantor(ctx, j.KantorKode)
		if err != nil {
			return err
		}
		on, err := tx.ListPeserta(ctx, id)
		if err != nil {
			return err
		}
		already := map[string]bool{}
		for _, e := range on {
			already[e.NIK] = true
		}
		var add []store.PesertaJemput
		for _, b := range r.Rows {
			e, bad, err := check(ctx, tx, k, b, already)
			if err != nil {
				return err
			}
			if bad {
				h.Ditolak = append(h.Ditolak, e)
				continue
			}
			add = append(add, store.PesertaJemput{JemputID: id, NIK: b.NIK, Baris: b.Line})
		}
		if err := tx.AddPeserta(ctx, add); err != nil {
			return err
		}
		h.Ditambah = len(add)
		reasons := map[string]int{}
		for _, e := range h.Ditolak {
			reasons[e.Code]++
		}
		ev, err := s.Audit.Record(ctx, tx, audit.Entry{Actor: p.Username, Kantor: p.KantorKode, Action: ActionImpor,
			Purpose: "daftar peserta jemput bola", Detail: map[string]any{"jemput": id, "baris": h.Baris, "ditambah": h.Ditambah, "ditolak": reasons}})
		if err != nil {
			return err
		}
		for _, a := range add {
			if _, err := s.Audit.Record(ctx, tx, audit.Entry{Actor: p.Username, Kantor: p.KantorKode, Action: ActionPeserta,
				Subject: a.NIK, Purpose: "daftar peserta jemput bola", Detail: map[string]any{"jemput": id, "impor": ev.Seq}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Hasil{}, err
	}
	slices.SortStableFunc(h.Ditolak, func(a, b RowError) int { return a.Line - b.Line })
	return h, nil
}

// check looks a good row of the file up in the register for office k.
func check(ctx context.Context, tx store.Tx, k store.Kantor, b Baris, already map[string]bool) (RowError, bool, error) {
	e := RowError{Line: b.Line}
	pend, err := tx.GetPenduduk(ctx, b.NIK)
	if err != nil && !store.IsNotFound(err) {
		return e, false, err
	}
	switch {
	case (err != nil || !kantor.Covers(k, pend.DesaKode)) && kantor.CoversNIK(k, b.NIK):
		e.Code, e.ID, e.EN = CodeUnknown, "NIK tidak ditemukan di wilayah kantor", "NIK not found in the office's area"
	case err != nil || !kantor.Covers(k, pend.DesaKode):
		e.Code, e.ID, e.EN = CodeOutside, "penduduk di luar wilayah kantor penyelenggara", "resident outside the organising office's area"
	case pend.StatusNIK == store.NIKMati:
		e.Code, e.ID, e.EN = CodeMati, "penduduk tercatat meninggal", "the resident is recorded as dead"
	case b.Nama != "" && !SameName(b.Nama, pend.Nama):
		e.Code, e.ID, e.EN = CodeNama, "nama tidak cocok dengan data kependudukan", "the name does not match the register"
	case already[b.NIK]:
		e.Code, e.ID, e.EN = CodeTerdaftar, "sudah ada di daftar peserta", "on the roster already"
	default:
		already[b.NIK] = true
		return e, false, nil
	}
	return e, true, nil
}

// owned reads drive id for an officer who may change it: a counter role
// at the drive's office.
func (s *Service) owned(ctx context.Context, p store.Petugas, id int64) (store.Jemput, error) {
	if !serves(p) {
		return store.Jemput{}, ErrRole
	}
	j, err := s.Get(ctx, p, id)
	if err != nil {
		return j, err
	}
	if j.KantorKode != p.KantorKode {
		return j, ErrNotOwner
	}
	return j, nil
}

// CheckIn records that the resident with NIK n, on drive id's roster,
// came to the drive, audited.
func (s *Service) CheckIn(ctx context.Context, p store.Petugas, id int64, n string) (store.PesertaJemput, error) {
	if _, err := s.owned(ctx, p, id); err != nil {
		return store.PesertaJemput{}, err
	}
	return s.checkIn(ctx, p, id, cleanNIK(n))
}

// CheckInEntry checks in the roster entry with ID entry of drive id.
func (s *Service) CheckInEntry(ctx context.Context, p store.Petugas, id, entry int64) (store.PesertaJemput, error) {
	if _, err := s.owned(ctx, p, id); err != nil {
		return store.PesertaJemput{}, err
	}
	n, err := s.entryNIK(ctx, id, entry)
	if err != nil {
		return store.PesertaJemput{}, err
	}
	return s.checkIn(ctx, p, id, n)
}

// checkIn checks in NIK n on drive id, which officer p may change.
func (s *Service) checkIn(ctx context.Context, p store.Petugas, id int64, n string) (store.PesertaJemput, error) {
	var out store.PesertaJemput
	err := s.Store.InTx(ctx, func(tx store.Tx) error {
		var err error
		out, err = tx.HadirPeserta(ctx, id, n, s.now(), p.Username)
		switch {
		case store.IsNotFound(err):
			return ErrNotOnIt
		case errors.Is(err, store.ErrConflict):
			return ErrHadir
		case err != nil:
			return err
		}
		_, err = s.Audit.Record(ctx, tx, audit.Entry{Actor: p.Username, Kantor: p.KantorKode, Action: ActionHadir,
			Subject: n, Purpose: "kehadiran jemput bola", Detail: map[string]any{"jemput": id}})
		return err
	})
	if err != nil {
		return out, fmt.Errorf("check in: %w", err)
	}
	return out, nil
}

// EntryNIK returns the NIK of roster entry entry of drive id, for an
// officer of an office that may see the drive and serves residents.
func (s *Service) EntryNIK(ctx context.Context, p store.Petugas, id, entry int64) (string, error) {
	if !serves(p) {
		return "", ErrRole
	}
	if _, err := s.Get(ctx, p, id); err != nil {
		return "", err
	}
	return s.entryNIK(ctx, id, entry)
}

// entryNIK is the NIK of roster entry entry of drive id.
func (s *Service) entryNIK(ctx context.Context, id, entry int64) (string, error) {
	list, err := s.Store.ListPeserta(ctx, id)
	if err != nil {
		return "", err
	}
	for _, e := range list {
		if e.ID == entry {
			return e.NIK, nil
		}
	}
	return "", ErrNotOnIt
}

// Angka are a drive's figures.
type Angka struct {
	store.Jemput
	store.RekapJemput
	PetugasJam float64 // officer-hours: officers assigned × the drive's hours
}

// Figures computes a drive's figures from its counts.
func Figures(j store.Jemput, r store.RekapJemput) Angka {
	return Angka{Jemput: j, RekapJemput: r, PetugasJam: float64(len(j.Petugas)) * j.Jam}
}

// Hari is the drive's number of days.
func (a Angka) Hari() int {
	d0 := a.MulaiAt.In(WIB)
	d1 := a.SelesaiAt.In(WIB)
	y0, m0, dd0 := d0.Date()
	y1, m1, dd1 := d1.Date()
	return int(time.Date(y1, m1, dd1, 0, 0, 0, 0, time.UTC).Sub(time.Date(y0, m0, dd0, 0, 0, 0, 0, time.UTC)).Hours()/24) + 1
}

// PerJam is activations per officer-hour; -1 with no officer-hours.
func (a Angka) PerJam() float64 {
	if a.PetugasJam <= 0 {
		return -1
	}
	return float64(a.Aktif) / a.PetugasJam
}

// State is where a drive is at now: "rencana" (planned), "berjalan"
// (running) or "selesai" (over).
func (a Angka) State(now time.Time) string {
	switch {
	case now.Before(a.MulaiAt):
		return "rencana"
	case now.Before(a.HitungSampai):
		return "berjalan"
	}
	return "selesai"
}
