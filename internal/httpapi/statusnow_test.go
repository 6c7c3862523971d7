package httpapi_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/httpapi"
	"github.com/ikd-project/ikd/internal/httpserver"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/issuance"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/trustlist"
)

// changeStatus makes an officer's status change through is, as `ikd
// kredensial` does.
func changeStatus(t *testing.T, is *issuance.Issuer, act issuance.Action, alasan string) {
	t.Helper()
	_, err := is.ChangeStatus(ctx, issuance.StatusChange{Action: act, NIK: siti, Alasan: alasan, Petugas: "budi", Kantor: office})
	if err != nil {
		t.Fatalf("%s: %v", act, err)
	}
}

// TestOnlineStatusAtOnce: an institution's online verification answers a
// suspension or revocation at once, also one made by another process on a
// database handle of its own (ikd kredensial, ikd import), although the
// server reuses its parsed trust list for a minute (MOSIP #1712).
func TestOnlineStatusAtOnce(t *testing.T) {
	ikdtest.ForEachBackendPair(t, func(t *testing.T, st, other store.Store) {
		o := startOfficer(t, st)
		phone := newKey(t)
		creds, _ := o.activate(t, phone, "ktp_qr_dasar")
		n := 0
		check := func(step, want, reason string) {
			t.Helper()
			n++
			nonce := "n-" + step
			if res, why := o.verification(t, presentQR(t, creds, phone, nonce), nonce, ""); res != want || why != reason {
				t.Errorf("%s: %s %s, want %s %s", step, res, why, want, reason)
			}
			sd := presentSDJWT(t, creds, phone, "https://bank.example", nonce)
			if res, why := o.verification(t, sd, nonce, "https://bank.example"); res != want || why != reason {
				t.Errorf("%s: SD-JWT %s %s, want %s %s", step, res, why, want, reason)
			}
		}
		check("activated", "VALID", "") // the server now holds the trust list
		if r := o.status(t, siti, "tangguhkan", `{"alasan": "perangkat_hilang"}`); r.status != 200 {
			t.Fatalf("tangguhkan: %d %s", r.status, r.body)
		}
		check("suspended-by-api", "INVALID", "suspended")
		if r := o.status(t, siti, "pulihkan", `{"alasan": "perangkat_ditemukan"}`); r.status != 200 {
			t.Fatalf("pulihkan: %d %s", r.status, r.body)
		}
		check("unsuspended-by-api", "VALID", "")

		// Another process: its own store handle and Issuer.
		cli := &issuance.Issuer{Store: other, Audit: o.auditLog}
		changeStatus(t, cli, issuance.Tangguhkan, "perangkat_hilang")
		check("suspended-elsewhere", "INVALID", "suspended")
		changeStatus(t, cli, issuance.Pulihkan, "perangkat_ditemukan")
		check("unsuspended-elsewhere", "VALID", "")
		changeStatus(t, cli, issuance.Cabut, "perangkat_hilang")
		check("revoked-elsewhere", "INVALID", "revoked")
	})
}

// TestTrustListCached: the well-known trust list is signed once and served
// from the cache; a status change in this process shows at once, one by
// another process after TrustListRecheck, and an unchanged list is signed
// anew after TrustListResign. Its max-age counts down from the signing.
func TestTrustListCached(t *testing.T) {
	ikdtest.ForEachBackendPair(t, func(t *testing.T, st, other store.Store) {
		o := startOfficer(t, st)
		o.activate(t, newKey(t), "ktp_qr_dasar")
		clock := ikdtest.NewClock(time.Now().Truncate(time.Second))
		api := &httpapi.API{PublicURL: o.dig.PublicURL, Store: st, Keys: o.dig.Keys, Issuer: o.dig.Issuer,
			Aktivasi: o.dig.Aktivasi, Now: clock.Now}
		srv := httpserver.New(slog.New(slog.NewTextHandler(io.Discard, nil)), st.Ready, func() any { return nil })
		api.Mount(srv.Handle)
		h := srv.Handler()
		get := func(wantMaxAge string) string {
			t.Helper()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/.well-known/ikd-trust-list", nil))
			if rec.Code != 200 || rec.Header().Get("Cache-Control") != "max-age="+wantMaxAge {
				t.Fatalf("trust list: %d %v", rec.Code, rec.Header())
			}
			return rec.Body.String()
		}
		token := func(jws string) string {
			t.Helper()
			l, err := trustlist.Parse(jws, clock.Now(), nil)
			if err != nil || len(l.StatusLists) != 1 {
				t.Fatalf("parse: %v %+v", err, l)
			}
			return l.StatusLists[0].Token
		}
		first := get("300")
		clock.Advance(5 * time.Second)
		if got := get("295"); got != first {
			t.Error("a second request within the recheck time was signed anew")
		}
		clock.Advance(httpapi.TrustListRecheck)
		if got := get("285"); got != first {
			t.Error("an unchanged list was signed anew after the recheck")
		}

		changeStatus(t, o.dig.Issuer, issuance.Tangguhkan, "perangkat_hilang")
		suspended := get("300")
		if suspended == first || token(suspended) == token(first) {
			t.Fatal("a status change in this process did not reach the trust list at once")
		}

		changeStatus(t, &issuance.Issuer{Store: other, Audit: o.auditLog}, issuance.Pulihkan, "perangkat_ditemukan")
		clock.Advance(time.Second)
		if got := get("299"); got != suspended {
			t.Error("the list was read again within the recheck time")
		}
		clock.Advance(httpapi.TrustListRecheck)
		valid := get("300")
		if valid == suspended || token(valid) == token(suspended) {
			t.Error("another process's change did not reach the trust list after the recheck time")
		}

		clock.Advance(httpapi.TrustListResign)
		if got := get("300"); got == valid || token(got) != token(valid) {
			t.Error("an unchanged list was not signed anew after TrustListResign")
		}
	})
}
