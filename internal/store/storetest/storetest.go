// Package storetest is the one conformance suite of the store contract.
// Every backend runs it from a few lines of its own test:
//
//	func TestConformance(t *testing.T) { storetest.Run(t, ikdtest.NewSQLite) }
//
// It checks what backends tend to get subtly different: error identity,
// time zones, ordering and pagination, uniqueness, atomic updates under
// concurrency, and rollback.
package storetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/store"
)

// Open returns a fresh, migrated, empty store whose clock is now.
type Open func(t testing.TB, now func() time.Time) store.Store

// T0 is the suite's clock start; it is deliberately not in UTC.
var T0 = time.Date(2026, 11, 23, 9, 30, 15, 123456000, time.FixedZone("WIB", 7*3600))

// Run runs the whole suite, each part on a fresh store.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"Kantor", testKantor},
		{"KartuKeluarga", testKK},
		{"Penduduk", testPenduduk},
		{"PendudukErrors", testPendudukErrors},
		{"PindahKK", testPindahKK},
		{"Pagination", testPagination},
		{"Statistik", testStatistik},
		{"Portrait", testPortrait},
		{"KTPel", testKTPel},
		{"Meta", testMeta},
		{"Audit", testAudit},
		{"Quota", testQuota},
		{"Rollback", testRollback},
		{"ConcurrentUpdates", testConcurrentUpdates},
		{"LoadBatch", testLoadBatch},
		{"LoadBatchRejects", testLoadBatchRejects},
		{"KKStillReferenced", testKKStillReferenced},
		{"TryLock", testTryLock},
		{"DeferredIndexes", testDeferredIndexes},
	}
	for _, tc := range slices.Concat(tests, credentialTests, lembagaTests, petugasTests, cariTests, blangkoTests, jemputTests, statistikTests) {
		t.Run(tc.name, func(t *testing.T) {
			clock := T0
			tc.fn(t, open(t, func() time.Time { return clock }))
		})
	}
}

var ctx = context.Background()

// testDeferredIndexes: before a first load the deferred indexes (and on
// SQLite the aggregates' insert trigger) may be dropped, not for a role
// that does not own the table; EnsureIndexes builds them back once, and
// the aggregates count a resident written while the trigger was away;
// with residents nothing is dropped; the name search works.
func testDeferredIndexes(t *testing.T, st store.Store) {
	defs, _ := st.(interface {
		DeferredDefinitions(ctx context.Context) (map[string]string, error)
	})
	var migrated map[string]string
	if defs != nil {
		var err error
		migrated, err = defs.DeferredDefinitions(ctx)
		must(t, err)
	}
	deferred, err := st.DeferIndexes(ctx)
	must(t, err)
	head := family(t, st, "1771010101150001", nikN(1)) // written while put off
	built, err := st.EnsureIndexes(ctx)
	must(t, err)
	if deferred && built < 2 || !deferred && built != 0 {
		t.Errorf("deferred %t, then built %d", deferred, built)
	}
	if again, err := st.EnsureIndexes(ctx); err != nil || again != 0 {
		t.Errorf("a second EnsureIndexes built %d, %v", again, err)
	}
	// What EnsureIndexes built is what the migrations made.
	if defs != nil {
		rebuilt, err := defs.DeferredDefinitions(ctx)
		must(t, err)
		norm := func(s string) string {
			return strings.Join(strings.Fields(strings.Replace(s, "IF NOT EXISTS ", "", 1)), " ")
		}
		for name, def := range migrated {
			if def == "" || norm(rebuilt[name]) != norm(def) {
				t.Errorf("%s: the migrations made\n%s\nEnsureIndexes made\n%s", name, def, rebuilt[name])
			}
		}
	}
	stats, err := st.StatistikPenduduk(ctx, "17.71.01")
	must(t, err)
	n := 0
	for _, s := range stats {
		if s.Kode == head.DesaKode {
			n += s.Penduduk
		}
	}
	if n != 1 {
		t.Errorf("the desa's residents in the aggregates after EnsureIndexes: %d, want 1 (%+v)", n, stats)
	}
	if deferred, err := st.DeferIndexes(ctx); err != nil || deferred {
		t.Errorf("with residents: deferred %t, %v", deferred, err)
	}
	found, err := st.CariPenduduk(ctx, store.CariFilter{NamaPrefix: head.Nama[:4], WilayahKode: "17", Limit: 5})
	if err != nil || len(found) == 0 {
		t.Errorf("search after the indexes came back: %d, %v", len(found), err)
	}
}

// testTryLock: a held lock refuses a second holder (another connection or
// file handle, as another process would be) with ErrLocked until it is
// released; locks of other names are independent.
func testTryLock(t *testing.T, st store.Store) {
	unlock, err := st.TryLock(ctx, "demo")
	must(t, err)
	if _, err := st.TryLock(ctx, "demo"); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("second holder of a held lock: %v, want ErrLocked", err)
	}
	other, err := st.TryLock(ctx, "lain")
	must(t, err)
	other()
	unlock()
	again, err := st.TryLock(ctx, "demo")
	must(t, err)
	again()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want %v", what, err, target)
	}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// kk returns a family card in desa 17.71.01.1001 with the given number.
