package konsol

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/issuance"
	"github.com/ikd-project/ikd/internal/jemput"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/web"
)

// TestDynamicTexts: the texts the pages look up by a computed key (a
// purpose, a digital-ID status, an activation state) exist in both
// languages.
func TestDynamicTexts(t *testing.T) {
	var keys []string
	for _, p := range purposes {
		keys = append(keys, "tujuan."+p)
	}
	for _, a := range issuance.Actions {
		keys = append(keys, "konsol.status."+string(a))
	}
	for _, s := range []string{"none", "valid", "suspended", "revoked"} {
		keys = append(keys, "ikd."+s, "cetak.status."+s)
	}
	for _, a := range []string{issuance.ActionPrint, issuance.ActionPrintRevoke, issuance.ActionPrintSuspend, issuance.ActionPrintUnsuspend, issuance.ActionPrintRefused} {
		keys = append(keys, "audit."+a)
	}
	for _, s := range []store.StateAktivasi{store.Ditawarkan, store.Ditukar, store.Selesai, store.Gagal, stateExpired} {
		keys = append(keys, "aktivasi."+string(s))
	}
	for _, s := range jemput.Sasaran {
		keys = append(keys, "sasaran."+string(s))
	}
	for _, s := range []string{"rencana", "berjalan", "selesai"} {
		keys = append(keys, "jstate."+s)
	}
	for _, k := range keys {
		for _, lang := range []string{"id", "en"} {
			if web.T(lang, k) == k {
				t.Errorf("no %s text %q", lang, k)
			}
		}
	}
}

// TestNext: after login only a console path is followed.
func TestNext(t *testing.T) {
	for in, want := range map[string]string{
		"/konsol/penduduk/1771015708900001": "/konsol/penduduk/1771015708900001",
		"//evil.example/konsol/":            "/konsol/",
		"https://evil.example/":             "/konsol/",
		"/konsol/\\evil":                    "/konsol/",
		"":                                  "/konsol/",
		"/dompet/":                          "/konsol/",
	} {
		if got := next(in); got != want {
			t.Errorf("next(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTypedNIK: a NIK grouped as on a card or a letter is a NIK; a name is
// not.
func TestTypedNIK(t *testing.T) {
	for in, want := range map[string]string{
		"1771015708900001":     "1771015708900001",
		"1771 0157 0890 0001":  "1771015708900001",
		"17.71.01.570890.0001": "1771015708900001",
		"1771-0157-0890-0001":  "1771015708900001",
		"177101570890000":      "177101570890000", // a NIK too short: Parse explains
		"siti aminah":          "",
		"siti 1990":            "",
		" . ":                  "",
	} {
		got, ok := typedNIK(in)
		if ok != (want != "") || ok && got != want {
			t.Errorf("typedNIK(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

// TestPurposeText: the console's purposes are shown by their text.
func TestPurposeText(t *testing.T) {
	for _, c := range []struct{ lang, in, want string }{
		{"id", "konsol: layanan", "konsol: pelayanan di loket"},
		{"en", "konsol: aktivasi", "console: IKD activation"},
		{"id", "konsol: lain", "konsol: lain"},
		{"id", "penyerahan KTP-el", "penyerahan KTP-el"},
	} {
		if got := web.PurposeText(c.lang, c.in); got != c.want {
			t.Errorf("PurposeText(%s, %q) = %q, want %q", c.lang, c.in, got, c.want)
		}
	}
}

// TestEventsGrouped: an issuance's events (one per credential
// configuration) share one line of the history with their count; the same
// action by another actor, or in another minute, keeps its own line.
func TestEventsGrouped(t *testing.T) {
	at := time.Date(2026, 12, 7, 8, 27, 10, 0, time.UTC)
	ev := func(actor, action string, sec int) store.AuditEvent {
		return store.AuditEvent{Actor: actor, Action: action, KantorKode: "DISDUKCAPIL-17.71", At: at.Add(time.Duration(sec) * time.Second)}
	}
	in := []store.AuditEvent{
		ev("system:issuance", "kredensial.terbit", 0), ev("system:issuance", "kredensial.siap", 0),
		ev("system:issuance", "kredensial.terbit", 1), ev("system:issuance", "kredensial.siap", 1),
		ev("wallet", "aktivasi.tukar", 1),
		ev("system:issuance", "kredensial.terbit", 2),
		ev("system:issuance", "kredensial.terbit", 90),
	}
	var got []string
	for _, e := range events("id", in) {
		got = append(got, fmt.Sprintf("%s %s ×%d", e.Actor, e.Action, e.Times))
	}
	want := []string{
		"system:issuance kredensial.terbit ×2", "system:issuance kredensial.siap ×2",
		"wallet aktivasi.tukar ×1",
		"system:issuance kredensial.terbit ×1", "system:issuance kredensial.terbit ×1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
