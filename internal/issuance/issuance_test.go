package issuance

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/credlint"
	"github.com/ikd-project/ikd/internal/demo"
	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/kms"
	"github.com/ikd-project/ikd/internal/kredensial/qrcred"
	"github.com/ikd-project/ikd/internal/kredensial/sdjwt"
	"github.com/ikd-project/ikd/internal/statuslist"
	"github.com/ikd-project/ikd/internal/store"
)

var (
	ctx = context.Background()
	t0  = time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC)
)

const kantorKota = "DISDUKCAPIL-17.71"

type env struct {
	st    store.Store
	is    *Issuer
	keys  *kms.FileStore
	clock *ikdtest.Clock
	n     int    // residents made so far
	nama  string // name of the next residents; "" for SITI AMINAH
}

func setup(t *testing.T, st store.Store) *env {
	t.Helper()
	clock := ikdtest.NewClock(t0)
	keys, err := kms.OpenFileStore(t.TempDir(), nil, clock.Now)
	must(t, err)
	log, err := audit.New(bytes.Repeat([]byte{7}, 32), clock.Now, nil)
	must(t, err)
	must(t, st.CreateKantor(ctx, &store.Kantor{Kode: kantorKota, Nama: "Dinas Dukcapil Kota Bengkulu",
		Jenis: store.DinasKabKota, WilayahKode: "17.71"}))
	must(t, st.CreateKK(ctx, &store.KartuKeluarga{NoKK: "1771010101150001", KepalaNIK: nikN(1), Alamat: "JL. SUDIRMAN NO. 1",
		RT: "001", RW: "002", DesaKode: "17.71.01.1001", TanggalTerbit: time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)}))
	is := &Issuer{
		Store: st, Keys: keys, Audit: log, Now: clock.Now, IssuerURL: "https://ikd.bengkuluprov.go.id",
		StatusURI: func(id string) string { return "https://ikd.bengkuluprov.go.id/status/" + id },
		Validity:  365 * 24 * time.Hour,
		Portrait: func(_ context.Context, _ store.Queries, nik string) ([]byte, error) {
			return demo.Portrait(42, nik, store.Perempuan), nil
		},
	}
	return &env{st: st, is: is, keys: keys, clock: clock}
}

func nikN(i int) string { return fmt.Sprintf("177101570890%04d", i) }

// resident creates the next resident with an activation and a bound
// device, and returns them with the device's private key.
func (e *env) resident(t *testing.T, birth time.Time) (store.Penduduk, store.Perangkat, *ecdsa.PrivateKey, store.Aktivasi) {
	t.Helper()
	e.n++
	p := store.Penduduk{NIK: nikN(e.n), NoKK: "1771010101150001", Hubungan: store.Anak, Nama: "SITI AMINAH",
		TempatLahir: "BENGKULU", TanggalLahir: birth, JenisKelamin: store.Perempuan, GolonganDarah: "O",
		Agama: "ISLAM", StatusKawin: store.Kawin, Pekerjaan: "GURU", Kewarganegaraan: "WNI",
		Alamat: "JL. SUDIRMAN NO. 1", RT: "001", RW: "002", DesaKode: "17.71.01.1001",
		Email: "siti@example.id", Telepon: "081234567890", StatusNIK: store.NIKAktif}
	if e.n == 1 {
		p.Hubungan = store.KepalaKeluarga
	}
	if e.nama != "" {
		p.Nama = e.nama
	}
	must(t, e.st.CreatePenduduk(ctx, &p))
	a := store.Aktivasi{ID: fmt.Sprint("akt-", e.n), NIK: p.NIK, KabKotaKode: "17.71", KantorKode: kantorKota,
		Petugas: "petugas1", CodeHash: fmt.Sprint("code-", e.n), TxCodeHash: "tx", State: store.Ditukar,
		ExpiresAt: t0.Add(10 * time.Minute)}
	must(t, e.st.CreateAktivasi(ctx, &a))
	devKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	jkt, err := kms.Thumbprint(&devKey.PublicKey)
	must(t, err)
	d := store.Perangkat{NIK: p.NIK, JKT: jkt, AktivasiID: a.ID}
	must(t, e.st.BindPerangkat(ctx, &d))
	return p, d, devKey, a
}