func kk(no, kepala string) store.KartuKeluarga {
	return store.KartuKeluarga{NoKK: no, KepalaNIK: kepala, Alamat: "JL. SUDIRMAN NO. 1", RT: "001", RW: "002",
		DesaKode: "17.71.01.1001", TanggalTerbit: day(2015, 1, 1)}
}

// resident returns a resident on family card noKK.
func resident(nik, noKK string, h store.Hubungan) store.Penduduk {
	return store.Penduduk{NIK: nik, NoKK: noKK, Hubungan: h, Nama: "SITI AMINAH", TempatLahir: "BENGKULU",
		TanggalLahir: day(1990, 8, 17), JenisKelamin: store.Perempuan, GolonganDarah: "O", Agama: "ISLAM",
		StatusKawin: store.Kawin, Pekerjaan: "GURU", Kewarganegaraan: "WNI", Alamat: "JL. SUDIRMAN NO. 1",
		RT: "001", RW: "002", DesaKode: "17.71.01.1001", Email: "siti@example.id", Telepon: "081234567890",
		StatusNIK: store.NIKAktif, TanggalPerekaman: day(2012, 5, 2)}
}

// family creates a KK with a head and returns the head.
func family(t *testing.T, st store.Queries, noKK, nik string) store.Penduduk {
	t.Helper()
	k := kk(noKK, nik)
	must(t, st.CreateKK(ctx, &k))
	p := resident(nik, noKK, store.KepalaKeluarga)
	must(t, st.CreatePenduduk(ctx, &p))
	return p
}

func nikN(i int) string      { return fmt.Sprintf("177101570890%04d", i) }
func kkN(i int) string       { return fmt.Sprintf("177101010115%04d", i) }
func isUTC(t time.Time) bool { return t.Location() == time.UTC }

func testKantor(t *testing.T, st store.Store) {
	a := store.Kantor{Kode: "DISDUKCAPIL-17.71", Nama: "Dinas Kota Bengkulu", Jenis: store.DinasKabKota, WilayahKode: "17.71"}
	b := store.Kantor{Kode: "DISDUKCAPIL-17", Nama: "Dinas Provinsi", Jenis: store.DinasProvinsi, WilayahKode: "17"}
	must(t, st.CreateKantor(ctx, &a))
	must(t, st.CreateKantor(ctx, &b))
	dup := a
	wantErr(t, "duplicate kantor", st.CreateKantor(ctx, &dup), store.ErrConflict)
	got, err := st.GetKantor(ctx, a.Kode)
	must(t, err)
	if got != a {
		t.Errorf("GetKantor = %+v, want %+v", got, a)
	}
	if !got.CreatedAt.Equal(T0) || !isUTC(got.CreatedAt) {
		t.Errorf("CreatedAt = %v, want %v in UTC", got.CreatedAt, T0)
	}
	_, err = st.GetKantor(ctx, "NOPE")
	wantErr(t, "missing kantor", err, store.ErrNotFound)
	wantErr(t, "missing kantor is errs.NotFound", err, errs.NotFound)
	list, err := st.ListKantor(ctx)
	must(t, err)
	if len(list) != 2 || list[0].Kode != b.Kode || list[1].Kode != a.Kode {
		t.Errorf("ListKantor order = %v", list)
	}
}

func testKK(t *testing.T, st store.Store) {
	k := kk(kkN(1), nikN(1))
	must(t, st.CreateKK(ctx, &k))
	dup := kk(kkN(1), nikN(2))
	wantErr(t, "duplicate KK", st.CreateKK(ctx, &dup), store.ErrConflict)
	got, err := st.GetKK(ctx, k.NoKK)
	must(t, err)
	if got != k {
		t.Errorf("GetKK = %+v, want %+v", got, k)
	}
	upd, err := st.UpdateKK(ctx, k.NoKK, func(k *store.KartuKeluarga) error { k.RT = "009"; return nil })
	must(t, err)
	got, err = st.GetKK(ctx, k.NoKK)
	must(t, err)
	if got.RT != "009" || got != upd {
		t.Errorf("after update: %+v, returned %+v", got, upd)
	}
	_, err = st.UpdateKK(ctx, k.NoKK, func(k *store.KartuKeluarga) error { k.NoKK = kkN(2); return nil })
	if err == nil {
		t.Error("UpdateKK allowed the KK number to change")
	}
	_, err = st.UpdateKK(ctx, kkN(9), func(*store.KartuKeluarga) error { return nil })
	wantErr(t, "update missing KK", err, store.ErrNotFound)
	_, err = st.GetKK(ctx, kkN(9))
	wantErr(t, "get missing KK", err, store.ErrNotFound)
}

