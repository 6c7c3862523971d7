package dompet

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/issuance"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/kredensial/sdjwt"
	"github.com/ikd-project/ikd/internal/penduduk"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/web"
)

// Data is what the data endpoint answers: everything ikd holds about the
// resident, as the wallet shows it and as "Data saya" downloads it.
type Data struct {
	DibuatPada time.Time      `json:"dibuat_pada"` // when this copy was made
	KTP        map[string]any `json:"ktp"`         // the digital KTP's claims, as the SD-JWT VC names them
	Foto       string         `json:"foto,omitempty"`
	Kontak     Kontak         `json:"kontak"`
	StatusNIK  string         `json:"status_nik"`
	Perekaman  string         `json:"tanggal_perekaman_ktpel,omitempty"` // YYYY-MM-DD
	KK         Keluarga       `json:"kartu_keluarga"`
	KTPel      []Kartu        `json:"ktpel"`
	IKD        IKD            `json:"ikd"`
	Permohonan []Permintaan   `json:"permohonan"`
	Riwayat    []Peristiwa    `json:"riwayat"`
	// Kredensial are the credentials re-issued to this device after a
	// photo or data change, by OpenID4VCI configuration ID, as the
	// credential endpoint gives them: the wallet keeps them in place of
	// the ones it holds, which are revoked.
	Kredensial map[string]string `json:"kredensial,omitempty"`
}

// Kontak is the contact the office keeps.
type Kontak struct {
	Email   string `json:"email,omitempty"`
	Telepon string `json:"telepon,omitempty"`
}

// Keluarga is the resident's KK and its current members.
type Keluarga struct {
	NoKK    string    `json:"no_kk"`
	Anggota []Anggota `json:"anggota"`
}

// Anggota is a member of the KK.
type Anggota struct {
	Nama         string `json:"nama"`
	Hubungan     string `json:"hubungan"`
	TanggalLahir string `json:"tanggal_lahir"`
	Anda         bool   `json:"anda,omitempty"` // the resident themselves
}

// Kartu is a printed e-KTP card.
type Kartu struct {
	Blangko string    `json:"nomor_blangko"`
	Status  string    `json:"status"`
	Dicetak time.Time `json:"dicetak"`
	Kantor  string    `json:"kantor"`
}

// Permintaan is one of the resident's service requests.
type Permintaan struct {
	Nomor      string            `json:"nomor"`
	Jenis      map[string]string `json:"jenis"`  // by language
	Status     map[string]string `json:"status"` // by language
	Batas      time.Time         `json:"batas"`
	Diperbarui time.Time         `json:"diperbarui"`
}

// IKD is the state of the digital ID.
type IKD struct {
	Status    string    `json:"status"` // valid, suspended, revoked, none
	Sejak     time.Time `json:"sejak,omitzero"`
	Perangkat string    `json:"perangkat,omitempty"`
}

// Peristiwa is one event of the resident's history: who read, verified or
// changed the record, from which office, why and when.
type Peristiwa struct {
	Waktu    time.Time         `json:"waktu"`
	Jenis    string            `json:"jenis"` // lembaga, petugas, sistem, dompet, penduduk
	Oleh     string            `json:"oleh"`  // the institution's name, the officer's username, or the component
	Kantor   string            `json:"kantor,omitempty"`
	Tindakan string            `json:"tindakan"`
	Kali     int               `json:"kali"`   // how many like events this line stands for (penduduk.Group)
	Teks     map[string]string `json:"teks"`   // the action in words, by language
	Tujuan   map[string]string `json:"tujuan"` // the purpose in words, by language
}

