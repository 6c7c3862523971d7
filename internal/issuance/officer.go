package issuance

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/nik"
	"github.com/ikd-project/ikd/internal/store"
)

// Action is what an officer does to a resident's digital ID.
type Action string

// The actions of an officer on a digital ID.
const (
	Tangguhkan Action = "tangguhkan" // suspend: the credentials answer suspended until lifted
	Pulihkan   Action = "pulihkan"   // unsuspend: suspended credentials are valid again
	Cabut      Action = "cabut"      // revoke for good and release the device; re-activation follows
)

// Actions lists the officer actions in the order the CLI and docs show them.
var Actions = []Action{Tangguhkan, Pulihkan, Cabut}

// doneMessages say what a finished action did (id, en).
var doneMessages = map[Action][2]string{
	Tangguhkan: {"KTP digital ditangguhkan; verifikasi menjawab \"ditangguhkan\" sampai dipulihkan",
		"the digital ID is suspended; verifications answer \"suspended\" until it is lifted"},
	Pulihkan: {"KTP digital dipulihkan dan sah kembali", "the digital ID is unsuspended and valid again"},
	Cabut: {"KTP digital dicabut dan perangkat dilepas; penduduk perlu aktivasi baru",
		"the digital ID is revoked and the device released; the resident needs a new activation"},
}

// Done says what the finished action did, in lang ("en", else Bahasa
// Indonesia).
func (a Action) Done(lang string) string {
	m := doneMessages[a]
	if lang == "en" {
		return m[1]
	}
	return m[0]
}

// Reason is a fixed reason code for an officer's action, as recorded in
// the audit log.
type Reason struct {
	Code    string   // e.g. "perangkat_hilang"
	ID, EN  string   // what it means, in Bahasa Indonesia and English
	Actions []Action // the actions it may be given for
}

// Reasons is the fixed list of reasons an officer may give.
var Reasons = []Reason{
	{"perangkat_hilang", "ponsel hilang atau dicuri", "the phone was lost or stolen", []Action{Tangguhkan, Cabut}},
	{"permintaan_penduduk", "atas permintaan penduduk", "at the resident's request", []Action{Tangguhkan, Pulihkan, Cabut}},
	{"kesalahan_data", "data pada KTP digital salah", "the data on the digital ID is wrong", []Action{Tangguhkan, Cabut}},
	{"dugaan_penyalahgunaan", "dugaan penyalahgunaan", "suspected misuse", []Action{Tangguhkan, Cabut}},
	{"perangkat_ditemukan", "ponsel ditemukan kembali", "the phone was found again", []Action{Pulihkan}},
	{"pemeriksaan_selesai", "pemeriksaan selesai", "the check is finished", []Action{Pulihkan}},
}

// ReasonCodes returns the codes of the reasons allowed for act.
func ReasonCodes(act Action) []string {
	var out []string
	for _, r := range Reasons {
		if slices.Contains(r.Actions, act) {
			out = append(out, r.Code)
		}
	}
	return out
}

// StatusChange is an officer's request to suspend, unsuspend or revoke a
// resident's digital ID.
type StatusChange struct {
	Action  Action
	NIK     string
	Alasan  string // a Reason code allowed for Action
	Petugas string // the officer's username
	Kantor  string // the officer's office code
	// OSUser is the operating-system account that ran the CLI for the
	// officer, recorded in the audit detail; "" over HTTP.
	OSUser string
}

// actor is who an officer's change is recorded under.
func (c StatusChange) actor() actor {
	return actor{by: c.Petugas, kantor: c.Kantor, osUser: c.OSUser}
}

// StatusResult is the outcome of a StatusChange.
type StatusResult struct {
	Action  Action
	NIKMask string // the NIK, masked (nik.Mask)
	Status  string // the credentials' status now: "valid", "suspended" or "revoked"
	Changed int    // how many credentials changed
}

// Errors of ChangeStatus that say why nothing changed.
var (
	ErrNoDigitalID = errs.New(errs.Conflict, "penduduk ini tidak punya KTP digital aktif; tidak ada yang diubah",
		"this resident has no active digital ID; nothing was changed")
	ErrAlreadySuspended = errs.New(errs.Conflict, "KTP digital penduduk ini sudah ditangguhkan",
		"this resident's digital ID is already suspended")
	ErrNotSuspended = errs.New(errs.Conflict, "KTP digital penduduk ini tidak sedang ditangguhkan; tidak ada yang dipulihkan",
		"this resident's digital ID is not suspended; nothing to unsuspend")
	ErrAllRevoked = errs.New(errs.Conflict, "KTP digital penduduk ini sudah dicabut; lakukan aktivasi baru",
		"this resident's digital ID is revoked; a new activation is needed")
)

