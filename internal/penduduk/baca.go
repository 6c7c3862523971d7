package penduduk

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/issuance"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/nik"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// Audit actions of officers' reads.
const (
	ActionBaca        = "penduduk.baca"         // an officer opened a resident's record
	ActionBacaDitolak = "penduduk.baca_ditolak" // refused: outside the officer's area, or unknown
)

// Record is a resident's record as the officer's resident page shows it.
type Record struct {
	Penduduk  store.Penduduk
	KK        store.KartuKeluarga
	Anggota   []store.Penduduk // the KK's current members, the head first
	KTPel     []store.KTPel    // physical cards, oldest first
	Portrait  store.Portrait
	DigitalID issuance.DigitalID
	// Permohonan are the resident's service requests, newest first.
	Permohonan []store.Permohonan
	// Offer is the resident's activation offer still waiting for the
	// wallet (offered or code redeemed, not expired); nil for none.
	Offer *store.Aktivasi
	// Riwayat is what the audit log holds about the resident, newest
	// first, this read included: every read, activation and change, with
	// who, which office and why.
	Riwayat []store.AuditEvent
}

// RiwayatMax is how many of a resident's audit events the page shows.
const RiwayatMax = 50

// Reader reads residents' records for officers, within their office's
// area, and audits every read with its purpose.
type Reader struct {
	Store store.Store
	Audit *audit.Log
	// Portrait returns the resident's portrait (the issuer's source, so
	// the demo's generated faces show too).
	Portrait func(ctx context.Context, q store.Queries, nik string) ([]byte, error)
}

// Open reads the record of the resident with NIK n for officer p, with a
// declared purpose, and records the read in the audit log in the same
// transaction. A resident outside the officer's area and an unknown NIK
// give the same *kantor.Refusal, and the refused attempt is audited too.
func (r *Reader) Open(ctx context.Context, p store.Petugas, n, purpose string) (Record, error) {
	n = strings.TrimSpace(n)
	if _, err := nik.Parse(n); err != nil {
		return Record{}, err
	}
	purpose = strings.TrimSpace(purpose)
	if purpose == "" {
		return Record{}, errs.New(errs.Invalid, "tujuan membuka data wajib diisi", "a purpose for opening the record is required")
	}
	var rec Record
	err := r.Store.InTx(ctx, func(tx store.Tx) error {
		var err error
		if rec, err = r.read(ctx, tx, p.KantorKode, n); err != nil {
			return err
		}
		if _, err = r.Audit.Record(ctx, tx, audit.Entry{Actor: p.Username, Kantor: p.KantorKode, Action: ActionBaca,
			Subject: n, Purpose: purpose, Detail: map[string]any{"halaman": "penduduk"}}); err != nil {
			return err
		}
		rec.Riwayat, err = tx.ListAuditSubject(ctx, r.Audit.SubjectHash(n), RiwayatMax)
		return err
	})
	if err != nil {
		return Record{}, kantor.AuditRefusal(ctx, r.Store, r.Audit, kantor.Attempt{Action: ActionBacaDitolak,
			Petugas: p.Username, Kantor: p.KantorKode, NIK: n, Purpose: purpose}, err)
	}
	return rec, nil
}

// ActionBacaSendiri is the audit action of a resident reading their own
// record from their wallet.
const ActionBacaSendiri = "penduduk.baca_sendiri"

// PurposeHakAkses is the purpose recorded for a resident's own read: the
// access right of UU PDP (Law 27/2022) art. 7.
const PurposeHakAkses = "hak akses subjek data (UU PDP)"

// Refusals of a wallet's own read.
var (
	// ErrNotBound: the device is released, or the digital ID revoked.
	ErrNotBound = errs.New(errs.Unauthenticated, "ponsel ini tidak lagi terikat pada KTP digital yang berlaku; aktifkan lagi di kantor Dukcapil",
		"this phone is no longer bound to a valid digital ID; activate it again at a Dukcapil office")
	// ErrSuspended: the digital ID is suspended (a lost phone, say) and
	// reads nothing until an officer lifts the suspension.
	ErrSuspended = errs.New(errs.Forbidden, "KTP digital Anda sedang ditangguhkan; hubungi kantor Dukcapil",
		"your digital ID is suspended; contact a Dukcapil office")
)