// data answers the signed request with the resident's Data.
func (h *Handler) data(w http.ResponseWriter, r *http.Request) {
	dev, err := h.device(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rec, err := h.Reader.OpenOwn(r.Context(), dev.NIK, dev)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names, err := h.lembagaNames(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := h.dataOf(rec, names)
	if d.Kredensial, err = h.reissued(r.Context(), dev); err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// reissued reads the credentials re-issued to dev, by configuration.
func (h *Handler) reissued(ctx context.Context, dev store.Perangkat) (map[string]string, error) {
	wait, err := h.Devices.ListKiriman(ctx, dev.ID)
	if err != nil || len(wait) == 0 {
		return nil, err
	}
	out := make(map[string]string, len(wait))
	for _, k := range wait {
		out[k.Konfigurasi] = k.Isi
	}
	return out, nil
}

// lembagaNames maps the audit actors of institutions to their names.
func (h *Handler) lembagaNames(ctx context.Context) (map[string]string, error) {
	ls, err := h.Lembaga.ListLembaga(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(ls))
	for _, l := range ls {
		out["lembaga:"+l.ID] = l.Nama
	}
	return out, nil
}

// dataOf turns a record into the wallet's Data.
func (h *Handler) dataOf(rec penduduk.Record, lembaga map[string]string) Data {
	p := rec.Penduduk
	now := h.Now()
	claims, _ := sdjwt.KTPClaims(issuance.KTPOf(p), now)
	d := Data{
		DibuatPada: now.UTC(), KTP: claims, Kontak: Kontak{Email: p.Email, Telepon: p.Telepon},
		StatusNIK: string(p.StatusNIK), KK: Keluarga{NoKK: p.NoKK, Anggota: []Anggota{}},
		KTPel: []Kartu{}, Riwayat: []Peristiwa{},
		IKD: IKD{Status: rec.DigitalID.Status, Sejak: rec.DigitalID.BoundAt, Perangkat: rec.DigitalID.Device},
	}
	if !p.TanggalPerekaman.IsZero() {
		d.Perekaman = p.TanggalPerekaman.Format(time.DateOnly)
	}
	if len(rec.Portrait.Data) > 0 {
		d.Foto = "data:" + http.DetectContentType(rec.Portrait.Data) + ";base64," + base64.StdEncoding.EncodeToString(rec.Portrait.Data)
	}
	for _, m := range rec.Anggota {
		d.KK.Anggota = append(d.KK.Anggota, Anggota{Nama: m.Nama, Hubungan: string(m.Hubungan),
			TanggalLahir: m.TanggalLahir.Format(time.DateOnly), Anda: m.NIK == p.NIK})
	}
	for _, k := range rec.KTPel {
		d.KTPel = append(d.KTPel, Kartu{Blangko: k.BlangkoSerial, Status: string(k.Status), Dicetak: k.DicetakAt, Kantor: kantor.NameOf(k.KantorKode)})
	}
	d.Permohonan = []Permintaan{}
	for _, pm := range rec.Permohonan {
		r := Permintaan{Nomor: pm.Nomor, Jenis: map[string]string{}, Status: map[string]string{}, Batas: pm.BatasAt, Diperbarui: pm.UpdatedAt}
		for _, l := range []string{"id", "en"} {
			r.Jenis[l], r.Status[l] = web.T(l, "permohonan."+string(pm.Jenis)), web.T(l, "pstate."+string(pm.State))
		}
		d.Permohonan = append(d.Permohonan, r)
	}
	for _, g := range penduduk.Group(rec.Riwayat) {
		p := peristiwa(g.AuditEvent, lembaga)
		p.Kali = g.Times
		d.Riwayat = append(d.Riwayat, p)
	}
	return d
}

// peristiwa describes an audit event to the resident.
func peristiwa(e store.AuditEvent, lembaga map[string]string) Peristiwa {
	p := Peristiwa{Waktu: e.At.UTC(), Oleh: e.Actor, Tindakan: e.Action, Teks: map[string]string{}, Tujuan: map[string]string{}}
	if e.KantorKode != "" {
		p.Kantor = kantor.NameOf(e.KantorKode)
	}
	switch name, ok := lembaga[e.Actor]; {
	case ok:
		p.Jenis, p.Oleh = "lembaga", name
	case strings.HasPrefix(e.Actor, "lembaga:"):
		p.Jenis = "lembaga"
	case strings.HasPrefix(e.Actor, "system:"):
		p.Jenis, p.Oleh = "sistem", ""
	case e.Actor == "wallet":
		p.Jenis, p.Oleh = "dompet", ""
	case e.Actor == "penduduk":
		p.Jenis, p.Oleh = "penduduk", ""
	default:
		p.Jenis = "petugas"
	}
	for _, l := range []string{"id", "en"} {
		p.Teks[l] = web.ActionText(l, e.Action)
		if e.Purpose != "" {
			p.Tujuan[l] = web.PurposeText(l, e.Purpose)
		}
	}
	return p
}
