package issuance

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
	"github.com/ikd-project/ikd/internal/statuslist"
	"github.com/ikd-project/ikd/internal/store"
)

// noPhone creates the next resident with no activation and no device.
func (e *env) noPhone(t *testing.T) store.Penduduk {
	t.Helper()
	e.n++
	p := store.Penduduk{NIK: nikN(e.n), NoKK: "1771010101150001", Hubungan: store.Anak, Nama: "SITI AMINAH",
		TempatLahir: "BENGKULU", TanggalLahir: adult(), JenisKelamin: store.Perempuan, GolonganDarah: "O",
		Agama: "ISLAM", StatusKawin: store.Kawin, Pekerjaan: "PETANI", Kewarganegaraan: "WNI",
		Alamat: "JL. SUDIRMAN NO. 1", RT: "001", RW: "002", DesaKode: "17.71.01.1001", StatusNIK: store.NIKAktif}
	if e.n == 1 {
		p.Hubungan = store.KepalaKeluarga
	}
	must(t, e.st.CreatePenduduk(ctx, &p))
	return p
}

func (e *env) print(t *testing.T, n string) PrintedCard {
	t.Helper()
	c, err := e.is.PrintCard(ctx, PrintRequest{NIK: n, Petugas: "sari", Kantor: kantorKota})
	must(t, err)
	return c
}

// verifyCard verifies a printed card's QR text with the issuer's key and
// its status entry as committed now.
func (e *env) verifyCard(t *testing.T, c PrintedCard) (*qrcred.Verified, statuslist.Status) {
	t.Helper()
	keys, err := qrcred.KeysByID(e.keys.Active().Public)
	must(t, err)
	v, err := qrcred.Verify(c.Text, qrcred.VerifyOptions{Keys: keys, Now: e.clock.Now().Add(30 * 24 * time.Hour)})
	must(t, err)
	s, ok, err := e.is.EntryStatus(ctx, v.Status.URI, v.Status.Idx)
	if err != nil || !ok {
		t.Fatalf("status entry: %v %v", ok, err)
	}
	return v, s
}

func auditActions(t *testing.T, st store.Store, prefix string) []store.AuditEvent {
	t.Helper()
	evs, err := st.ListAudit(ctx, 0, 100000)
	must(t, err)
	var out []store.AuditEvent
	for _, ev := range evs {
		if strings.HasPrefix(ev.Action, prefix) {
			out = append(out, ev)
		}
	}
	return out
}

// TestPrintCard: a printed card is a signed foto QR with no device
// binding and the cetak claim, verifies long after 90 s, has its own
// status entry, is audited (who printed for whom), and a new print
// revokes the old card.
func TestPrintCard(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		e := setup(t, st)
		p := e.noPhone(t)
		c := e.print(t, p.NIK)
		v, s := e.verifyCard(t, c)
		if !v.Printed || v.DeviceKey != nil || v.Profile != qrcred.Foto || v.Claims.Nama != p.Nama || v.Claims.NIK != p.NIK ||
			len(v.Claims.Foto) == 0 || s != statuslist.Valid || !v.IAT.Equal(t0) || !v.Exp.Equal(t0.Add(365*24*time.Hour)) {
			t.Fatalf("verified %+v, status %v", v, s)
		}
		if c.Nama != p.Nama || c.NIK != p.NIK || len(c.Portrait) == 0 || !c.IssuedAt.Equal(t0) || c.Replaced != 0 {
			t.Errorf("card %+v", c)
		}
		cards, err := st.ListKartuCetak(ctx, p.NIK)
		must(t, err)
		if len(cards) != 1 || cards[0].State != store.Terbit || cards[0].Petugas != "sari" || cards[0].KantorKode != kantorKota ||
			cards[0].ID != c.ID {
			t.Errorf("rows %+v", cards)
		}
		d, err := DigitalIDOf(ctx, st, p.NIK)
		must(t, err)
		if d.Status != "none" || d.Cetak.Status != "valid" || d.Cetak.ID != c.ID || d.Cetak.Petugas != "sari" {
			t.Errorf("digital ID %+v", d)
		}
		printed := auditActions(t, st, ActionPrint)
		if len(printed) != 1 || printed[0].Actor != "sari" || printed[0].KantorKode != kantorKota || !strings.Contains(printed[0].Detail, c.ID) {
			t.Errorf("print audit %+v", printed)
		}
		// The status list token says valid, then revoked once reprinted.
		tok, err := e.is.PublishToken(ctx, "1", time.Hour)
		must(t, err)
		if tok == "" {
			t.Fatal("no token")
		}

		e.clock.Advance(time.Minute)
		c2 := e.print(t, p.NIK)
		if c2.Replaced != 1 || c2.ID == c.ID {
			t.Errorf("reprint %+v", c2)
		}
		if _, s := e.verifyCard(t, c); s != statuslist.Revoked {
			t.Errorf("old card after a reprint: %v", s)
		}
		if _, s := e.verifyCard(t, c2); s != statuslist.Valid {
			t.Errorf("new card: %v", s)
		}
		if revs := auditActions(t, st, ActionPrintRevoke); len(revs) != 1 || !strings.Contains(revs[0].Detail, reasonReplaced) {
			t.Errorf("revocation audit %+v", revs)
		}
	})
}