func testPenduduk(t *testing.T, st store.Store) {
	head := family(t, st, kkN(1), nikN(1))
	got, err := st.GetPenduduk(ctx, head.NIK)
	must(t, err)
	if got != head {
		t.Errorf("GetPenduduk =\n%+v\nwant\n%+v", got, head)
	}
	for name, ts := range map[string]time.Time{"TanggalLahir": got.TanggalLahir, "TanggalPerekaman": got.TanggalPerekaman, "CreatedAt": got.CreatedAt} {
		if !isUTC(ts) {
			t.Errorf("%s is in %v, want UTC", name, ts.Location())
		}
	}
	if !got.CreatedAt.Equal(T0) {
		t.Errorf("CreatedAt = %v, want %v (microsecond precision kept)", got.CreatedAt, T0)
	}
	// A resident without a recorded e-KTP round-trips a zero date.
	child := resident(nikN(2), kkN(1), store.Anak)
	child.TanggalPerekaman = time.Time{}
	child.Email, child.Telepon = "", ""
	must(t, st.CreatePenduduk(ctx, &child))
	got, err = st.GetPenduduk(ctx, child.NIK)
	must(t, err)
	if !got.TanggalPerekaman.IsZero() || got != child {
		t.Errorf("child = %+v, want %+v", got, child)
	}
	upd, err := st.UpdatePenduduk(ctx, child.NIK, func(p *store.Penduduk) error {
		p.TanggalPerekaman = day(2026, 11, 1)
		p.Pekerjaan = "PELAJAR/MAHASISWA"
		return nil
	})
	must(t, err)
	got, err = st.GetPenduduk(ctx, child.NIK)
	must(t, err)
	if got != upd || !got.TanggalPerekaman.Equal(day(2026, 11, 1)) || got.Pekerjaan != "PELAJAR/MAHASISWA" {
		t.Errorf("after update: %+v, returned %+v", got, upd)
	}
	members, err := st.ListAnggotaKK(ctx, kkN(1))
	must(t, err)
	if len(members) != 2 || members[0].NIK != head.NIK {
		t.Errorf("ListAnggotaKK: %d members, first %v; want 2 with the head first", len(members), members)
	}
}

func testPendudukErrors(t *testing.T, st store.Store) {
	head := family(t, st, kkN(1), nikN(1))
	dup := resident(head.NIK, kkN(1), store.Anak)
	wantErr(t, "duplicate NIK", st.CreatePenduduk(ctx, &dup), store.ErrConflict)
	orphan := resident(nikN(3), kkN(7), store.KepalaKeluarga)
	wantErr(t, "resident on a missing KK", st.CreatePenduduk(ctx, &orphan), store.ErrMissingReference)
	_, err := st.GetPenduduk(ctx, nikN(9))
	wantErr(t, "get missing", err, store.ErrNotFound)
	_, err = st.UpdatePenduduk(ctx, nikN(9), func(*store.Penduduk) error { return nil })
	wantErr(t, "update missing", err, store.ErrNotFound)
	_, err = st.UpdatePenduduk(ctx, head.NIK, func(p *store.Penduduk) error { p.NIK = nikN(5); return nil })
	if err == nil {
		t.Error("UpdatePenduduk allowed the NIK to change")
	}
	_, err = st.UpdatePenduduk(ctx, head.NIK, func(p *store.Penduduk) error { p.NoKK = kkN(8); return nil })
	wantErr(t, "move to a missing KK", err, store.ErrMissingReference)
	sentinel := errors.New("refused")
	_, err = st.UpdatePenduduk(ctx, head.NIK, func(p *store.Penduduk) error { p.Nama = "X"; return sentinel })
	wantErr(t, "updater error", err, sentinel)
	got, err := st.GetPenduduk(ctx, head.NIK)
	must(t, err)
	if got != head {
		t.Errorf("failed updates changed the record: %+v", got)
	}
}

func testPindahKK(t *testing.T, st store.Store) {
	family(t, st, kkN(1), nikN(1))
	wife := resident(nikN(2), kkN(1), store.Istri)
	must(t, st.CreatePenduduk(ctx, &wife))
	k2 := kk(kkN(2), wife.NIK)
	must(t, st.CreateKK(ctx, &k2))
	_, err := st.UpdatePenduduk(ctx, wife.NIK, func(p *store.Penduduk) error {
		p.NoKK, p.Hubungan = kkN(2), store.KepalaKeluarga
		return nil
	})
	must(t, err)
	hist, err := st.RiwayatKK(ctx, wife.NIK)
	must(t, err)
	want := store.RiwayatKK{NIK: wife.NIK, NoKK: kkN(1), Hubungan: store.Istri, Sampai: T0.UTC()}
	if len(hist) != 1 || hist[0] != want {
		t.Errorf("RiwayatKK = %+v, want [%+v]", hist, want)
	}
	// An update that keeps the KK adds no history.
	_, err = st.UpdatePenduduk(ctx, wife.NIK, func(p *store.Penduduk) error { p.RT = "003"; return nil })
	must(t, err)
	hist, err = st.RiwayatKK(ctx, wife.NIK)
	must(t, err)
	if len(hist) != 1 {
		t.Errorf("RiwayatKK has %d entries after an update within the same KK, want 1", len(hist))
	}
	for noKK, n := range map[string]int{kkN(1): 1, kkN(2): 1} {
		m, err := st.ListAnggotaKK(ctx, noKK)
		must(t, err)
		if len(m) != n {
			t.Errorf("KK %s has %d members, want %d", noKK, len(m), n)
		}
	}
}

