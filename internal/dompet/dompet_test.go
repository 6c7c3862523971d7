package dompet_test

import (
	"crypto/ecdsa"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/ikd-project/ikd/internal/dompet"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/ikdtest/ikdserver"
	"github.com/ikd-project/ikd/internal/ikdtest/testwallet"
	"github.com/ikd-project/ikd/internal/penduduk"
	"github.com/ikd-project/ikd/internal/petugas"
	"github.com/ikd-project/ikd/internal/store"
)

// activated runs an activation of Siti over the API and returns the
// wallet that redeemed it and the officer's API token.
func activated(t *testing.T, s *ikdserver.Server) (*testwallet.Wallet, string) {
	t.Helper()
	officers := &petugas.Service{Store: s.Store, Audit: s.Audit, Actor: "admin"}
	created, err := officers.Create(ctx, petugas.Baru{Username: "rina", Nama: "Rina", Kantor: office, Peran: store.PeranOperator})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", s.URL+"/api/v1/aktivasi", strings.NewReader(`{"nik":"`+siti+`"}`))
	req.Header.Set("Authorization", "Bearer "+created.Token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var offer struct {
		OfferURI string `json:"offer_uri"`
	}
	if err := json.NewDecoder(res.Body).Decode(&offer); err != nil || offer.OfferURI == "" {
		t.Fatalf("activation: %d %v", res.StatusCode, err)
	}
	code, err := testwallet.MailedCode(filepath.Join(s.DataDir, "outbox"))
	if err != nil {
		t.Fatal(err)
	}
	w, err := testwallet.New(http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Redeem(offer.OfferURI, code, "ktp_qr_dasar"); err != nil {
		t.Fatal(err)
	}
	return w, created.Token
}

// officerAction suspends, unsuspends or revokes Siti's digital ID over the API.
func officerAction(t *testing.T, s *ikdserver.Server, token, action, alasan string) {
	t.Helper()
	req, _ := http.NewRequest("POST", s.URL+"/api/v1/penduduk/"+siti+"/"+action, strings.NewReader(`{"alasan":"`+alasan+`"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d", action, res.StatusCode)
	}
}

// signed is the wallet's request JWT over a fresh nonce.
func signed(t *testing.T, s *ikdserver.Server, key *ecdsa.PrivateKey, typ, aud string, iat time.Time) string {
	t.Helper()
	res, err := http.Post(s.URL+"/oid4vci/nonce", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var n struct {
		CNonce string `json:"c_nonce"`
	}
	json.NewDecoder(res.Body).Decode(&n)
	res.Body.Close()
	opts := (&jose.SignerOptions{ExtraHeaders: map[jose.HeaderKey]any{"jwk": jose.JSONWebKey{Key: &key.PublicKey}}}).WithType(jose.ContentType(typ))
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(map[string]any{"aud": aud, "iat": iat.Unix(), "nonce": n.CNonce})
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := jws.CompactSerialize()
	return out
}

// post calls the data endpoint with an Authorization header.
func post(t *testing.T, s *ikdserver.Server, auth, lang string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", s.URL+dompet.DataPath, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Accept-Language", lang)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("personal data cacheable: %q", res.Header.Get("Cache-Control"))
	}
	return res.StatusCode, string(b)
}

// TestDataEndpoint: only the bound device's fresh signature over an unused
// nonce, aimed at this endpoint, reads the record; each refusal says why
// in the asker's language, and reads nothing; a read is audited; a
// released device reads nothing.
func TestDataEndpoint(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		s := ikdserver.Start(t, st, seed)
		w, token := activated(t, s)
		aud := s.URL + dompet.DataPath
		good := signed(t, s, w.Key, "ikd-dompet+jwt", aud, time.Now())
		code, body := post(t, s, "IKD-Device "+good, "id")
		if code != 200 || !strings.Contains(body, `"NUR AINI"`) || !strings.Contains(body, `"nik":"`+siti+`"`) {
			t.Fatalf("the bound device: %d %.300s", code, body)
		}
		var d dompet.Data
		if err := json.Unmarshal([]byte(body), &d); err != nil || d.IKD.Status != "valid" || !strings.HasPrefix(d.Foto, "data:image/png;base64,") || len(d.KK.Anggota) != 2 {
			t.Errorf("data: %+v %.30s %d members %v", d.IKD, d.Foto, len(d.KK.Anggota), err)
		}
		if n := s.CountAudit(t, penduduk.ActionBacaSendiri, siti); n != 1 {
			t.Errorf("%d audited own reads, want 1", n)
		}

		other, _ := testwallet.New(http.DefaultClient)
		for _, c := range []struct{ name, auth, lang, want string }{
			{"no signature", "", "id", "ditandatangani kunci perangkat"},
			{"a bearer token", "Bearer abc", "en", "signed by the device key"},
			{"the nonce again", "IKD-Device " + good, "id", "nonce"},
			{"another endpoint", "IKD-Device " + signed(t, s, w.Key, "ikd-dompet+jwt", s.URL+"/oid4vci/credential", time.Now()), "en", "aud must be"},
			{"a key proof's typ", "IKD-Device " + signed(t, s, w.Key, "openid4vci-proof+jwt", aud, time.Now()), "en", "typ must be"},
			{"an old signature", "IKD-Device " + signed(t, s, w.Key, "ikd-dompet+jwt", aud, time.Now().Add(-time.Hour)), "id", "iat"},
			{"a device never bound", "IKD-Device " + signed(t, s, other.Key, "ikd-dompet+jwt", aud, time.Now()), "id", "tidak lagi terikat"},
			{"garbage", "IKD-Device not.a.jwt", "en", "invalid key proof"},
		} {
			code, body := post(t, s, c.auth, c.lang)
			if code != http.StatusUnauthorized && code != http.StatusBadRequest || !strings.Contains(body, c.want) {
				t.Errorf("%s: %d %s, want 400/401 with %q", c.name, code, body, c.want)
			}
		}
		if n := s.CountAudit(t, penduduk.ActionBacaSendiri, siti); n != 1 {
			t.Errorf("%d audited own reads after the refusals, want still 1", n)
		}

		// Suspended (the phone reported lost): nothing is read until lifted.
		fresh := func() string { return "IKD-Device " + signed(t, s, w.Key, "ikd-dompet+jwt", aud, time.Now()) }
		officerAction(t, s, token, "tangguhkan", "perangkat_hilang")
		if code, body := post(t, s, fresh(), "id"); code != http.StatusForbidden || !strings.Contains(body, "ditangguhkan") || strings.Contains(body, "NUR AINI") {
			t.Errorf("a suspended digital ID: %d %s", code, body)
		}
		officerAction(t, s, token, "pulihkan", "perangkat_ditemukan")
		if code, _ := post(t, s, fresh(), "id"); code != http.StatusOK {
			t.Errorf("after the suspension is lifted: %d", code)
		}

		// Revoked with the device still bound (as the registry import
		// revokes a deceased resident's): nothing is read.
		dev, err := st.GetPerangkatAktif(ctx, siti)
		if err != nil {
			t.Fatal(err)
		}
		creds, err := st.ListKredensialPerangkat(ctx, dev.ID)
		if err != nil || len(creds) == 0 {
			t.Fatalf("credentials: %d %v", len(creds), err)
		}
		for _, k := range creds {
			if err := st.SetStatus(ctx, k.ID, store.StatusRevoked); err != nil {
				t.Fatal(err)
			}
		}
		if code, body := post(t, s, fresh(), "en"); code != http.StatusUnauthorized || !strings.Contains(body, "no longer bound to a valid digital ID") {
			t.Errorf("a revoked digital ID: %d %s", code, body)
		}

		// The phone is released (lost): it reads nothing any more.
		if err := st.ReleasePerangkat(ctx, dev.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		if code, body := post(t, s, "IKD-Device "+signed(t, s, w.Key, "ikd-dompet+jwt", aud, time.Now()), "id"); code != http.StatusUnauthorized || !strings.Contains(body, "aktifkan lagi") {
			t.Errorf("a released device: %d %s", code, body)
		}
	})
}