// OpenOwn reads the record of the resident with NIK n for the resident
// themselves, asked by the wallet whose device key dev is bound to that
// NIK, and records the read in the audit log in the same transaction. The
// device must still be bound and the digital ID valid: a revoked one
// gives ErrNotBound, a suspended one ErrSuspended, and nothing is read.
func (r *Reader) OpenOwn(ctx context.Context, n string, dev store.Perangkat) (Record, error) {
	var rec Record
	err := r.Store.InTx(ctx, func(tx store.Tx) error {
		if now, err := tx.GetPerangkatByJKT(ctx, dev.JKT); err != nil || now.ID != dev.ID || now.NIK != n {
			return ErrNotBound // released meanwhile
		}
		pend, err := tx.GetPenduduk(ctx, n)
		if err != nil {
			return fmt.Errorf("own record: %w", err)
		}
		if rec, err = r.gather(ctx, tx, pend); err != nil {
			return err
		}
		switch rec.DigitalID.Status {
		case "valid":
		case "suspended":
			return ErrSuspended
		default:
			return ErrNotBound
		}
		if _, err = r.Audit.Record(ctx, tx, audit.Entry{Actor: "penduduk", Action: ActionBacaSendiri,
			Subject: n, Purpose: PurposeHakAkses, Detail: map[string]any{"perangkat": dev.ID}}); err != nil {
			return err
		}
		rec.Riwayat, err = tx.ListAuditSubject(ctx, r.Audit.SubjectHash(n), RiwayatMax)
		return err
	})
	return rec, err
}

// read gathers the record in tx, refusing residents outside the area.
func (r *Reader) read(ctx context.Context, tx store.Tx, office, n string) (Record, error) {
	pend, err := kantor.Resident(ctx, tx, office, n)
	if err != nil {
		return Record{}, err
	}
	return r.gather(ctx, tx, pend)
}

// gather reads the rest of pend's record in tx.
func (r *Reader) gather(ctx context.Context, tx store.Tx, pend store.Penduduk) (rec Record, err error) {
	n := pend.NIK
	rec = Record{Penduduk: pend}
	if rec.KK, err = tx.GetKK(ctx, pend.NoKK); err != nil && !store.IsNotFound(err) {
		return Record{}, fmt.Errorf("kk: %w", err)
	}
	if rec.Anggota, err = tx.ListAnggotaKK(ctx, pend.NoKK); err != nil {
		return Record{}, fmt.Errorf("kk members: %w", err)
	}
	if rec.KTPel, err = tx.ListKTPel(ctx, n); err != nil {
		return Record{}, fmt.Errorf("cards: %w", err)
	}
	if rec.Permohonan, err = tx.ListPermohonanNIK(ctx, n, 20); err != nil {
		return Record{}, fmt.Errorf("requests: %w", err)
	}
	if rec.DigitalID, err = issuance.DigitalIDOf(ctx, tx, n); err != nil {
		return Record{}, err
	}
	if a, err := tx.LatestAktivasi(ctx, n); err == nil && (a.State == store.Ditawarkan || a.State == store.Ditukar) && time.Now().Before(a.ExpiresAt) {
		rec.Offer = &a
	} else if err != nil && !store.IsNotFound(err) {
		return Record{}, fmt.Errorf("offer: %w", err)
	}
	if r.Portrait != nil {
		data, err := r.Portrait(ctx, tx, n)
		if err != nil && !store.IsNotFound(err) {
			return Record{}, fmt.Errorf("portrait: %w", err)
		}
		rec.Portrait = store.Portrait{ContentType: "image/jpeg", Data: data}
	}
	return rec, nil
}

// ActionCari is the audit action of a search by name.
const ActionCari = "penduduk.cari"

// MinNama is the shortest name prefix a search takes.
const MinNama = 3