func (e *env) issue(t *testing.T, birth time.Time) ([]Issued, store.Penduduk, *ecdsa.PrivateKey) {
	t.Helper()
	p, d, devKey, a := e.resident(t, birth)
	var out []Issued
	must(t, e.st.InTx(ctx, func(tx store.Tx) error {
		var err error
		out, err = e.is.Issue(ctx, tx, p, d, &devKey.PublicKey, a)
		return err
	}))
	return out, p, devKey
}

func adult() time.Time { return time.Date(1990, 8, 17, 0, 0, 0, 0, time.UTC) }

func TestIssue(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		e := setup(t, st)
		out, p, devKey := e.issue(t, adult())
		if len(out) != 4 {
			t.Fatalf("issued %d credentials, want 4", len(out))
		}
		key := e.keys.Active()
		keyFunc := func(kid string) (crypto.PublicKey, bool) {
			k, err := e.keys.Lookup(kid)
			return k.Public, err == nil
		}
		qkeys, err := qrcred.KeysByID(key.Public)
		must(t, err)
		idx := map[int]bool{}
		wantProfiles := []string{"", "dasar", "usia", "foto"}
		for i, iss := range out {
			row, err := st.GetKredensial(ctx, iss.Kredensial.ID)
			must(t, err)
			if row.State != store.Terbit || row.NIK != p.NIK || row.Kid != key.ID || row.StatusListID != "1" ||
				iss.Profile != wantProfiles[i] || row.Profil != iss.Profile || row.Format != iss.Format {
				t.Errorf("row %d = %+v (issued %s %s)", i, row, iss.Format, iss.Profile)
			}
			if !row.ExpiresAt.Equal(t0.Add(365*24*time.Hour)) || !row.IssuedAt.Equal(t0) {
				t.Errorf("row %d validity %s .. %s", i, row.IssuedAt, row.ExpiresAt)
			}
			idx[row.StatusIdx] = true
			uri := e.is.StatusURI("1")
			switch iss.Format {
			case FormatSDJWT:
				v, err := sdjwt.Verify(iss.Credential, sdjwt.VerifyOptions{Keys: keyFunc, Now: t0, VCT: sdjwt.VCTKTPDigital})
				if err != nil {
					t.Fatalf("sdjwt.Verify: %v", err)
				}
				t.Logf("SD-JWT VC: %d bytes", len(iss.Credential))
				jws, _, _ := strings.Cut(iss.Credential, "~")
				if input := jws[:strings.LastIndexByte(jws, '.')]; input != string(row.TBS) {
					t.Errorf("signed input differs from the stored TBS")
				}
				if v.Claims["nik"] != p.NIK || v.Claims["age_over_17"] != true || v.Status == nil ||
					v.Status.Idx != row.StatusIdx || v.Status.URI != uri || !v.HolderKey.Equal(&devKey.PublicKey) {
					t.Errorf("claims %v status %+v", v.Claims, v.Status)
				}
				if _, ok := v.Claims["telepon"]; ok {
					t.Error("the SD-JWT carries the phone number")
				}
			case FormatCWT:
				c, err := qrcred.ParseIssued(iss.CWT, qkeys)
				if err != nil {
					t.Fatalf("ParseIssued %s: %v", iss.Profile, err)
				}
				m, err := decodeSign1(iss.CWT)
				must(t, err)
				tbs, err := cbor.Marshal([]any{"Signature1", m.Protected, []byte{}, m.Payload})
				must(t, err)
				if !bytes.Equal(tbs, row.TBS) {
					t.Errorf("%s: signed Sig_structure differs from the stored TBS", iss.Profile)
				}
				if string(c.Profile) != iss.Profile || int(c.Status.Idx) != row.StatusIdx || c.Status.URI != uri ||
					!c.DeviceKey.Equal(&devKey.PublicKey) {
					t.Errorf("%s: credential %+v", iss.Profile, c)
				}
				t.Logf("%s CWT: %d bytes", c.Profile, len(iss.CWT))
				if c.Profile == qrcred.Dasar {
					text, err := qrcred.Present(iss.CWT, devKey, t0, bytes.Repeat([]byte{1}, 16))
					must(t, err)
					t.Logf("dasar presentation: %d characters", len(text))
					// QR version 15 at level L holds 758 alphanumeric characters.
					if len(text) > 758 {
						t.Errorf("dasar presentation of %d characters does not fit QR version 15-L", len(text))
					}
				}
			}
		}
		if len(idx) != 4 {
			t.Errorf("status indexes %v, want 4 distinct", idx)
		}
		checkAuditOrder(t, st, e.is.Audit, out)
	})
}