func testPagination(t *testing.T, st store.Store) {
	// 25 residents on 5 KKs across two kecamatan, created out of NIK order.
	for f := 0; f < 5; f++ {
		k := kk(kkN(f), nikN(f*5))
		if f >= 3 {
			k.DesaKode = "17.71.02.1001"
		}
		must(t, st.CreateKK(ctx, &k))
	}
	for _, i := range []int{7, 3, 24, 0, 12, 18, 5, 1, 9, 22, 14, 2, 20, 16, 11, 4, 23, 6, 19, 8, 13, 21, 10, 17, 15} {
		p := resident(nikN(i), kkN(i/5), store.Anak)
		if i/5 >= 3 {
			p.DesaKode = "17.71.02.1001"
		}
		must(t, st.CreatePenduduk(ctx, &p))
	}
	var seen []string
	after := ""
	for page := 0; page < 10; page++ {
		list, err := st.ListPenduduk(ctx, store.PendudukFilter{AfterNIK: after, Limit: 10})
		must(t, err)
		if len(list) == 0 {
			break
		}
		for _, p := range list {
			seen = append(seen, p.NIK)
		}
		after = list[len(list)-1].NIK
	}
	if len(seen) != 25 {
		t.Fatalf("paged through %d residents, want 25", len(seen))
	}
	for i, nik := range seen {
		if nik != nikN(i) {
			t.Fatalf("page order: position %d has %s, want %s", i, nik, nikN(i))
		}
	}
	count := func(f store.PendudukFilter) int {
		f.Limit = 100
		list, err := st.ListPenduduk(ctx, f)
		must(t, err)
		return len(list)
	}
	for _, c := range []struct {
		f    store.PendudukFilter
		want int
	}{
		{store.PendudukFilter{WilayahKode: "17.71"}, 25},
		{store.PendudukFilter{WilayahKode: "17.71.01"}, 15},
		{store.PendudukFilter{WilayahKode: "17.71.02.1001"}, 10},
		{store.PendudukFilter{WilayahKode: "17.7"}, 0},
		{store.PendudukFilter{WilayahKode: "17.02"}, 0},
		{store.PendudukFilter{NoKK: kkN(2)}, 5},
		{store.PendudukFilter{WilayahKode: "17.71.01", AfterNIK: nikN(9)}, 5},
	} {
		if got := count(c.f); got != c.want {
			t.Errorf("ListPenduduk(%+v) returned %d, want %d", c.f, got, c.want)
		}
	}
}

func testStatistik(t *testing.T, st store.Store) {
	k := kk(kkN(1), nikN(1))
	must(t, st.CreateKK(ctx, &k))
	asOf := day(2026, 11, 23)
	for i, c := range []struct {
		birth time.Time
		kawin store.StatusKawin
		rekam bool
		nik   store.StatusNIK
	}{
		{day(1990, 1, 1), store.Kawin, true, store.NIKAktif},          // wajib, recorded
		{day(2009, 11, 23), store.BelumKawin, false, store.NIKAktif},  // 17 today: wajib
		{day(2009, 11, 24), store.BelumKawin, true, store.NIKAktif},   // 17 tomorrow: not wajib
		{day(2010, 3, 1), store.Kawin, false, store.NIKAktif},         // married at 16: wajib
		{day(1950, 1, 1), store.CeraiMati, true, store.NIKMati},       // deceased: not counted
		{day(2015, 6, 1), store.BelumKawin, false, store.NIKAktif},    // child
		{day(1980, 2, 2), store.CeraiHidup, true, store.NIKAktif},     // wajib, recorded
		{day(2000, 2, 2), store.BelumKawin, false, store.NIKNonaktif}, // wajib, NIK deactivated: still counted
	} {
		p := resident(nikN(i+1), kkN(1), store.Anak)
		p.TanggalLahir, p.StatusKawin, p.StatusNIK = c.birth, c.kawin, c.nik
		if !c.rekam {
			p.TanggalPerekaman = time.Time{}
		}
		must(t, st.CreatePenduduk(ctx, &p))
	}
	stats, err := st.StatistikWilayah(ctx, asOf)
	must(t, err)
	want := []store.StatistikWilayah{{KabKotaKode: "17.71", Penduduk: 7, WajibKTP: 5, Terekam: 2}}
	if len(stats) != 1 || stats[0] != want[0] {
		t.Errorf("StatistikWilayah = %+v, want %+v", stats, want)
	}
}

func testPortrait(t *testing.T, st store.Store) {
	head := family(t, st, kkN(1), nikN(1))
	_, err := st.GetPortrait(ctx, head.NIK)
	wantErr(t, "missing portrait", err, store.ErrNotFound)
	must(t, st.SetPortrait(ctx, head.NIK, store.Portrait{ContentType: "image/png", Data: []byte{0x89, 'P', 'N', 'G', 0}}))
	must(t, st.SetPortrait(ctx, head.NIK, store.Portrait{ContentType: "image/jpeg", Data: []byte{0xff, 0xd8, 0, 1}}))
	p, err := st.GetPortrait(ctx, head.NIK)
	must(t, err)
	if p.ContentType != "image/jpeg" || string(p.Data) != "\xff\xd8\x00\x01" {
		t.Errorf("portrait = %q %x", p.ContentType, p.Data)
	}
	wantErr(t, "portrait of a missing resident", st.SetPortrait(ctx, nikN(9), p), store.ErrMissingReference)
}

