package httpapi_test

import (
	"strings"
	"testing"

	"github.com/ikd-project/ikd/internal/aktivasi"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/issuance"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/store"
)

// unknownSiti is a well-formed NIK of Kota Bengkulu that no resident has.
const unknownSiti = "1771015708909999"

// addOfficer adds an officer of office kode and returns their token.
func (o *officerEnv) addOfficer(t *testing.T, username, kode string) string {
	t.Helper()
	_, token, err := o.petugas.Add(ctx, username, username, kode)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// as posts to the officer API with token.
func (o *officerEnv) as(t *testing.T, token, path, body string, header ...string) response {
	t.Helper()
	header = append(header, "Authorization", "Bearer "+token)
	return o.api.do(t, "POST", path, "application/json", body, header...)
}

// TestOfficerOutsideRegionRefused (DESIGN.md section 5): an officer of one
// kab/kota (or kecamatan) can neither change nor activate the digital ID
// of a resident of another; the answer does not say whether the NIK
// exists; nothing changes; the attempt is audited with a masked NIK.
func TestOfficerOutsideRegionRefused(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		o := startOfficer(t, st)
		phone := newKey(t)
		creds, _ := o.activate(t, phone, "ktp_qr_dasar")
		outsiders := map[string]string{ // username: office outside Siti's kecamatan 17.71.01
			"andi": o.addOfficer(t, "andi", "DISDUKCAPIL-17.01"), // Kabupaten Bengkulu Selatan
			"eko":  o.addOfficer(t, "eko", "KEC-17.71.02"),       // another kecamatan of Kota Bengkulu
		}
		for user, token := range outsiders {
			for _, act := range issuance.Actions {
				alasan := issuance.ReasonCodes(act)[0]
				body := `{"alasan": "` + alasan + `"}`
				r := o.as(t, token, "/api/v1/penduduk/"+siti+"/"+string(act), body)
				r.oauthErr(t, 403, "forbidden")
				if !strings.Contains(string(r.body), "wilayah kerja kantor Anda") {
					t.Errorf("%s %s: %s", user, act, r.body)
				}
				en := o.as(t, token, "/api/v1/penduduk/"+siti+"/"+string(act), body, "Accept-Language", "en")
				if en.status != 403 || !strings.Contains(string(en.body), "your office's area") {
					t.Errorf("%s %s (en): %d %s", user, act, en.status, en.body)
				}
			}
			r := o.as(t, token, "/api/v1/aktivasi", `{"nik": "`+siti+`"}`)
			r.oauthErr(t, 403, "forbidden")
		}
		if res, why := o.verification(t, presentQR(t, creds, phone, "n1"), "n1", ""); res != "VALID" {
			t.Fatalf("after refused attempts: %s %s, want VALID", res, why)
		}
		// The answer for a resident of another area and for an unknown NIK
		// is the same: the endpoint is no registry-membership oracle.
		andi := outsiders["andi"]
		for _, path := range []string{"/tangguhkan", "/cabut"} {
			body := `{"alasan": "perangkat_hilang"}`
			known := o.as(t, andi, "/api/v1/penduduk/"+siti+path, body)
			unknown := o.as(t, andi, "/api/v1/penduduk/"+unknownSiti+path, body)
			if known.status != unknown.status || string(known.body) != string(unknown.body) {
				t.Errorf("%s: known %d %s, unknown %d %s", path, known.status, known.body, unknown.status, unknown.body)
			}
		}
		known := o.as(t, andi, "/api/v1/aktivasi", `{"nik": "`+siti+`"}`)
		unknown := o.as(t, andi, "/api/v1/aktivasi", `{"nik": "`+unknownSiti+`"}`)
		if known.status != 403 || known.status != unknown.status || string(known.body) != string(unknown.body) {
			t.Errorf("aktivasi: known %d %s, unknown %d %s", known.status, known.body, unknown.status, unknown.body)
		}
		// Officers of Siti's area may be told that a NIK of their area is unknown.
		o.status(t, unknownSiti, "tangguhkan", `{"alasan": "perangkat_hilang"}`).oauthErr(t, 404, "not_found")
		wantRefusals(t, st, o)
	})
}