// checkAuditOrder checks that each credential's kredensial.siapkan event
// precedes its kredensial.terbit event, and that the chain verifies.
func checkAuditOrder(t *testing.T, st store.Store, log *audit.Log, out []Issued) {
	t.Helper()
	events, err := st.ListAudit(ctx, 0, 10000)
	must(t, err)
	seq := map[string]int64{}
	for _, ev := range events {
		var d struct {
			Kredensial string `json:"kredensial"`
		}
		if ev.Action != "kredensial.siapkan" && ev.Action != "kredensial.terbit" {
			continue
		}
		must(t, json.Unmarshal([]byte(ev.Detail), &d))
		seq[ev.Action+" "+d.Kredensial] = ev.Seq
	}
	for _, iss := range out {
		s, ok1 := seq["kredensial.siapkan "+iss.Kredensial.ID]
		f, ok2 := seq["kredensial.terbit "+iss.Kredensial.ID]
		if !ok1 || !ok2 || s >= f {
			t.Errorf("%s: siapkan at %d (%t), terbit at %d (%t)", iss.Kredensial.ID, s, ok1, f, ok2)
		}
	}
	res, err := log.Verify(ctx, st, nil)
	must(t, err)
	if len(res.Problems) > 0 {
		t.Errorf("audit chain: %v", res.Problems)
	}
}

func TestBirthdayAtIssuance(t *testing.T) {
	st := ikdtest.NewStore(t)
	e := setup(t, st)
	// 00:00 WIB on the 17th birthday: age_over_17 is true, age_over_21
	// false, and the credential expires at the 21st birthday.
	e.clock.Advance(time.Date(2027, 2, 28, 17, 0, 0, 0, time.UTC).Sub(t0))
	out, _, _ := e.issue(t, time.Date(2010, 3, 1, 0, 0, 0, 0, time.UTC))
	keys := func(string) (crypto.PublicKey, bool) { return e.keys.Active().Public, true }
	v, err := sdjwt.Verify(out[0].Credential, sdjwt.VerifyOptions{Keys: keys, Now: e.clock.Now()})
	must(t, err)
	if v.Claims["age_over_17"] != true || v.Claims["age_over_21"] != false {
		t.Errorf("age claims %v %v", v.Claims["age_over_17"], v.Claims["age_over_21"])
	}
	if want := e.clock.Now().Add(365 * 24 * time.Hour); !out[0].Kredensial.ExpiresAt.Equal(want) {
		t.Errorf("expires %s, want %s", out[0].Kredensial.ExpiresAt, want)
	}
}

func TestRefusesInactiveNIK(t *testing.T) {
	st := ikdtest.NewStore(t)
	e := setup(t, st)
	p, d, devKey, a := e.resident(t, adult())
	p.StatusNIK = store.NIKMati
	err := st.InTx(ctx, func(tx store.Tx) error {
		_, err := e.is.Issue(ctx, tx, p, d, &devKey.PublicKey, a)
		return err
	})
	if !errors.Is(err, errs.Invalid) {
		t.Fatalf("Issue for a dead resident = %v, want errs.Invalid", err)
	}
}

func TestMinorValidityCapped(t *testing.T) {
	st := ikdtest.NewStore(t)
	e := setup(t, st)
	// 16 at t0, 17 on 2027-03-01 (WIB).
	out, _, _ := e.issue(t, time.Date(2010, 3, 1, 0, 0, 0, 0, time.UTC))
	want := time.Date(2027, 2, 28, 17, 0, 0, 0, time.UTC) // 00:00 WIB on the birthday
	for _, iss := range out {
		if !iss.Kredensial.ExpiresAt.Equal(want) {
			t.Errorf("%s %s expires %s, want %s", iss.Format, iss.Profile, iss.Kredensial.ExpiresAt, want)
		}
	}
}