func testKTPel(t *testing.T, st store.Store) {
	head := family(t, st, kkN(1), nikN(1))
	office := store.Kantor{Kode: "DISDUKCAPIL-17.71", Nama: "Dinas", Jenis: store.DinasKabKota, WilayahKode: "17.71"}
	must(t, st.CreateKantor(ctx, &office))
	c1 := store.KTPel{NIK: head.NIK, BlangkoSerial: "BLK2015-00000001", Status: store.Diserahkan, KantorKode: office.Kode, DicetakAt: day(2015, 2, 1)}
	must(t, st.CreateKTPel(ctx, &c1))
	c2 := store.KTPel{NIK: head.NIK, BlangkoSerial: "BLK2026-00000002", Status: store.Dicetak, KantorKode: office.Kode}
	must(t, st.CreateKTPel(ctx, &c2))
	if c1.ID == 0 || c2.ID == 0 || c1.ID == c2.ID {
		t.Fatalf("card ids %d, %d", c1.ID, c2.ID)
	}
	dup := store.KTPel{NIK: head.NIK, BlangkoSerial: c1.BlangkoSerial, Status: store.Dicetak, KantorKode: office.Kode}
	wantErr(t, "reused blangko serial", st.CreateKTPel(ctx, &dup), store.ErrConflict)
	bad := store.KTPel{NIK: head.NIK, BlangkoSerial: "BLK-X", Status: store.Dicetak, KantorKode: "NOPE"}
	wantErr(t, "card from a missing office", st.CreateKTPel(ctx, &bad), store.ErrMissingReference)
	upd, err := st.UpdateKTPel(ctx, c1.ID, func(c *store.KTPel) error { c.Status = store.Diganti; return nil })
	must(t, err)
	got, err := st.GetKTPelBySerial(ctx, c1.BlangkoSerial)
	must(t, err)
	if got != upd || got.Status != store.Diganti || !got.DicetakAt.Equal(day(2015, 2, 1)) {
		t.Errorf("card after update = %+v, returned %+v", got, upd)
	}
	_, err = st.UpdateKTPel(ctx, c1.ID, func(c *store.KTPel) error { c.BlangkoSerial = "BLK-Y"; return nil })
	if err == nil {
		t.Error("UpdateKTPel allowed the serial to change")
	}
	_, err = st.UpdateKTPel(ctx, c1.ID, func(c *store.KTPel) error { c.Status = "TERBAKAR"; return nil })
	if err == nil {
		t.Error("UpdateKTPel stored an unknown status")
	}
	cards, err := st.ListKTPel(ctx, head.NIK)
	must(t, err)
	if len(cards) != 2 || cards[0].ID != c1.ID || cards[1].ID != c2.ID {
		t.Errorf("ListKTPel = %+v", cards)
	}
	_, err = st.GetKTPel(ctx, 999999)
	wantErr(t, "missing card", err, store.ErrNotFound)
}

func testMeta(t *testing.T, st store.Store) {
	_, err := st.GetMeta(ctx, "demo.complete")
	wantErr(t, "missing meta", err, store.ErrNotFound)
	must(t, st.SetMeta(ctx, "demo.complete", "1"))
	must(t, st.SetMeta(ctx, "demo.complete", "2"))
	v, err := st.GetMeta(ctx, "demo.complete")
	must(t, err)
	if v != "2" {
		t.Errorf("meta = %q, want 2", v)
	}
}

func testAudit(t *testing.T, st store.Store) {
	h, err := st.AuditHead(ctx)
	must(t, err)
	if h != (store.AuditHead{}) {
		t.Fatalf("empty log head = %+v", h)
	}
	prev := ""
	for i := int64(1); i <= 3; i++ {
		subject := "ab"
		if i == 2 {
			subject = "cd"
		}
		e := store.AuditEvent{Seq: i, At: T0, Actor: "petugas1", KantorKode: "K", Action: "penduduk.read",
			SubjectMask: "1771********0001", SubjectHash: subject, Purpose: "layanan", Detail: "{}",
			PrevHash: prev, Hash: fmt.Sprintf("h%d", i)}
		must(t, st.AppendAudit(ctx, &e))
		prev = e.Hash
	}
	stale := store.AuditEvent{Seq: 3, At: T0, PrevHash: "h2", Hash: "fork"}
	wantErr(t, "append at a stale head", st.AppendAudit(ctx, &stale), store.ErrConflict)
	gap := store.AuditEvent{Seq: 5, At: T0, PrevHash: "h3", Hash: "gap"}
	wantErr(t, "append with a gap", st.AppendAudit(ctx, &gap), store.ErrConflict)
	h, err = st.AuditHead(ctx)
	must(t, err)
	if h.Seq != 3 || h.Hash != "h3" {
		t.Errorf("head = %+v, want 3/h3", h)
	}
	list, err := st.ListAudit(ctx, 1, 10)
	must(t, err)
	if len(list) != 2 || list[0].Seq != 2 || list[1].Seq != 3 || list[0].PrevHash != "h1" || !list[0].At.Equal(T0) || !isUTC(list[0].At) {
		t.Errorf("ListAudit = %+v", list)
	}
	// A subject's events, newest first.
	list, err = st.ListAuditSubject(ctx, "ab", 10)
	must(t, err)
	if len(list) != 2 || list[0].Seq != 3 || list[1].Seq != 1 || list[0].Purpose != "layanan" || !isUTC(list[0].At) {
		t.Errorf("ListAuditSubject = %+v", list)
	}
	if list, err = st.ListAuditSubject(ctx, "ab", 1); err != nil || len(list) != 1 || list[0].Seq != 3 {
		t.Errorf("ListAuditSubject, limit 1 = %+v, %v", list, err)
	}
	testAppendMany(t, st)
}