// ChangeStatus suspends, unsuspends or revokes a resident's digital ID for
// an officer, in one transaction with its audit events (actor and office
// the officer's). Revoking also releases the device, so the resident
// activates again on a new phone. The officer may act only on residents of
// their office's area: for others, and for an unknown NIK, the error is a
// *kantor.Refusal (Forbidden, or NotFound for a NIK of the area), and the
// refused attempt is audited as "kredensial.ditolak". Other errors are
// *errs.Error: Invalid for a bad NIK, action or reason, and Conflict
// (ErrNoDigitalID, ErrAlreadySuspended, ...) when there is nothing to
// change.
func (is *Issuer) ChangeStatus(ctx context.Context, c StatusChange) (StatusResult, error) {
	if err := c.check(); err != nil {
		return StatusResult{}, err
	}
	res := StatusResult{Action: c.Action, NIKMask: nik.Mask(c.NIK)}
	err := is.Store.InTx(ctx, func(tx store.Tx) error {
		var err error
		res.Changed, res.Status, err = is.changeFor(ctx, tx, c)
		return err
	})
	if err != nil {
		return StatusResult{}, kantor.AuditRefusal(ctx, is.Store, is.Audit, c.refused(), err)
	}
	return res, nil
}

// ActionRefused is the audit action of an officer's status change refused
// because the resident is not in the officer's area (or unknown).
const ActionRefused = "kredensial.ditolak"

// refused describes the change as a refused attempt for the audit log.
func (c StatusChange) refused() kantor.Attempt {
	detail := map[string]any{"tindakan": string(c.Action), "alasan": c.Alasan}
	if c.OSUser != "" {
		detail["pengguna_os"] = c.OSUser
	}
	return kantor.Attempt{Action: ActionRefused, Petugas: c.Petugas, Kantor: c.Kantor, NIK: c.NIK,
		Purpose: "status kredensial", Detail: detail}
}

// check validates the request's action, NIK and reason.
func (c *StatusChange) check() error {
	if !slices.Contains(Actions, c.Action) {
		return errs.Newf(errs.Invalid, "tindakan %q tidak dikenal; pilih tangguhkan, pulihkan atau cabut",
			"unknown action %q; choose tangguhkan, pulihkan or cabut", string(c.Action))
	}
	c.NIK = strings.TrimSpace(c.NIK)
	if _, err := nik.Parse(c.NIK); err != nil {
		return err
	}
	codes := ReasonCodes(c.Action)
	if !slices.Contains(codes, c.Alasan) {
		list := strings.Join(codes, ", ")
		if c.Alasan == "" {
			return errs.Newf(errs.Invalid, "alasan wajib diisi, salah satu dari: %s", "a reason is required, one of: %s", list)
		}
		return errs.Newf(errs.Invalid, "alasan %q tidak dikenal untuk %s; pilih salah satu dari: %s",
			"reason %q is not known for %s; choose one of: %s", c.Alasan, string(c.Action), list)
	}
	return nil
}

// changeFor applies a checked StatusChange in tx and returns how many
// credentials changed and their status now.
//
// The resident's printed card (assisted mode) follows the digital ID: it
// is suspended, lifted and revoked with it, and a resident with only a
// printed card (no phone) has a digital ID to act on.
func (is *Issuer) changeFor(ctx context.Context, tx store.Tx, c StatusChange) (int, string, error) {
	if _, err := kantor.Resident(ctx, tx, c.Kantor, c.NIK); err != nil {
		return 0, "", fmt.Errorf("issuance: %w", err)
	}
	_, err := tx.GetPerangkatAktif(ctx, c.NIK)
	hasDevice := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return 0, "", fmt.Errorf("issuance: active device: %w", err)
	}
	pc, err := printedOf(ctx, tx, c.NIK)
	if err != nil {
		return 0, "", err
	}
	printed := pc.state()
	if !hasDevice && (printed.Status == "none" || printed.Status == "revoked") {
		return 0, "", ErrNoDigitalID
	}
	if c.Action == Cabut {
		n := 0
		if hasDevice {
			if n, err = is.releaseDevice(ctx, tx, c.NIK, c.actor(), c.Alasan); err != nil {
				return 0, "", err
			}
		}
		m, err := is.changePrinted(ctx, tx, c.NIK, pc, store.StatusRevoked, ActionPrintRevoke, c.actor(), c.Alasan)
		return n + m, "revoked", err
	}
	to, action, printedAction, want := store.StatusSuspended, "kredensial.tangguhkan", ActionPrintSuspend, "suspended"
	if c.Action == Pulihkan {
		to, action, printedAction, want = store.StatusValid, "kredensial.pulihkan", ActionPrintUnsuspend, "valid"
	}
	n := 0
	if hasDevice {
		if n, err = is.change(ctx, tx, c.NIK, to, action, c.actor(), c.Alasan); err != nil {
			return 0, "", err
		}
	}
	m, err := is.changePrinted(ctx, tx, c.NIK, pc, to, printedAction, c.actor(), c.Alasan)
	if err != nil || n+m > 0 {
		return n + m, want, err
	}
	return 0, "", is.whyUnchanged(ctx, tx, c, hasDevice, printed)
}