func TestLintFailureSignsNothing(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		e := setup(t, st)
		e.is.Validity = 3 * 365 * 24 * time.Hour // beyond credlint's one-year maximum
		p, d, devKey, a := e.resident(t, adult())
		head, err := st.AuditHead(ctx)
		must(t, err)
		var out []Issued
		err = st.InTx(ctx, func(tx store.Tx) error {
			var err error
			out, err = e.is.Issue(ctx, tx, p, d, &devKey.PublicKey, a)
			return err
		})
		if !errors.Is(err, ErrLint) {
			t.Fatalf("Issue = %v, want ErrLint", err)
		}
		if fs, ok := credlint.AsFailures(err); !ok || !fs.Has("validity_window") {
			t.Errorf("failures = %v, want validity_window", fs)
		}
		if out != nil {
			t.Errorf("issued %v", out)
		}
		creds, err := st.ListKredensialPerangkat(ctx, d.ID)
		must(t, err)
		lists, err := st.ListStatusLists(ctx)
		must(t, err)
		after, err := st.AuditHead(ctx)
		must(t, err)
		if len(creds) != 0 || len(lists) != 0 || after != head {
			t.Errorf("rolled back tx left %d credentials, %d status lists, audit head %d -> %d",
				len(creds), len(lists), head.Seq, after.Seq)
		}
	})
}

// statusOf publishes list 1's token, verifies it and returns the status at
// each index.
func (e *env) statusOf(t *testing.T, out []Issued) ([]statuslist.Status, string) {
	t.Helper()
	tok, err := e.is.PublishToken(ctx, "1", time.Hour)
	must(t, err)
	keys := func(kid string) (crypto.PublicKey, bool) {
		k, err := e.keys.Lookup(kid)
		return k.Public, err == nil
	}
	v, err := statuslist.VerifyToken(tok, keys, e.clock.Now(), e.is.StatusURI("1"))
	must(t, err)
	var sts []statuslist.Status
	for _, iss := range out {
		s, err := v.List.Get(iss.Kredensial.StatusIdx)
		must(t, err)
		sts = append(sts, s)
	}
	return sts, tok
}

func all(sts []statuslist.Status, want statuslist.Status) bool {
	for _, s := range sts {
		if s != want {
			return false
		}
	}
	return len(sts) > 0
}

func TestRevokeAndToken(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		e := setup(t, st)
		out, p, _ := e.issue(t, adult())
		other, _, _ := e.issue(t, adult())
		sts, tok1 := e.statusOf(t, out)
		if !all(sts, statuslist.Valid) {
			t.Fatalf("fresh statuses %v", sts)
		}
		if _, again := e.statusOf(t, out); again != tok1 {
			t.Error("an unchanged list was signed again")
		}
		var n int
		must(t, st.InTx(ctx, func(tx store.Tx) error {
			var err error
			n, err = e.is.Revoke(ctx, tx, p.NIK, "permintaan penduduk")
			return err
		}))
		if n != 4 {
			t.Errorf("revoked %d, want 4", n)
		}
		sts, tok2 := e.statusOf(t, out)
		if tok2 == tok1 || !all(sts, statuslist.Revoked) {
			t.Errorf("after revoke: statuses %v, re-signed %t", sts, tok2 != tok1)
		}
		if sts, _ := e.statusOf(t, other); !all(sts, statuslist.Valid) {
			t.Errorf("another resident's statuses %v", sts)
		}
		// A change committed elsewhere (another instance) is seen too.
		must(t, st.SetStatus(ctx, other[0].Kredensial.ID, store.StatusSuspended))
		if sts, tok := e.statusOf(t, other[:1]); tok == tok2 || sts[0] != statuslist.Suspended {
			t.Errorf("after an outside change: %v, re-signed %t", sts, tok != tok2)
		}
		_, tok2 = e.statusOf(t, out)
		// Half-way to exp the token is signed again, unchanged or not.
		e.clock.Advance(31 * time.Minute)
		if _, tok3 := e.statusOf(t, out); tok3 == tok2 {
			t.Error("the token was not re-signed half-way to exp")
		}
		// After a change, callers at once share one rebuild: ES256
		// signatures are randomised, so two rebuilds give two tokens.
		must(t, st.SetStatus(ctx, other[1].Kredensial.ID, store.StatusSuspended))
		toks := make([]string, 20)
		var wg sync.WaitGroup
		for i := range toks {
			wg.Go(func() {
				tok, err := e.is.PublishToken(ctx, "1", time.Hour)
				if err != nil {
					t.Error(err)
				}
				toks[i] = tok
			})
		}
		wg.Wait()
		if n := len(slices.Compact(toks)); n != 1 {
			t.Errorf("%d different tokens from 20 callers after one change, want 1", n)
		}
		checkAction(t, st, "kredensial.cabut", 1)
	})
}