// testAppendMany appends several events at once (a group commit's batch,
// more than one INSERT's worth): all or none, each following the one
// before it. The log holds events 1 to 3 on entry.
func testAppendMany(t *testing.T, st store.Store) {
	batch := func(from int64, n int, prev string) []*store.AuditEvent {
		evs := make([]*store.AuditEvent, n)
		for i := range evs {
			evs[i] = &store.AuditEvent{Seq: from + int64(i), At: T0, Actor: "lembaga:x", Action: "lembaga.verifikasi",
				Detail: "{}", PrevHash: prev, Hash: fmt.Sprintf("m%d", from+int64(i))}
			prev = evs[i].Hash
		}
		return evs
	}
	broken := batch(4, 3, "h3")
	broken[2].PrevHash = "elsewhere"
	wantErr(t, "append a batch whose events do not chain", st.AppendAudit(ctx, broken...), store.ErrConflict)
	wantErr(t, "append a batch at a stale head", st.AppendAudit(ctx, batch(3, 2, "h2")...), store.ErrConflict)
	const n = 600 // more than one INSERT carries
	must(t, st.AppendAudit(ctx, batch(4, n, "h3")...))
	h, err := st.AuditHead(ctx)
	must(t, err)
	if h.Seq != 3+n || h.Hash != fmt.Sprintf("m%d", 3+n) {
		t.Errorf("head after a batch of %d = %+v", n, h)
	}
	list, err := st.ListAudit(ctx, 3, 1000)
	must(t, err)
	if len(list) != n || list[0].PrevHash != "h3" || list[n-1].PrevHash != fmt.Sprintf("m%d", 2+n) {
		t.Errorf("ListAudit after a batch: %d events", len(list))
	}
}

// testQuota: a shared counter adds up within its window, starts afresh in
// a later one, keeps counters apart, adds up exactly under concurrent
// callers, and is pruned by window.
func testQuota(t *testing.T, st store.Store) {
	add := func(key string, window, n int64) int64 {
		t.Helper()
		total, err := st.AddQuota(ctx, key, window, n)
		must(t, err)
		return total
	}
	if got := add("masuk:a", 600, 1); got != 1 {
		t.Errorf("first attempt: %d", got)
	}
	if got := add("masuk:a", 600, 1); got != 2 {
		t.Errorf("second attempt: %d", got)
	}
	if got := add("masuk:b", 600, 5); got != 5 {
		t.Errorf("other key: %d", got)
	}
	if got := add("masuk:a", 1200, 1); got != 1 {
		t.Errorf("next window: %d, want a fresh count", got)
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := st.AddQuota(ctx, "lembaga:x", 60, 3); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := add("lembaga:x", 60, 0); got != 60 {
		t.Errorf("20 concurrent adds of 3: %d", got)
	}
	n, err := st.PruneQuota(ctx, 1200)
	must(t, err)
	if n != 2 || add("masuk:b", 600, 1) != 1 || add("masuk:a", 1200, 0) != 1 {
		t.Errorf("pruned %d counters, want 2 (windows 600 and 60)", n)
	}
}

func testRollback(t *testing.T, st store.Store) {
	boom := errors.New("boom")
	err := st.InTx(ctx, func(tx store.Tx) error {
		family(t, tx, kkN(1), nikN(1))
		if _, err := tx.GetPenduduk(ctx, nikN(1)); err != nil {
			t.Errorf("read inside the transaction: %v", err)
		}
		return boom
	})
	wantErr(t, "InTx", err, boom)
	_, err = st.GetPenduduk(ctx, nikN(1))
	wantErr(t, "resident after rollback", err, store.ErrNotFound)
	_, err = st.GetKK(ctx, kkN(1))
	wantErr(t, "KK after rollback", err, store.ErrNotFound)

	// A panic inside the transaction rolls it back and releases its locks:
	// the next write goes through.
	func() {
		defer func() { recover() }()
		st.InTx(ctx, func(tx store.Tx) error {
			family(t, tx, kkN(2), nikN(2))
			panic("boom")
		})
	}()
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := st.SetMeta(wctx, "after-panic", "ok"); err != nil {
		t.Fatalf("write after a panicking transaction: %v", err)
	}
	_, err = st.GetPenduduk(ctx, nikN(2))
	wantErr(t, "resident from the panicking transaction", err, store.ErrNotFound)
}

func testConcurrentUpdates(t *testing.T, st store.Store) {
	head := family(t, st, kkN(1), nikN(1))
	const n = 40
	errc := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			_, err := st.UpdatePenduduk(ctx, head.NIK, func(p *store.Penduduk) error {
				p.Alamat += "x" // each update appends one character
				return nil
			})
			errc <- err
		}()
	}
	for i := 0; i < n; i++ {
		must(t, <-errc)
	}
	got, err := st.GetPenduduk(ctx, head.NIK)
	must(t, err)
	if added := len(got.Alamat) - len(head.Alamat); added != n {
		t.Errorf("%d concurrent updates left %d changes: updates were lost", n, added)
	}
}

