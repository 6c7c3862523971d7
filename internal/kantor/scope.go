package kantor

import (
	"context"
	"errors"
	"fmt"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// Reasons of a Refusal, as the audit log records them.
const (
	ReasonOutside = "di_luar_wilayah"   // the resident lives outside the office's area
	ReasonUnknown = "nik_tidak_dikenal" // no resident has the NIK
)

// Refusal is the error of Resident when an officer may not act on a NIK.
// Its message is the same whatever the Reason, so that an officer cannot
// tell an unknown NIK from a resident of another area.
type Refusal struct {
	Reason string // ReasonOutside or ReasonUnknown, for the audit log only
	err    *errs.Error
}

// Error returns the message shown to the officer, prefixed by its kind.
func (r *Refusal) Error() string { return r.err.Error() }

// Unwrap returns the *errs.Error shown to the officer.
func (r *Refusal) Unwrap() error { return r.err }

// The answers of a Refusal: one text, two kinds (see refuse).
var (
	errOutside = errs.New(errs.Forbidden,
		"penduduk dengan NIK ini tidak ditemukan di wilayah kerja kantor Anda; tidak ada yang diubah",
		"no resident with this NIK in your office's area; nothing was changed")
	errUnknownInArea = errs.New(errs.NotFound, errOutside.ID, errOutside.EN)
)

// Covers reports whether the area of office k includes the region kode (a
// desa, kecamatan, kab/kota or province code): the provincial Dinas covers
// the province, a kab/kota Dinas (or the MPP of a kota) its kab/kota, a
// kecamatan office its kecamatan.
func Covers(k store.Kantor, kode string) bool {
	return wilayah.Within(kode, k.WilayahKode)
}

// CoversNIK reports whether the kecamatan coded in the first six digits of
// an NIK lies in office k's area.
func CoversNIK(k store.Kantor, n string) bool {
	return len(n) >= 6 && Covers(k, wilayah.FromDigits(n[:6]))
}

// Getter is the part of a store transaction Resident reads through.
type Getter interface {
	GetKantor(ctx context.Context, kode string) (store.Kantor, error)
	GetPenduduk(ctx context.Context, nik string) (store.Penduduk, error)
}

// Resident returns the resident with the (well-formed) NIK n for an
// officer of office kantor, when the resident's desa lies in the office's
// area. Otherwise it returns a *Refusal, or an Invalid error for an
// unknown office.
func Resident(ctx context.Context, tx Getter, kantor, n string) (store.Penduduk, error) {
	k, err := tx.GetKantor(ctx, kantor)
	if store.IsNotFound(err) {
		return store.Penduduk{}, errs.Newf(errs.Invalid, "kantor %q tidak dikenal", "unknown office %q", kantor)
	} else if err != nil {
		return store.Penduduk{}, fmt.Errorf("office %s: %w", kantor, err)
	}
	p, err := tx.GetPenduduk(ctx, n)
	switch {
	case store.IsNotFound(err):
		return store.Penduduk{}, refuse(k, n, ReasonUnknown)
	case err != nil:
		return store.Penduduk{}, fmt.Errorf("resident: %w", err)
	case !Covers(k, p.DesaKode):
		return store.Penduduk{}, refuse(k, n, ReasonOutside)
	}
	return p, nil
}

// refuse returns the Refusal for NIK n at office k. The answer depends
// only on the NIK itself and the office, never on the database: 404 when
// the NIK was issued in the office's area (an officer may be told that a
// NIK of their own area is unknown, e.g. a typing error at the counter),
// 403 otherwise, with one message for both. So a 403 never says whether a
// NIK outside the area exists, and a 404 never says whether a resident of
// the area moved away: both are "not found in your area".
func refuse(k store.Kantor, n, reason string) *Refusal {
	if CoversNIK(k, n) {
		return &Refusal{Reason: reason, err: errUnknownInArea}
	}
	return &Refusal{Reason: reason, err: errOutside}
}

// Attempt is an officer's refused attempt, for AuditRefusal.
type Attempt struct {
	Action  string         // audit action, e.g. "kredensial.ditolak"
	Petugas string         // the officer's username
	Kantor  string         // the officer's office
	NIK     string         // the resident's NIK; the log keeps it masked and hashed
	Purpose string         // what the officer tried, e.g. "kredensial cabut"
	Detail  map[string]any // more detail; must hold no full NIK or e-mail
}

// AuditRefusal records a refused attempt in its own transaction (the
// attempt's was rolled back) and returns err, the refusal, unless the
// record fails. It does nothing and returns err when err is no *Refusal.
func AuditRefusal(ctx context.Context, st store.Store, log *audit.Log, a Attempt, err error) error {
	var ref *Refusal
	if !errors.As(err, &ref) {
		return err
	}
	detail := map[string]any{"alasan_tolak": ref.Reason}
	for k, v := range a.Detail {
		detail[k] = v
	}
	aerr := st.InTx(ctx, func(tx store.Tx) error {
		_, err := log.Record(ctx, tx, audit.Entry{Actor: a.Petugas, Kantor: a.Kantor, Action: a.Action,
			Subject: a.NIK, Purpose: a.Purpose, Detail: detail})
		return err
	})
	if aerr != nil {
		return fmt.Errorf("audit refused attempt: %w", aerr)
	}
	return err
}