func TestSuspendUnsuspend(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		e := setup(t, st)
		out, p, _ := e.issue(t, adult())
		step := func(name string, f func(context.Context, store.Tx, string, string) (int, error), wantN int, want statuslist.Status) {
			t.Helper()
			var n int
			must(t, st.InTx(ctx, func(tx store.Tx) error {
				var err error
				n, err = f(ctx, tx, p.NIK, "pemeriksaan")
				return err
			}))
			if sts, _ := e.statusOf(t, out); n != wantN || !all(sts, want) {
				t.Errorf("%s: changed %d (want %d), statuses %v, want %v", name, n, wantN, sts, want)
			}
		}
		step("suspend", e.is.Suspend, 4, statuslist.Suspended)
		step("suspend again", e.is.Suspend, 0, statuslist.Suspended)
		step("unsuspend", e.is.Unsuspend, 4, statuslist.Valid)
		step("unsuspend a valid one", e.is.Unsuspend, 0, statuslist.Valid)
		step("revoke", e.is.Revoke, 4, statuslist.Revoked)
		step("suspend a revoked one", e.is.Suspend, 0, statuslist.Revoked)
		step("unsuspend a revoked one", e.is.Unsuspend, 0, statuslist.Revoked)
		checkAction(t, st, "kredensial.tangguhkan", 1)
		checkAction(t, st, "kredensial.pulihkan", 1)
	})
}

func TestReleaseDevice(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		e := setup(t, st)
		out, p, _ := e.issue(t, adult())
		must(t, st.InTx(ctx, func(tx store.Tx) error {
			return e.is.ReleaseDevice(ctx, tx, p.NIK, "petugas1", kantorKota)
		}))
		if sts, _ := e.statusOf(t, out); !all(sts, statuslist.Revoked) {
			t.Errorf("statuses after release %v", sts)
		}
		if _, err := st.GetPerangkatAktif(ctx, p.NIK); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("active device after release: %v", err)
		}
		checkAction(t, st, "perangkat.lepas", 1)
		checkAction(t, st, "kredensial.cabut", 1)
	})
}

func checkAction(t *testing.T, st store.Store, action string, want int) {
	t.Helper()
	events, err := st.ListAudit(ctx, 0, 100000)
	must(t, err)
	n := 0
	for _, ev := range events {
		if ev.Action == action {
			n++
		}
	}
	if n != want {
		t.Errorf("%d %s events, want %d", n, action, want)
	}
}

func TestManyIssuancesDistinctIndexes(t *testing.T) {
	if testing.Short() {
		t.Skip("200 issuances")
	}
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		e := setup(t, st)
		idx := map[int]bool{}
		largest := 0
		for i := 0; i < 200; i++ {
			out, _, _ := e.issue(t, adult())
			for _, iss := range out {
				if iss.Kredensial.StatusListID != "1" {
					t.Fatalf("list %s", iss.Kredensial.StatusListID)
				}
				idx[iss.Kredensial.StatusIdx] = true
				if iss.Kredensial.StatusIdx > largest {
					largest = iss.Kredensial.StatusIdx
				}
			}
		}
		if len(idx) != 800 {
			t.Errorf("%d distinct indexes, want 800", len(idx))
		}
		if largest < ListSize/2 {
			t.Errorf("largest index %d: indexes do not look drawn from [0, %d)", largest, ListSize)
		}
		_, allocated, err := st.StatusEntries(ctx, "1")
		must(t, err)
		if allocated != 800 {
			t.Errorf("%d allocated entries, want 800", allocated)
		}
	})
}