func batch(n int, at time.Time) *store.Batch {
	b := &store.Batch{At: at}
	for i := 0; i < n; i++ {
		if i%4 == 0 {
			b.Keluarga = append(b.Keluarga, kk(kkN(i/4), nikN(i)))
		}
		h := store.Anak
		if i%4 == 0 {
			h = store.KepalaKeluarga
		}
		b.Penduduk = append(b.Penduduk, resident(nikN(i), kkN(i/4), h))
	}
	return b
}

func load(t *testing.T, st store.Store, b *store.Batch) (store.BatchResult, error) {
	t.Helper()
	var res store.BatchResult
	err := st.InTx(ctx, func(tx store.Tx) error {
		var err error
		res, err = tx.LoadBatch(ctx, b)
		return err
	})
	return res, err
}

func testLoadBatch(t *testing.T, st store.Store) {
	office := store.Kantor{Kode: "DISDUKCAPIL-17.71", Nama: "Dinas", Jenis: store.DinasKabKota, WilayahKode: "17.71"}
	must(t, st.CreateKantor(ctx, &office))
	b := batch(20, day(2026, 1, 1))
	b.KTPel = []store.KTPel{{NIK: nikN(0), BlangkoSerial: "S1", Status: store.Diserahkan, KantorKode: office.Kode, DicetakAt: day(2015, 1, 1)}}
	res, err := load(t, st, b)
	must(t, err)
	if res != (store.BatchResult{Penduduk: 20, Keluarga: 5}) {
		t.Errorf("first load: %+v", res)
	}
	got, err := st.GetPenduduk(ctx, nikN(7))
	must(t, err)
	if want := b.Penduduk[7]; got.Nama != want.Nama || !got.CreatedAt.Equal(day(2026, 1, 1)) || !got.TanggalPerekaman.Equal(want.TanggalPerekaman) {
		t.Errorf("loaded resident = %+v", got)
	}
	// The same batch again changes nothing.
	res, err = load(t, st, batch(20, day(2026, 2, 1)))
	must(t, err)
	if res != (store.BatchResult{}) {
		t.Errorf("reload of identical rows: %+v, want no changes", res)
	}
	// A changed row and a move to another family card.
	b = batch(20, day(2026, 3, 1))
	b.Penduduk[5].Nama = "NAMA BARU"
	b.Penduduk[6].NoKK = kkN(0)
	b.Penduduk[6].TanggalPerekaman = time.Time{}
	b.KTPel = []store.KTPel{{NIK: nikN(0), BlangkoSerial: "S1", Status: store.Hilang, KantorKode: office.Kode}}
	res, err = load(t, st, b)
	must(t, err)
	if res != (store.BatchResult{Penduduk: 2, PindahKK: 1}) {
		t.Errorf("changed load: %+v, want 2 residents changed and 1 move", res)
	}
	got, err = st.GetPenduduk(ctx, nikN(6))
	must(t, err)
	if got.NoKK != kkN(0) || !got.TanggalPerekaman.IsZero() || !got.CreatedAt.Equal(day(2026, 1, 1)) || !got.UpdatedAt.Equal(day(2026, 3, 1)) {
		t.Errorf("moved resident = %+v", got)
	}
	hist, err := st.RiwayatKK(ctx, nikN(6))
	must(t, err)
	if len(hist) != 1 || hist[0].NoKK != kkN(1) || !hist[0].Sampai.Equal(day(2026, 3, 1)) {
		t.Errorf("history of moved resident = %+v", hist)
	}
	card, err := st.GetKTPelBySerial(ctx, "S1")
	must(t, err)
	if card.Status != store.Hilang || !card.DicetakAt.Equal(day(2015, 1, 1)) {
		t.Errorf("card after reload = %+v", card)
	}
	all, err := st.ListPenduduk(ctx, store.PendudukFilter{Limit: 1000})
	must(t, err)
	if len(all) != 20 {
		t.Errorf("%d residents after three loads, want 20", len(all))
	}
	// New and existing rows in one batch, out of key order, across several
	// key lookups: 2,480 new residents and 620 new KK are inserted, the
	// two residents changed above change back (one moves back to its KK).
	b = batch(2500, day(2026, 4, 1))
	slices.Reverse(b.Penduduk)
	slices.Reverse(b.Keluarga)
	res, err = load(t, st, b)
	must(t, err)
	if res != (store.BatchResult{Penduduk: 2482, Keluarga: 620, PindahKK: 1}) {
		t.Errorf("mixed load: %+v, want 2482 residents, 620 KK, 1 move", res)
	}
	for _, i := range []int{0, 6, 999, 1000, 2499} {
		got, err = st.GetPenduduk(ctx, nikN(i))
		must(t, err)
		if want := b.Penduduk[2499-i]; got.NIK != want.NIK || got.NoKK != want.NoKK || got.Nama != want.Nama {
			t.Errorf("resident %d after mixed load = %+v", i, got)
		}
	}
	if n := countPenduduk(t, st); n != 2500 {
		t.Errorf("%d residents after the mixed load, want 2500", n)
	}
	// New keys that sort before an existing one: a bulk path that appends
	// optimistically gets as far as the existing key before it must undo.
	late := &store.Batch{At: day(2026, 5, 1), Keluarga: []store.KartuKeluarga{kk(kkN(900), "1771015708800000")}}
	for i := 0; i < 50; i++ {
		late.Penduduk = append(late.Penduduk, resident(fmt.Sprintf("17710157088%05d", i), kkN(900), store.Anak))
	}
	last := resident(nikN(2499), kkN(2499/4), store.Anak)
	last.Nama = "NAMA TERAKHIR"
	late.Penduduk = append(late.Penduduk, last)
	res, err = load(t, st, late)
	must(t, err)
	if res != (store.BatchResult{Penduduk: 51, Keluarga: 1}) {
		t.Errorf("late-conflict load: %+v, want 51 residents and 1 KK", res)
	}
	if got, err = st.GetPenduduk(ctx, nikN(2499)); err != nil || got.Nama != "NAMA TERAKHIR" {
		t.Errorf("resident changed by the late-conflict load = %+v, %v", got, err)
	}
	if n := countPenduduk(t, st); n != 2550 {
		t.Errorf("%d residents after the late-conflict load, want 2550", n)
	}
}

