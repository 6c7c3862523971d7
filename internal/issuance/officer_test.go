package issuance

import (
	"errors"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/statuslist"
	"github.com/ikd-project/ikd/internal/store"
)

// TestChangeStatus runs an officer's suspend, unsuspend and revoke with
// every refusal, and checks the statuses and the audit events they leave.
func TestChangeStatus(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		e := setup(t, st)
		out, p, _ := e.issue(t, adult())
		change := func(act Action, n, alasan string) (StatusResult, error) {
			return e.is.ChangeStatus(ctx, StatusChange{Action: act, NIK: n, Alasan: alasan, Petugas: "budi", Kantor: kantorKota})
		}
		ok := func(act Action, alasan string, want statuslist.Status, status string) {
			t.Helper()
			res, err := change(act, p.NIK, alasan)
			if err != nil || res.Changed != 4 || res.Status != status || res.NIKMask != "1771********"+p.NIK[12:] {
				t.Fatalf("%s: %+v %v", act, res, err)
			}
			if sts, _ := e.statusOf(t, out); !all(sts, want) {
				t.Errorf("%s: statuses %v", act, sts)
			}
		}
		refused := func(act Action, n, alasan string, kind errs.Kind, want string) {
			t.Helper()
			_, err := change(act, n, alasan)
			if !errors.Is(err, kind) || !strings.Contains(errs.Message(err, "id", ""), want) {
				t.Errorf("%s %s %q: %v, want %s containing %q", act, n, alasan, err, kind, want)
			}
		}
		refused(Pulihkan, p.NIK, "perangkat_ditemukan", errs.Conflict, "tidak sedang ditangguhkan")
		ok(Tangguhkan, "perangkat_hilang", statuslist.Suspended, "suspended")
		refused(Tangguhkan, p.NIK, "perangkat_hilang", errs.Conflict, "sudah ditangguhkan")
		ok(Pulihkan, "perangkat_ditemukan", statuslist.Valid, "valid")
		// Bad input changes nothing.
		refused(Tangguhkan, p.NIK, "", errs.Invalid, "alasan wajib diisi")
		refused(Tangguhkan, p.NIK, "perangkat_ditemukan", errs.Invalid, "perangkat_hilang, permintaan_penduduk")
		refused(Action("hapus"), p.NIK, "perangkat_hilang", errs.Invalid, "tidak dikenal")
		refused(Tangguhkan, "1771", "perangkat_hilang", errs.Invalid, "NIK")
		refused(Tangguhkan, "1771015708909999", "perangkat_hilang", errs.NotFound, "tidak ditemukan")
		if sts, _ := e.statusOf(t, out); !all(sts, statuslist.Valid) {
			t.Errorf("refusals changed statuses: %v", sts)
		}
		// Revoking releases the device; after it there is nothing to change.
		ok(Cabut, "permintaan_penduduk", statuslist.Revoked, "revoked")
		if _, err := st.GetPerangkatAktif(ctx, p.NIK); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("active device after cabut: %v", err)
		}
		for _, act := range Actions {
			refused(act, p.NIK, "permintaan_penduduk", errs.Conflict, "tidak punya KTP digital aktif")
		}

		// Every change is audited under the officer and their office, with the reason.
		events, err := st.ListAudit(ctx, 0, 100000)
		must(t, err)
		var got []string
		for _, ev := range events {
			switch ev.Action {
			case "kredensial.tangguhkan", "kredensial.pulihkan", "kredensial.cabut", "perangkat.lepas":
				if ev.Actor != "budi" || ev.KantorKode != kantorKota || !strings.Contains(ev.Detail, "alasan") {
					t.Errorf("event %+v", ev)
				}
				got = append(got, ev.Action)
			}
		}
		if strings.Join(got, ",") != "kredensial.tangguhkan,kredensial.pulihkan,kredensial.cabut,perangkat.lepas" {
			t.Errorf("audit events %v", got)
		}
	})
}

// TestChangeStatusRevoked: a digital ID revoked by the system (an import
// that marked the resident deceased) cannot be suspended or lifted.
func TestChangeStatusRevoked(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		e := setup(t, st)
		_, p, _ := e.issue(t, adult())
		must(t, st.InTx(ctx, func(tx store.Tx) error {
			_, err := e.is.Revoke(ctx, tx, p.NIK, "meninggal")
			return err
		}))
		for _, act := range []Action{Tangguhkan, Pulihkan} {
			_, err := e.is.ChangeStatus(ctx, StatusChange{Action: act, NIK: p.NIK, Alasan: "permintaan_penduduk", Petugas: "budi", Kantor: kantorKota})
			if !errors.Is(err, ErrAllRevoked) {
				t.Errorf("%s a revoked ID: %v", act, err)
			}
		}
	})
}
