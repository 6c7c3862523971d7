package issuance

import (
	"crypto"
	"slices"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/kredensial/sdjwt"
	"github.com/ikd-project/ikd/internal/statuslist"
	"github.com/ikd-project/ikd/internal/store"
)

func (e *env) reissue(t *testing.T, n, why string) ReissueResult {
	t.Helper()
	var res ReissueResult
	must(t, e.st.InTx(ctx, func(tx store.Tx) error {
		var err error
		res, err = e.is.Reissue(ctx, tx, Reissue{NIK: n, Alasan: why, Petugas: "sari", Kantor: kantorKota})
		return err
	}))
	return res
}

func ids(out []Issued) []string {
	var s []string
	for _, c := range out {
		s = append(s, c.Kredensial.ID)
	}
	return s
}

// TestReissue: a data change supersedes every credential of the device
// (revoked on the status list) and the printed card, and issues the same
// kinds from the changed record, bound to the same device key, kept for
// the wallet; the device's standing and later status changes count only
// the new ones; a suspended ID and a resident with no phone are left as
// they are.
func TestReissue(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		e := setup(t, st)
		out, p, devKey := e.issue(t, adult())
		card := e.print(t, p.NIK)
		_, err := st.UpdatePenduduk(ctx, p.NIK, func(q *store.Penduduk) error { q.Alamat = "JL. PARIWISATA NO. 9"; return nil })
		must(t, err)
		e.clock.Advance(time.Hour)

		res := e.reissue(t, p.NIK, "ubah_data")
		if !slices.Equal(res.Superseded, ids(out)) || len(res.Issued) != 4 || res.Cetak != 1 || res.Kept != "" {
			t.Fatalf("result %+v (old %v)", res, ids(out))
		}
		if sts, _ := e.statusOf(t, out); !all(sts, statuslist.Revoked) {
			t.Errorf("old statuses %v", sts)
		}
		if sts, _ := e.statusOf(t, res.Issued); !all(sts, statuslist.Valid) {
			t.Errorf("new statuses %v", sts)
		}
		if _, s := e.verifyCard(t, card); s != statuslist.Revoked {
			t.Errorf("printed card after the change: %v", s)
		}
		for i, c := range res.Issued {
			if c.Format != out[i].Format || c.Profile != out[i].Profile || !c.Kredensial.IssuedAt.Equal(t0.Add(time.Hour)) {
				t.Errorf("new credential %d: %s %s at %v, want %s %s", i, c.Format, c.Profile, c.Kredensial.IssuedAt, out[i].Format, out[i].Profile)
			}
		}
		v, err := sdjwt.Verify(res.Issued[0].Credential, sdjwt.VerifyOptions{
			Keys: func(kid string) (crypto.PublicKey, bool) { k, err := e.keys.Lookup(kid); return k.Public, err == nil },
			Now:  e.clock.Now(),
		})
		must(t, err)
		addr, _ := v.Claims[sdjwt.ClaimAlamat].(map[string]any)
		if v.HolderKey == nil || !v.HolderKey.Equal(&devKey.PublicKey) || addr[sdjwt.AlamatJalan] != "JL. PARIWISATA NO. 9" {
			t.Errorf("new SD-JWT VC: holder key %v, address %v", v.HolderKey, v.Claims[sdjwt.ClaimAlamat])
		}
		dev, err := st.GetPerangkatAktif(ctx, p.NIK)
		must(t, err)
		wait, err := st.ListKiriman(ctx, dev.ID)
		must(t, err)
		if len(wait) != 4 {
			t.Fatalf("waiting for the wallet: %d", len(wait))
		}
		for _, c := range res.Issued {
			cfg := Kind{c.Format, c.Profile}.ConfigurationID()
			i := slices.IndexFunc(wait, func(k store.Kiriman) bool { return k.Konfigurasi == cfg })
			if i < 0 || wait[i].Isi != c.Wire() || wait[i].KredensialID != c.Kredensial.ID {
				t.Errorf("delivery of %s: %+v", cfg, wait)
			}
		}
		d, err := DigitalIDOf(ctx, st, p.NIK)
		must(t, err)
		if d.Status != "valid" {
			t.Errorf("digital ID after the re-issue: %+v", d)
		}
		checkAction(t, st, ActionSupersede, 1)

		// A suspension applies to the new credentials only; a change
		// while suspended leaves everything as it is.
		var n int
		must(t, st.InTx(ctx, func(tx store.Tx) error { n, err = e.is.Suspend(ctx, tx, p.NIK, "pemeriksaan"); return err }))
		if sts, _ := e.statusOf(t, res.Issued); n != 4 || !all(sts, statuslist.Suspended) {
			t.Errorf("suspend after a re-issue: %d changed, new %v", n, sts)
		}
		if sts, _ := e.statusOf(t, out); !all(sts, statuslist.Revoked) {
			t.Errorf("superseded ones after suspend: %v", sts)
		}
		if kept := e.reissue(t, p.NIK, "ubah_foto"); kept.Kept != "suspended" || len(kept.Issued) != 0 || len(kept.Superseded) != 0 {
			t.Errorf("re-issue while suspended: %+v", kept)
		}
		must(t, st.InTx(ctx, func(tx store.Tx) error { _, err = e.is.Unsuspend(ctx, tx, p.NIK, "selesai"); return err }))

		// A second change replaces the first re-issue's deliveries.
		again := e.reissue(t, p.NIK, "ubah_foto")
		if !slices.Equal(again.Superseded, ids(res.Issued)) || len(again.Issued) != 4 {
			t.Fatalf("second re-issue %+v", again)
		}
		wait, err = st.ListKiriman(ctx, dev.ID)
		must(t, err)
		if len(wait) != 4 || !slices.ContainsFunc(wait, func(k store.Kiriman) bool { return k.KredensialID == again.Issued[0].Kredensial.ID }) {
			t.Errorf("deliveries after the second change: %+v", wait)
		}
		// A released phone's deliveries go.
		must(t, st.InTx(ctx, func(tx store.Tx) error { return e.is.ReleaseDevice(ctx, tx, p.NIK, "sari", kantorKota) }))
		if wait, err = st.ListKiriman(ctx, dev.ID); err != nil || len(wait) != 0 {
			t.Errorf("deliveries of a released phone: %d, %v", len(wait), err)
		}

		// No phone: nothing to re-issue, no error.
		q := e.noPhone(t)
		if r := e.reissue(t, q.NIK, "ubah_data"); r.Kept != "none" || len(r.Issued) != 0 {
			t.Errorf("no phone: %+v", r)
		}
	})
}

// TestReissueQROnly: a device that took only QR credentials names no key
// ikd reads back; a change still stops its old credentials, and says the
// resident must activate again.
func TestReissueQROnly(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		e := setup(t, st)
		p, d, devKey, a := e.resident(t, adult())
		var out []Issued
		must(t, st.InTx(ctx, func(tx store.Tx) error {
			var err error
			out, err = e.is.IssueKinds(ctx, tx, p, d, &devKey.PublicKey, a, []Kind{{Format: FormatCWT, Profile: "dasar"}})
			return err
		}))
		res := e.reissue(t, p.NIK, "ubah_data")
		if res.Kept != "nokey" || len(res.Issued) != 0 || !slices.Equal(res.Superseded, ids(out)) {
			t.Fatalf("QR-only re-issue: %+v", res)
		}
		if sts, _ := e.statusOf(t, out); !all(sts, statuslist.Revoked) {
			t.Errorf("old QR credential after the change: %v", sts)
		}
	})
}