func TestNewListWhenFull(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		e := setup(t, st)
		must(t, st.CreateStatusList(ctx, &store.StatusList{ID: "1", Bits: 2, Size: 10}))
		for i := 0; i < 8; i++ {
			must(t, st.AllocateStatus(ctx, &store.StatusEntry{ListID: "1", Idx: i, KredensialID: fmt.Sprint("old-", i)}))
		}
		out, _, _ := e.issue(t, adult())
		for _, iss := range out {
			if iss.Kredensial.StatusListID != "2" {
				t.Errorf("credential in list %s, want 2", iss.Kredensial.StatusListID)
			}
		}
		lists, err := st.ListStatusLists(ctx)
		must(t, err)
		if len(lists) != 2 || lists[1].Size != ListSize || lists[1].Bits != ListBits {
			t.Errorf("lists %+v", lists)
		}
	})
}

// TestRedrawOnConflict fills a list of 6 so that draws collide: the issuer
// draws again inside the same transaction, on both databases.
func TestRedrawOnConflict(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		e := setup(t, st)
		must(t, st.CreateStatusList(ctx, &store.StatusList{ID: "1", Bits: 2, Size: 6}))
		out, _, _ := e.issue(t, adult())
		idx := map[int]bool{}
		for _, iss := range out {
			idx[iss.Kredensial.StatusIdx] = true
		}
		if len(idx) != 4 {
			t.Errorf("indexes %v", idx)
		}
	})
}

// TestLongName issues to a resident with a long name: nobody is refused a
// credential for the length of their name.
func TestLongName(t *testing.T) {
	st := ikdtest.NewStore(t)
	e := setup(t, st)
	e.nama = "RADEN AYU SITI AMINAH NURUL HIKMAH BINTI AHMAD FAUZI" // 52 characters
	out, _, _ := e.issue(t, adult())
	if len(out) != 4 {
		t.Fatalf("%d credentials for a long name, want 4", len(out))
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestIssueKinds issues one kind at a time to one device, as the
// credential requests of an activation do: each kind once, in any order,
// and nothing new once the device's credentials are suspended.
func TestIssueKinds(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		e := setup(t, st)
		p, d, devKey, a := e.resident(t, adult())
		kinds := Kinds()
		issue := func(k ...Kind) ([]Issued, error) {
			var out []Issued
			err := e.st.InTx(ctx, func(tx store.Tx) error {
				var err error
				out, err = e.is.IssueKinds(ctx, tx, p, d, &devKey.PublicKey, a, k)
				return err
			})
			return out, err
		}
		for _, k := range []Kind{kinds[2], kinds[0]} {
			out, err := issue(k)
			if err != nil || len(out) != 1 || out[0].Format != k.Format || out[0].Profile != k.Profile {
				t.Fatalf("issue %+v: %+v, %v", k, out, err)
			}
			if _, err := issue(k); !errors.Is(err, ErrAlreadyIssued) {
				t.Fatalf("issue %+v again: %v, want ErrAlreadyIssued", k, err)
			}
		}
		if _, err := issue(kinds[1], kinds[1]); err == nil {
			t.Fatal("one kind twice in one call was issued")
		}
		if _, err := issue(Kind{Format: FormatCWT, Profile: "lain"}); err == nil {
			t.Fatal("an unknown kind was issued")
		}
		must(t, e.st.InTx(ctx, func(tx store.Tx) error {
			_, err := e.is.Suspend(ctx, tx, p.NIK, "uji")
			return err
		}))
		if _, err := issue(kinds[1]); !errors.Is(err, ErrNotValid) || errs.KindOf(err) != errs.Conflict {
			t.Fatalf("issue to a suspended device: %v, want ErrNotValid", err)
		}
		creds, err := st.ListKredensialPerangkat(ctx, d.ID)
		if err != nil || len(creds) != 2 {
			t.Fatalf("device holds %d credentials (%v), want 2", len(creds), err)
		}
	})
}
