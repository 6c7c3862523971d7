package konsol_test

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/penduduk"
	"github.com/ikd-project/ikd/internal/store"
)

// TestEmailChangeNotice: an officer who changes a resident's e-mail address
// at the activation (where the code then goes) cannot do it unseen: the
// old address gets a notice naming the office, with the new address
// masked; the audit event holds keyed hashes of both addresses, never the
// addresses; the officer's page says the old address was told. Confirming
// the same address sends no notice.
func TestEmailChangeNotice(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		c := start(t, st)
		op := signIn(t, c, "mira", "MPP-17.71", store.PeranOperator)
		const rogue = "rogue.operator@evil.example"
		res, body := op.post("/konsol/penduduk/"+siti+"/aktivasi", url.Values{"email": {" " + rogue + " "}})
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("activation with a new e-mail: %d", res.StatusCode)
		}
		if !strings.Contains(body, `id="email-lama"`) || !strings.Contains(body, "pemberitahuan perubahan dikirim ke alamat lama") ||
			!strings.Contains(body, "s***@example.id") || strings.Contains(body, "siti@example.id") {
			t.Error("the offer page does not say that the old address was told (masked)")
		}

		notices := mails(t, c, "Subject: Alamat e-mail IKD Anda diubah")
		if len(notices) != 1 {
			t.Fatalf("%d notices in the outbox, want 1", len(notices))
		}
		n := notices[0]
		for _, want := range []string{"To: siti@example.id\r\n", "Yth. SITI AMINAH", "r***@evil.example", "Mal Pelayanan Publik Kota Bengkulu",
			"segera hubungi Dukcapil", "-- English --", "contact Dukcapil"} {
			if !strings.Contains(n, want) {
				t.Errorf("no %q in the notice:\n%s", want, n)
			}
		}
		if strings.Contains(n, "rogue.operator") {
			t.Error("the notice shows the new address in full")
		}
		if codes := mails(t, c, "To: "+rogue+"\r\n"); len(codes) != 1 || !strings.Contains(codes[0], "Kode aktivasi KTP digital (IKD) Anda: ") {
			t.Errorf("%d activation mails to the new address, want 1", len(codes))
		}

		ev := contactEvents(t, c)
		if len(ev) != 1 {
			t.Fatalf("%d contact events, want 1", len(ev))
		}
		for _, want := range []string{`"email_lama_hmac":"` + c.audit.ValueHash("email", "siti@example.id") + `"`,
			`"email_baru_hmac":"` + c.audit.ValueHash("email", rogue) + `"`, `"diubah":["email"]`} {
			if !strings.Contains(ev[0].Detail, want) {
				t.Errorf("audit detail %s lacks %s", ev[0].Detail, want)
			}
		}
		if strings.Contains(ev[0].Detail, "@") {
			t.Errorf("audit detail holds an address: %s", ev[0].Detail)
		}

		// The same address again: no change, no notice, no event.
		if _, err := c.penduduk().SetContact(ctx, op.petugas(t, st), siti, rogue, ""); err != nil {
			t.Fatal(err)
		}
		if len(mails(t, c, "Subject: Alamat e-mail IKD Anda diubah")) != 1 || len(contactEvents(t, c)) != 1 {
			t.Error("confirming the same address sent a notice or recorded a change")
		}
	})
}

// mails returns the outbox's mails that contain s.
func mails(t *testing.T, c *console, s string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(c.dataDir, "outbox", "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), s) {
			out = append(out, string(b))
		}
	}
	return out
}

// contactEvents returns the audit events of contact changes.
func contactEvents(t *testing.T, c *console) []store.AuditEvent {
	t.Helper()
	evs, err := c.st.ListAudit(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.AuditEvent
	for _, ev := range evs {
		if ev.Action == penduduk.ActionKontak {
			out = append(out, ev)
		}
	}
	return out
}

// penduduk is the resident reader over the console's store and audit log.
func (c *console) penduduk() *penduduk.Reader {
	return &penduduk.Reader{Store: c.st, Audit: c.audit}
}

// petugas reads the signed-in officer's account.
func (s *session) petugas(t *testing.T, st store.Store) store.Petugas {
	t.Helper()
	p, err := st.GetPetugas(ctx, s.username)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