// whyUnchanged names why a suspension or its lifting changed nothing.
func (is *Issuer) whyUnchanged(ctx context.Context, tx store.Tx, c StatusChange, hasDevice bool, printed PrintedState) error {
	st := store.StatusRevoked
	if hasDevice {
		var err error
		if st, err = is.deviceStatus(ctx, tx, c.NIK); err != nil {
			return err
		}
	}
	switch printed.Status {
	case "valid":
		st = store.StatusValid
	case "suspended":
		if st != store.StatusValid {
			st = store.StatusSuspended
		}
	}
	switch {
	case st == store.StatusRevoked:
		return ErrAllRevoked
	case c.Action == Tangguhkan:
		return ErrAlreadySuspended
	default:
		return ErrNotSuspended
	}
}

// deviceStatus is the status of the active device's issued credentials
// (see deviceStatusOf).
func (is *Issuer) deviceStatus(ctx context.Context, tx store.Tx, n string) (int, error) {
	dev, err := tx.GetPerangkatAktif(ctx, n)
	if err != nil {
		return 0, fmt.Errorf("issuance: active device: %w", err)
	}
	return deviceStatusOf(ctx, tx, dev)
}

// deviceStatusOf is the status of a device's issued credentials: valid
// when any is valid, else suspended when any is, else revoked.
func deviceStatusOf(ctx context.Context, q store.Queries, dev store.Perangkat) (int, error) {
	creds, current, err := currentStatuses(ctx, q, dev)
	if err != nil {
		return 0, err
	}
	out := store.StatusRevoked
	for _, k := range creds {
		switch s := current[k.ID]; {
		case k.State != store.Terbit || !k.DigantiPada.IsZero():
		case s == store.StatusValid:
			return store.StatusValid, nil
		case s == store.StatusSuspended:
			out = store.StatusSuspended
		}
	}
	return out, nil
}

// statusName names a status list value as StatusResult does.
func statusName(s int) string {
	switch s {
	case store.StatusValid:
		return "valid"
	case store.StatusSuspended:
		return "suspended"
	}
	return "revoked"
}

// DigitalID is the state of a resident's digital ID as an officer sees
// it.
type DigitalID struct {
	// Status is "none" (no active device), "valid", "suspended" or
	// "revoked".
	Status  string
	BoundAt time.Time // when the active device was bound
	Device  string    // the start of the device key's thumbprint
	// Cetak is the resident's newest printed card (assisted mode), which
	// Status does not count: Status is the phone's.
	Cetak PrintedState
}

// DigitalIDOf reads the state of a resident's digital ID in tx.
func DigitalIDOf(ctx context.Context, tx store.Queries, n string) (DigitalID, error) {
	pc, err := printedOf(ctx, tx, n)
	if err != nil {
		return DigitalID{}, err
	}
	return digitalIDOf(ctx, tx, n, pc)
}

// digitalIDOf is DigitalIDOf with the resident's printed cards pc already
// read.
func digitalIDOf(ctx context.Context, tx store.Queries, n string, pc printedCards) (DigitalID, error) {
	cetak := pc.state()
	dev, err := tx.GetPerangkatAktif(ctx, n)
	if store.IsNotFound(err) {
		return DigitalID{Status: "none", Cetak: cetak}, nil
	}
	if err != nil {
		return DigitalID{}, fmt.Errorf("issuance: active device: %w", err)
	}
	s, err := deviceStatusOf(ctx, tx, dev)
	if err != nil {
		return DigitalID{}, err
	}
	return DigitalID{Status: statusName(s), BoundAt: dev.BoundAt, Device: dev.JKT[:min(8, len(dev.JKT))], Cetak: cetak}, nil
}