// wantRefusals checks the audit events of the refused attempts of
// TestOfficerOutsideRegionRefused: one per attempt, under the officer and
// their office, with the reason and a masked NIK only.
func wantRefusals(t *testing.T, st store.Store, o *officerEnv) {
	t.Helper()
	evs, err := st.ListAudit(ctx, 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, ev := range evs {
		if ev.Action != issuance.ActionRefused && ev.Action != aktivasi.ActionRefused {
			continue
		}
		reason := kantor.ReasonOutside
		if ev.SubjectMask == "1771********9999" {
			reason = kantor.ReasonUnknown
		}
		if !strings.Contains(ev.Detail, reason) || strings.Contains(ev.Detail, siti) || strings.Contains(ev.Detail, unknownSiti) ||
			!strings.HasPrefix(ev.SubjectMask, "1771****") {
			t.Errorf("refusal event %+v", ev)
		}
		count[ev.Actor+" "+ev.KantorKode+" "+ev.Action+" "+reason]++
	}
	want := map[string]int{
		"andi DISDUKCAPIL-17.01 kredensial.ditolak di_luar_wilayah":   8, // 3 actions x 2 languages, then 2 comparisons
		"andi DISDUKCAPIL-17.01 kredensial.ditolak nik_tidak_dikenal": 2,
		"andi DISDUKCAPIL-17.01 aktivasi.ditolak di_luar_wilayah":     2,
		"andi DISDUKCAPIL-17.01 aktivasi.ditolak nik_tidak_dikenal":   1,
		"eko KEC-17.71.02 kredensial.ditolak di_luar_wilayah":         6,
		"eko KEC-17.71.02 aktivasi.ditolak di_luar_wilayah":           1,
		"budi DISDUKCAPIL-17.71 kredensial.ditolak nik_tidak_dikenal": 1,
	}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%s: %d refusal events, want %d (all: %v)", k, count[k], n, count)
		}
	}
	if len(count) != len(want) {
		t.Errorf("refusal events %v", count)
	}
	if strings.Contains(o.log.String(), siti) || strings.Contains(o.log.String(), unknownSiti) {
		t.Errorf("a full NIK in the log:\n%s", o.log)
	}
}

// TestOfficerInsideRegion: officers whose area holds the resident's desa
// (her kecamatan office, the provincial Dinas, her kab/kota's Dinas) act.
func TestOfficerInsideRegion(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		o := startOfficer(t, st)
		phone := newKey(t)
		creds, _ := o.activate(t, phone, "ktp_qr_dasar")
		kec := o.addOfficer(t, "wati", "KEC-17.71.01")
		prov := o.addOfficer(t, "rina", "DISDUKCAPIL-17")
		verifyAs := func(step, want string) {
			t.Helper()
			nonce := "n-" + step
			if res, why := o.verification(t, presentQR(t, creds, phone, nonce), nonce, ""); res != want {
				t.Errorf("%s: %s %s, want %s", step, res, why, want)
			}
		}
		for _, s := range []struct {
			token, act, alasan, want string
		}{
			{kec, "tangguhkan", "perangkat_hilang", "INVALID"},
			{prov, "pulihkan", "perangkat_ditemukan", "VALID"},
			{o.token, "cabut", "perangkat_hilang", "INVALID"},
		} {
			r := o.as(t, s.token, "/api/v1/penduduk/"+siti+"/"+s.act, `{"alasan": "`+s.alasan+`"}`)
			if r.status != 200 {
				t.Fatalf("%s: %d %s", s.act, r.status, r.body)
			}
			verifyAs(s.act, s.want)
		}
		// The provincial Dinas may also start a new activation for her.
		if r := o.as(t, prov, "/api/v1/aktivasi", `{"nik": "`+siti+`"}`); r.status != 201 {
			t.Errorf("provincial aktivasi: %d %s", r.status, r.body)
		}
	})
}