// testKKStillReferenced checks that the database itself refuses to strand
// residents: a family card that has members cannot be deleted or
// renumbered, even by SQL that bypasses the store (no store method deletes
// one), while one without members can.
func testKKStillReferenced(t *testing.T, st store.Store) {
	db, ok := st.(interface{ SQL() *sql.DB })
	if !ok {
		t.Fatalf("%T does not expose its SQL handle", st)
	}
	_, err := load(t, st, batch(8, T0))
	must(t, err)
	must(t, st.CreateKK(ctx, ptr(kk(kkN(50), nikN(50)))))
	exec := func(q string, args ...any) error {
		if st.Backend() == "postgres" {
			q = strings.NewReplacer("?1", "$1", "?2", "$2").Replace(q)
		}
		_, err := db.SQL().ExecContext(ctx, q, args...)
		return err
	}
	if err := exec("DELETE FROM kartu_keluarga WHERE no_kk = ?1", kkN(0)); err == nil {
		t.Error("deleted a family card that has residents")
	}
	if err := exec("UPDATE kartu_keluarga SET no_kk = ?1 WHERE no_kk = ?2", kkN(51), kkN(1)); err == nil {
		t.Error("renumbered a family card that has residents")
	}
	must(t, exec("DELETE FROM kartu_keluarga WHERE no_kk = ?1", kkN(50)))
	if members, err := st.ListAnggotaKK(ctx, kkN(0)); err != nil || len(members) != 4 {
		t.Errorf("members of the card after the refused delete: %d, %v", len(members), err)
	}
}

func ptr[T any](v T) *T { return &v }

// countPenduduk pages through every resident.
func countPenduduk(t *testing.T, st store.Store) int {
	t.Helper()
	n, after := 0, ""
	for {
		page, err := st.ListPenduduk(ctx, store.PendudukFilter{AfterNIK: after, Limit: 1000})
		must(t, err)
		if len(page) == 0 {
			return n
		}
		n += len(page)
		after = page[len(page)-1].NIK
	}
}

func testLoadBatchRejects(t *testing.T, st store.Store) {
	b := batch(8, T0)
	b.Penduduk[3].NIK = b.Penduduk[2].NIK
	_, err := load(t, st, b)
	wantErr(t, "NIK twice in a batch", err, store.ErrConflict)
	if strings.Contains(err.Error(), b.Penduduk[2].NIK) {
		t.Errorf("the error shows a full NIK, and errors are logged: %v", err)
	}
	b = batch(8, T0)
	b.Penduduk[3].NoKK = kkN(99)
	_, err = load(t, st, b)
	wantErr(t, "resident on a KK that is nowhere", err, store.ErrMissingReference)
	list, err := st.ListPenduduk(ctx, store.PendudukFilter{})
	must(t, err)
	if len(list) != 0 {
		t.Errorf("failed batches left %d residents", len(list))
	}
}
