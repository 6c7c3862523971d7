package cli

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/app"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/demo"
	"github.com/ikd-project/ikd/internal/httpapi"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/kredensial"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/trustlist"
	"github.com/ikd-project/ikd/internal/verify"
)

const cliSiti = "1771015708900001"

// activatedResident loads one resident into the database of vars and
// activates her digital ID through the real flow; it returns the digital
// ID wiring and her phone's sample.
func activatedResident(t *testing.T, ctx context.Context, vars map[string]string) (*app.DigitalID, sample) {
	t.Helper()
	cfg := config.Defaults()
	cfg.Database, cfg.DataDir = vars["IKD_DATABASE"], vars["IKD_DATA_DIR"]
	if err := cfg.Finish(func(k string) string { return vars[k] }); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, auditLog, err := openAudited(ctx, &cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	p := store.Penduduk{NIK: cliSiti, NoKK: "1771010101150001", Hubungan: store.KepalaKeluarga, Nama: "SITI AMINAH",
		TempatLahir: "BENGKULU", TanggalLahir: time.Date(1990, 8, 17, 0, 0, 0, 0, time.UTC), JenisKelamin: store.Perempuan,
		Agama: "ISLAM", StatusKawin: store.Kawin, Pekerjaan: "GURU", Kewarganegaraan: "WNI", Alamat: "JL. MERDEKA NO. 1",
		RT: "001", RW: "002", DesaKode: "17.71.01.1001", Email: "siti@example.id", StatusNIK: store.NIKAktif,
		TanggalPerekaman: time.Date(2012, 5, 2, 0, 0, 0, 0, time.UTC)}
	b := &store.Batch{Keluarga: []store.KartuKeluarga{{NoKK: p.NoKK, KepalaNIK: p.NIK, Alamat: p.Alamat, RT: "001", RW: "002",
		DesaKode: p.DesaKode}}, Penduduk: []store.Penduduk{p}}
	if err := st.InTx(ctx, func(tx store.Tx) error { _, err := tx.LoadBatch(ctx, b); return err }); err != nil {
		t.Fatal(err)
	}
	if err := st.SetPortrait(ctx, p.NIK, store.Portrait{ContentType: "image/png", Data: demo.Portrait(7, p.NIK, store.Perempuan)}); err != nil {
		t.Fatal(err)
	}
	dig, err := app.NewDigitalID(ctx, &cfg, st, auditLog, logger)
	if err != nil {
		t.Fatal(err)
	}
	svc := *dig.Aktivasi
	mailer := &codeMailer{next: dig.Outbox}
	svc.Mailer = mailer
	s, err := activateSample(ctx, &svc, mailer, p)
	if err != nil {
		t.Fatal(err)
	}
	return dig, s
}

// verifyNow verifies a fresh QR presentation of s against a freshly
// signed trust list.
func verifyNow(t *testing.T, ctx context.Context, dig *app.DigitalID, s sample) verify.Result {
	t.Helper()
	api := &httpapi.API{PublicURL: dig.PublicURL, Store: dig.Store, Keys: dig.Keys, Issuer: dig.Issuer}
	jws, err := api.SignTrustList(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tl, err := trustlist.Parse(jws, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	qr, err := qrcred.Present(s.dasar, s.device, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	return verify.Verify(qr, verify.Options{Trust: tl, Now: now})
}

func TestKredensial(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			vars := dirVars(t)
			if backend == "postgres" {
				vars["IKD_DATABASE"] = ikdtest.SchemaDSN(t, ikdtest.PostgresDSN(t))
			}
			for _, o := range [][2]string{{"budi", "DISDUKCAPIL-17.71"}, {"andi", "DISDUKCAPIL-17.01"}, {"rina", "DISDUKCAPIL-17"}} {
				if code, _, stderr := run(t, ctx, vars, "petugas", "add", "--username", o[0], "--nama", o[0], "--kantor", o[1]); code != 0 {
					t.Fatalf("petugas add %s: %s", o[0], stderr)
				}
			}
			dig, s := activatedResident(t, ctx, vars)
			want := func(step string, valid bool, reason kredensial.Reason) {
				t.Helper()
				if res := verifyNow(t, ctx, dig, s); res.Valid != valid || res.Reason != reason {
					t.Errorf("%s: valid=%v reason=%q, want %v %q", step, res.Valid, res.Reason, valid, reason)
				}
			}
			ok := func(outWant string, args ...string) {
				t.Helper()
				code, stdout, stderr := run(t, ctx, vars, append([]string{"kredensial"}, args...)...)
				if code != 0 || !strings.Contains(stdout, "1771********0001") || !strings.Contains(stdout, outWant) ||
					strings.Contains(stdout+stderr, cliSiti) {
					t.Fatalf("%v: exit %d\n%s\n%s", args, code, stdout, stderr)
				}
			}
			want("activated", true, "")
			// Flags may come before or after the NIK.
			ok("ditangguhkan", "tangguhkan", cliSiti, "--alasan", "perangkat_hilang", "--petugas", "budi")
			want("suspended", false, kredensial.Suspended)
			for _, tc := range []struct {
				args []string
				code int
				want string
			}{
				{[]string{"tangguhkan", cliSiti, "--alasan", "perangkat_hilang", "--petugas", "budi"}, 1, "sudah ditangguhkan"},
				{[]string{"pulihkan", cliSiti, "--alasan", "bosan", "--petugas", "budi"}, 1, "perangkat_ditemukan"},
				{[]string{"pulihkan", cliSiti, "--alasan", "perangkat_ditemukan", "--petugas", "siapa"}, 1, "petugas siapa tidak ada"},
				{[]string{"pulihkan", "1771015708909999", "--alasan", "perangkat_ditemukan", "--petugas", "budi"}, 1, "tidak ditemukan"},
				// An officer of Bengkulu Selatan (17.01) may not touch a
				// resident of Kota Bengkulu (17.71).
				{[]string{"pulihkan", cliSiti, "--alasan", "perangkat_ditemukan", "--petugas", "andi"}, 1, "wilayah kerja kantor Anda"},
				{[]string{"cabut", cliSiti, "--alasan", "perangkat_hilang", "--petugas", "andi"}, 1, "wilayah kerja kantor Anda"},
				{[]string{"pulihkan", cliSiti, "--alasan", "perangkat_ditemukan"}, 2, "--petugas"},
				{[]string{"pulihkan", "--alasan", "perangkat_ditemukan", "--petugas", "budi"}, 2, "tepat satu NIK"},
				{[]string{"hapus", cliSiti}, 2, "tangguhkan|pulihkan|cabut"},
				{nil, 2, "perangkat_hilang"},
			} {
				code, _, stderr := run(t, ctx, vars, append([]string{"kredensial"}, tc.args...)...)
				if code != tc.code || !strings.Contains(stderr, tc.want) {
					t.Errorf("%v: exit %d %s, want %d %q", tc.args, code, stderr, tc.code, tc.want)
				}
			}
			want("after refusals", false, kredensial.Suspended)
			ok("dipulihkan", "pulihkan", "--petugas", "budi", "--alasan", "perangkat_ditemukan", cliSiti)
			want("unsuspended", true, "")
			// The provincial Dinas covers the whole province.
			ok("dicabut", "cabut", cliSiti, "--alasan", "perangkat_hilang", "--petugas", "rina")
			want("revoked", false, kredensial.Revoked)

			// -h explains every reason and gives an example; exit 0.
			code, _, stderr := run(t, ctx, vars, "kredensial", "cabut", "-h")
			if code != 0 || !strings.Contains(stderr, "kesalahan_data") || !strings.Contains(stderr, "Example:") || strings.Contains(stderr, "perangkat_ditemukan") {
				t.Errorf("-h: exit %d\n%s", code, stderr)
			}
			evs, err := dig.Store.ListAudit(ctx, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			// Every change and refused attempt is audited under the officer,
			// their office and the OS account that ran the command.
			offices := map[string]string{"budi": "DISDUKCAPIL-17.71", "andi": "DISDUKCAPIL-17.01", "rina": "DISDUKCAPIL-17"}
			var got []string
			for _, ev := range evs {
				if k, ok := offices[ev.Actor]; ok && ev.KantorKode == k && strings.HasPrefix(ev.Action, "kredensial.") {
					got = append(got, ev.Actor+":"+ev.Action)
					if !strings.Contains(ev.Detail, `"pengguna_os":"`+osUser(&Env{Getenv: func(string) string { return "" }})+`"`) ||
						strings.Contains(ev.Detail, cliSiti) {
						t.Errorf("audit detail %s", ev.Detail)
					}
				}
			}
			if strings.Join(got, ",") != "budi:kredensial.tangguhkan,budi:kredensial.ditolak,andi:kredensial.ditolak,andi:kredensial.ditolak,"+
				"budi:kredensial.pulihkan,rina:kredensial.cabut" {
				t.Errorf("audit: %v", got)
			}
		})
	}
}