// Cari is a search by name within the officer's area.
type Cari struct {
	Nama         string    // the start of the name, any case
	TanggalLahir time.Time // optional
	Kecamatan    string    // optional: a kecamatan code of the officer's area
	Purpose      string
}

// Search finds residents of officer p's area whose names start with
// c.Nama, narrowed by birth date or kecamatan, and audits the search (how
// many were found; the names shown are the officer's to open).
func (r *Reader) Search(ctx context.Context, p store.Petugas, c Cari) ([]store.Penduduk, error) {
	nama := strings.Join(strings.Fields(strings.ToUpper(c.Nama)), " ")
	if len([]rune(nama)) < MinNama {
		return nil, errs.Newf(errs.Invalid, "ketik paling sedikit %d huruf nama", "type at least %d letters of the name", MinNama)
	}
	if strings.TrimSpace(c.Purpose) == "" {
		return nil, errs.New(errs.Invalid, "tujuan pencarian wajib diisi", "a purpose for the search is required")
	}
	var out []store.Penduduk
	err := r.Store.InTx(ctx, func(tx store.Tx) error {
		k, err := tx.GetKantor(ctx, p.KantorKode)
		if err != nil {
			return fmt.Errorf("office %s: %w", p.KantorKode, err)
		}
		area := k.WilayahKode
		if c.Kecamatan != "" {
			if !kantor.Covers(k, c.Kecamatan) || wilayah.Level(c.Kecamatan) != wilayah.Kecamatan {
				return errs.New(errs.Invalid, "kecamatan itu tidak termasuk wilayah kerja kantor Anda", "that kecamatan is not in your office's area")
			}
			area = c.Kecamatan
		}
		if out, err = tx.CariPenduduk(ctx, store.CariFilter{NamaPrefix: nama, WilayahKode: area, TanggalLahir: c.TanggalLahir}); err != nil {
			return err
		}
		ev, err := r.Audit.Record(ctx, tx, audit.Entry{Actor: p.Username, Kantor: p.KantorKode, Action: ActionCari,
			Purpose: c.Purpose, Detail: map[string]any{"wilayah": area, "tanggal_lahir": !c.TanggalLahir.IsZero(), "jumlah": len(out)}})
		if err != nil {
			return err
		}
		// Each resident shown is a read of their name, NIK and birth: it
		// is in their history too.
		for _, res := range out {
			if _, err := r.Audit.Record(ctx, tx, audit.Entry{Actor: p.Username, Kantor: p.KantorKode, Action: ActionTampil,
				Subject: res.NIK, Purpose: c.Purpose, Detail: map[string]any{"pencarian": ev.Seq}}); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// ActionTampil is the audit action of a resident shown in an officer's
// search results.
const ActionTampil = "penduduk.tampil_cari"

// ActionKontak is the audit action of an officer correcting a resident's
// e-mail address or phone number.
const ActionKontak = "penduduk.kontak"

var (
	emailRE   = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	teleponRE = regexp.MustCompile(`^(\+62|0)8[0-9]{7,12}$`)
)

// SetContact records the e-mail address and phone number a resident
// confirmed at the counter, for officer p of the resident's area. Only a
// change is written and audited: which fields changed and, for the e-mail
// address, keyed hashes of the old and new ones (audit.Log.ValueHash),
// never the values. It reports what changed; the caller tells the old
// address of an e-mail change (Contact.OldEmail).
func (r *Reader) SetContact(ctx context.Context, p store.Petugas, n, email, telepon string) (Contact, error) {
	email, telepon = strings.TrimSpace(email), strings.ReplaceAll(strings.TrimSpace(telepon), " ", "")
	if err := checkContact(email, telepon); err != nil {
		return Contact{}, err
	}
	var c Contact
	err := r.Store.InTx(ctx, func(tx store.Tx) error {
		if _, err := kantor.Resident(ctx, tx, p.KantorKode, n); err != nil {
			return err
		}
		q, err := tx.UpdatePenduduk(ctx, n, func(q *store.Penduduk) error {
			c = contactChange(q, email, telepon)
			return nil
		})
		if err != nil || len(c.Changed) == 0 {
			return err
		}
		c.Nama = q.Nama
		_, err = r.Audit.Record(ctx, tx, audit.Entry{Actor: p.Username, Kantor: p.KantorKode, Action: ActionKontak,
			Subject: n, Purpose: "konfirmasi kontak untuk aktivasi IKD", Detail: r.contactDetail(c, email)})
		return err
	})
	if err != nil {
		return Contact{}, kantor.AuditRefusal(ctx, r.Store, r.Audit, kantor.Attempt{Action: ActionBacaDitolak,
			Petugas: p.Username, Kantor: p.KantorKode, NIK: n, Purpose: "konfirmasi kontak"}, err)
	}
	return c, nil
}

// Contact is what SetContact changed.
type Contact struct {
	Changed []string // the fields changed: "email", "telepon"; none for no change
	// OldEmail is the address an e-mail change replaced, to be told of
	// the change; "" when the e-mail did not change or had not been set.
	OldEmail string
	Nama     string // the resident's name, for that notice
}

// EmailChanged reports whether an e-mail address that was set changed.
func (c Contact) EmailChanged() bool { return c.OldEmail != "" }

// checkContact validates an e-mail address and an optional phone number.
func checkContact(email, telepon string) error {
	if !emailRE.MatchString(email) {
		return errs.New(errs.Invalid, "alamat e-mail tidak sah; kode aktivasi dikirim ke alamat ini",
			"the e-mail address is not valid; the activation code is sent to it")
	}
	if telepon != "" && !teleponRE.MatchString(telepon) {
		return errs.New(errs.Invalid, "nomor telepon tidak sah; contoh: 081234567890", "the phone number is not valid; example: 081234567890")
	}
	return nil
}

// contactChange sets q's e-mail address and phone number and reports
// what changed.
func contactChange(q *store.Penduduk, email, telepon string) Contact {
	var c Contact
	if q.Email != email {
		c.Changed, c.OldEmail, q.Email = append(c.Changed, "email"), q.Email, email
	}
	if q.Telepon != telepon {
		c.Changed, q.Telepon = append(c.Changed, "telepon"), telepon
	}
	return c
}

// contactDetail is the audit detail of change c to e-mail address email:
// the fields changed and, for an e-mail change, the keyed hashes of the
// old address (when there was one) and the new one, lower-cased so that a
// given address can be matched whatever its case.
func (r *Reader) contactDetail(c Contact, email string) map[string]any {
	d := map[string]any{"diubah": c.Changed}
	if !slices.Contains(c.Changed, "email") {
		return d
	}
	d["email_baru_hmac"] = r.Audit.ValueHash("email", strings.ToLower(email))
	if c.OldEmail != "" {
		d["email_lama_hmac"] = r.Audit.ValueHash("email", strings.ToLower(c.OldEmail))
	}
	return d
}

// Grouped is a line of a resident's history: an event and how many like
// events it stands for.
type Grouped struct {
	store.AuditEvent
	Times int
}

// Group puts like events (the same action, office and purpose in the same
// minute) within a run of one actor's events on one line, as an issuance
// writes one per credential configuration. The order is kept.
func Group(evs []store.AuditEvent) []Grouped {
	var out []Grouped
	run := 0 // the first line of the current actor's run
	for _, e := range evs {
		if len(out) > 0 && out[len(out)-1].Actor != e.Actor {
			run = len(out)
		}
		if i := slices.IndexFunc(out[run:], func(l Grouped) bool { return alike(l.AuditEvent, e) }); i >= 0 {
			out[run+i].Times++
			continue
		}
		out = append(out, Grouped{AuditEvent: e, Times: 1})
	}
	return out
}

// alike reports whether two events of one actor say the same thing to a
// person: the same action, office and purpose within the same minute.
func alike(a, b store.AuditEvent) bool {
	return a.Action == b.Action && a.KantorKode == b.KantorKode && a.Purpose == b.Purpose &&
		a.At.Truncate(time.Minute).Equal(b.At.Truncate(time.Minute))
}