// TestPrintedCardFollowsDigitalID: suspending, lifting and revoking the
// digital ID applies to the printed card, with a phone or without one;
// "cabut kartu cetak" revokes the card alone.
func TestPrintedCardFollowsDigitalID(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		e := setup(t, st)
		change := func(act Action, n, alasan string) (StatusResult, error) {
			return e.is.ChangeStatus(ctx, StatusChange{Action: act, NIK: n, Alasan: alasan, Petugas: "budi", Kantor: kantorKota})
		}
		// Without a phone.
		p := e.noPhone(t)
		c := e.print(t, p.NIK)
		for _, step := range []struct {
			act    Action
			alasan string
			want   statuslist.Status
		}{{Tangguhkan, "permintaan_penduduk", statuslist.Suspended}, {Pulihkan, "pemeriksaan_selesai", statuslist.Valid},
			{Cabut, "dugaan_penyalahgunaan", statuslist.Revoked}} {
			res, err := change(step.act, p.NIK, step.alasan)
			if err != nil || res.Changed != 1 {
				t.Fatalf("%s: %+v %v", step.act, res, err)
			}
			if _, s := e.verifyCard(t, c); s != step.want {
				t.Errorf("%s: card %v", step.act, s)
			}
		}
		if _, err := change(Tangguhkan, p.NIK, "permintaan_penduduk"); !errors.Is(err, ErrNoDigitalID) {
			t.Errorf("after cabut: %v", err)
		}
		// A suspended digital ID prints no card.
		c = e.print(t, p.NIK)
		if _, err := change(Tangguhkan, p.NIK, "permintaan_penduduk"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.is.PrintCard(ctx, PrintRequest{NIK: p.NIK, Petugas: "sari", Kantor: kantorKota}); !errors.Is(err, ErrPrintSuspended) {
			t.Errorf("print while suspended: %v", err)
		}
		if _, err := change(Pulihkan, p.NIK, "pemeriksaan_selesai"); err != nil {
			t.Fatal(err)
		}
		// Cabut kartu cetak: the card alone, with a reason.
		if _, err := e.is.RevokePrinted(ctx, PrintedRevoke{NIK: p.NIK, Alasan: "tidak_ada", Petugas: "sari", Kantor: kantorKota}); !errors.Is(err, errs.Invalid) {
			t.Errorf("unknown reason: %v", err)
		}
		n, err := e.is.RevokePrinted(ctx, PrintedRevoke{NIK: p.NIK, Alasan: "kartu_hilang", Petugas: "sari", Kantor: kantorKota})
		if err != nil || n != 1 {
			t.Fatalf("revoke printed: %d %v", n, err)
		}
		if _, s := e.verifyCard(t, c); s != statuslist.Revoked {
			t.Errorf("card after cabut kartu cetak: %v", s)
		}
		if _, err := e.is.RevokePrinted(ctx, PrintedRevoke{NIK: p.NIK, Alasan: "kartu_hilang", Petugas: "sari", Kantor: kantorKota}); !errors.Is(err, ErrNoPrintedCard) {
			t.Errorf("revoke again: %v", err)
		}

		// With a phone: revoking the digital ID revokes the phone's four and the card.
		out, q, _ := e.issue(t, adult())
		c = e.print(t, q.NIK)
		res, err := change(Cabut, q.NIK, "permintaan_penduduk")
		if err != nil || res.Changed != 5 {
			t.Fatalf("cabut with a phone: %+v %v", res, err)
		}
		if sts, _ := e.statusOf(t, out); !all(sts, statuslist.Revoked) {
			t.Errorf("phone credentials %v", sts)
		}
		if _, s := e.verifyCard(t, c); s != statuslist.Revoked {
			t.Errorf("card with the phone's revocation: %v", s)
		}
	})
}

// TestPrintCardArea: an officer prints only for residents of their area;
// the refusal is audited and nothing is issued.
func TestPrintCardArea(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		e := setup(t, st)
		other := "DISDUKCAPIL-17.01"
		must(t, st.CreateKantor(ctx, &store.Kantor{Kode: other, Nama: "Dinas Dukcapil Kabupaten Bengkulu Selatan",
			Jenis: store.DinasKabKota, WilayahKode: "17.01"}))
		p := e.noPhone(t)
		_, err := e.is.PrintCard(ctx, PrintRequest{NIK: p.NIK, Petugas: "andi", Kantor: other})
		var ref *kantor.Refusal
		if !errors.As(err, &ref) {
			t.Fatalf("outside the area: %v", err)
		}
		if cards, _ := st.ListKartuCetak(ctx, p.NIK); len(cards) != 0 {
			t.Errorf("issued outside the area: %+v", cards)
		}
		if refused := auditActions(t, st, ActionPrintRefused); len(refused) != 1 || refused[0].Actor != "andi" {
			t.Errorf("refusal audit %+v", refused)
		}
		if _, err := e.is.PrintCard(ctx, PrintRequest{NIK: "1771", Petugas: "sari", Kantor: kantorKota}); !errors.Is(err, errs.Invalid) {
			t.Errorf("bad NIK: %v", err)
		}
		_, err = e.is.PrintCard(ctx, PrintRequest{NIK: fmt.Sprintf("177101570890%04d", 999), Petugas: "sari", Kantor: kantorKota})
		if !errors.As(err, &ref) {
			t.Errorf("unknown NIK: %v", err)
		}
	})
}
