package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/store"
)

// credentialTests covers the digital-ID tables.
var credentialTests = []struct {
	name string
	fn   func(t *testing.T, st store.Store)
}{
	{"StatusList", testStatusList},
	{"StatusLockOrder", testStatusLockOrder},
	{"Aktivasi", testAktivasi},
	{"AktivasiSingleRedemption", testAktivasiSingleRedemption},
	{"Perangkat", testPerangkat},
	{"Kredensial", testKredensial},
	{"Nonce", testNonce},
	{"KartuCetak", testKartuCetak},
}

// testStatusLockOrder: a transaction that takes the audit head and then
// changes a status, and one that changes a status of the same list and
// then takes the audit head, interleaved, both commit at their first
// attempt: the list's version is taken at the commit, after the audit
// head, so neither waits for a lock the other holds. (With the version
// raised inside SetStatus this deadlocked on PostgreSQL, which broke it
// after a second and retried one.) SQLite runs one writer at a time, so
// the interleaving is PostgreSQL's.
func testStatusLockOrder(t *testing.T, st store.Store) {
	if st.Backend() == "sqlite" {
		t.Skip("SQLite's write transactions do not interleave")
	}
	must(t, st.CreateStatusList(ctx, &store.StatusList{ID: "1", Bits: 2, Size: 1024}))
	must(t, st.AllocateStatus(ctx, &store.StatusEntry{ListID: "1", Idx: 1, KredensialID: "a"}))
	must(t, st.AllocateStatus(ctx, &store.StatusEntry{ListID: "1", Idx: 2, KredensialID: "b"}))
	headTaken, statusSet := make(chan struct{}), make(chan struct{})
	var tries [2]int
	errc := make(chan error, 2)
	go func() {
		errc <- st.InTx(ctx, func(tx store.Tx) error {
			tries[0]++
			if _, err := tx.AuditHead(ctx); err != nil {
				return err
			}
			if tries[0] == 1 {
				close(headTaken)
				<-statusSet
			}
			return tx.SetStatus(ctx, "a", store.StatusRevoked)
		})
	}()
	go func() {
		errc <- st.InTx(ctx, func(tx store.Tx) error {
			tries[1]++
			if err := tx.SetStatus(ctx, "b", store.StatusRevoked); err != nil {
				return err
			}
			if tries[1] == 1 {
				<-headTaken
				close(statusSet)
			}
			_, err := tx.AuditHead(ctx)
			return err
		})
	}()
	for range 2 {
		must(t, <-errc)
	}
	if tries != [2]int{1, 1} {
		t.Errorf("attempts %v, want one each: the two transactions waited for each other's locks", tries)
	}
}

// activated creates a resident, an office and an activation, and returns
// the activation.
func activated(t *testing.T, st store.Store) store.Aktivasi {
	t.Helper()
	family(t, st, kkN(1), nikN(1))
	office := store.Kantor{Kode: "DISDUKCAPIL-17.71", Nama: "Dinas", Jenis: store.DinasKabKota, WilayahKode: "17.71"}
	must(t, st.CreateKantor(ctx, &office))
	a := store.Aktivasi{ID: "akt-1", NIK: nikN(1), KabKotaKode: "17.71", KantorKode: office.Kode, Petugas: "petugas1",
		CodeHash: "code-1", TxCodeHash: "tx-1", State: store.Ditawarkan, ExpiresAt: T0.Add(10 * time.Minute)}
	must(t, st.CreateAktivasi(ctx, &a))
	return a
}

func testStatusList(t *testing.T, st store.Store) {
	must(t, st.CreateStatusList(ctx, &store.StatusList{ID: "1", Bits: 2, Size: 1 << 20}))
	wantErr(t, "duplicate list", st.CreateStatusList(ctx, &store.StatusList{ID: "1", Bits: 2, Size: 8}), store.ErrConflict)
	lists, err := st.ListStatusLists(ctx)
	must(t, err)
	if len(lists) != 1 || lists[0].Bits != 2 || lists[0].Size != 1<<20 || !lists[0].CreatedAt.Equal(T0) {
		t.Fatalf("lists = %+v", lists)
	}
	for i, idx := range []int{777, 3, 1<<20 - 1} {
		must(t, st.AllocateStatus(ctx, &store.StatusEntry{ListID: "1", Idx: idx, KredensialID: fmt.Sprint("k", i)}))
	}
	wantErr(t, "index taken", st.AllocateStatus(ctx, &store.StatusEntry{ListID: "1", Idx: 3, KredensialID: "k9"}), store.ErrConflict)
	wantErr(t, "credential twice", st.AllocateStatus(ctx, &store.StatusEntry{ListID: "1", Idx: 4, KredensialID: "k0"}), store.ErrConflict)
	wantErr(t, "missing list", st.AllocateStatus(ctx, &store.StatusEntry{ListID: "9", Idx: 4, KredensialID: "k8"}), store.ErrMissingReference)
	// A taken index inside a transaction leaves the transaction usable, so
	// the caller can draw another index (PostgreSQL aborts a transaction on
	// a unique violation).
	must(t, st.InTx(ctx, func(tx store.Tx) error {
		wantErr(t, "index taken in a transaction", tx.AllocateStatus(ctx, &store.StatusEntry{ListID: "1", Idx: 3, KredensialID: "k5"}), store.ErrConflict)
		wantErr(t, "list taken in a transaction", tx.CreateStatusList(ctx, &store.StatusList{ID: "1", Bits: 2, Size: 8}), store.ErrConflict)
		return tx.AllocateStatus(ctx, &store.StatusEntry{ListID: "1", Idx: 5, KredensialID: "k5"})
	}))
	version := func() int64 {
		lists, err := st.ListStatusLists(ctx)
		must(t, err)
		for _, l := range lists {
			if l.ID == "1" {
				return l.Version
			}
		}
		t.Fatal("list 1 is gone")
		return 0
	}
	v0 := version()
	must(t, st.SetStatus(ctx, "k0", store.StatusRevoked))
	must(t, st.SetStatus(ctx, "k2", store.StatusSuspended))
	v1 := version()
	if v1 == v0 {
		t.Errorf("list version still %d after two status changes", v0)
	}
	wantErr(t, "status of an unknown credential", st.SetStatus(ctx, "nope", store.StatusRevoked), store.ErrNotFound)
	if v := version(); v != v1 {
		t.Errorf("list version %d after a refused status change, want %d", v, v1)
	}
	// A change rolled back leaves the version as it was.
	rollback := errors.New("rollback")
	wantErr(t, "rolled back change", st.InTx(ctx, func(tx store.Tx) error {
		must(t, tx.SetStatus(ctx, "k0", store.StatusValid))
		return rollback
	}), rollback)
	if v := version(); v != v1 {
		t.Errorf("list version %d after a rolled-back change, want %d", v, v1)
	}
	nonzero, n, err := st.StatusEntries(ctx, "1")
	must(t, err)
	if n != 4 || len(nonzero) != 2 || nonzero[0].Idx != 777 || nonzero[0].Status != store.StatusRevoked ||
		nonzero[1].Idx != 1<<20-1 || nonzero[1].Status != store.StatusSuspended {
		t.Errorf("entries: %d allocated, non-zero %+v", n, nonzero)
	}
	e, err := st.GetStatusEntry(ctx, "1", 1<<20-1)
	must(t, err)
	if e.ListID != "1" || e.Idx != 1<<20-1 || e.Status != store.StatusSuspended || e.KredensialID != "k2" || e.UpdatedAt.IsZero() {
		t.Errorf("entry = %+v", e)
	}
	if e, err := st.GetStatusEntry(ctx, "1", 3); err != nil || e.Status != store.StatusValid || e.KredensialID != "k1" {
		t.Errorf("valid entry = %+v, %v", e, err)
	}
	_, err = st.GetStatusEntry(ctx, "1", 4)
	wantErr(t, "unallocated entry", err, store.ErrNotFound)
	_, err = st.GetStatusEntry(ctx, "9", 3)
	wantErr(t, "unknown list", err, store.ErrNotFound)
}

func testAktivasi(t *testing.T, st store.Store) {
	a := activated(t, st)
	dup := a
	dup.ID = "akt-2"
	wantErr(t, "same code twice", st.CreateAktivasi(ctx, &dup), store.ErrConflict)
	got, err := st.GetAktivasiByCode(ctx, "code-1")
	must(t, err)
	if got != a || !got.TokenExpiresAt.IsZero() || got.TokenHash != "" {
		t.Errorf("by code = %+v, want %+v", got, a)
	}
	_, err = st.GetAktivasiByToken(ctx, "")
	wantErr(t, "empty token", err, store.ErrNotFound)
	if latest, err := st.LatestAktivasi(ctx, nikN(1)); err != nil || latest != a {
		t.Errorf("latest = %+v, %v; want %+v", latest, err, a)
	}
	_, err = st.LatestAktivasi(ctx, nikN(2))
	wantErr(t, "latest of a resident without one", err, store.ErrNotFound)
	upd, err := st.UpdateAktivasi(ctx, a.ID, func(a *store.Aktivasi) error {
		a.State, a.TokenHash, a.TokenExpiresAt = store.Ditukar, "tok-1", T0.Add(5*time.Minute)
		return nil
	})
	must(t, err)
	got, err = st.GetAktivasiByToken(ctx, "tok-1")
	must(t, err)
	if got != upd || got.State != store.Ditukar || !got.TokenExpiresAt.Equal(T0.Add(5*time.Minute)) {
		t.Errorf("by token = %+v, updated %+v", got, upd)
	}
	_, err = st.UpdateAktivasi(ctx, a.ID, func(a *store.Aktivasi) error { a.CodeHash = "other"; return nil })
	if err == nil {
		t.Error("UpdateAktivasi allowed the code to change")
	}
	_, err = st.UpdateAktivasi(ctx, "nope", func(*store.Aktivasi) error { return nil })
	wantErr(t, "update missing", err, store.ErrNotFound)
}

// testAktivasiSingleRedemption redeems one offer from many goroutines at
// once: exactly one must win.
func testAktivasiSingleRedemption(t *testing.T, st store.Store) {
	a := activated(t, st)
	errTaken := errors.New("already redeemed")
	const n = 50
	errc := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			_, err := st.UpdateAktivasi(ctx, a.ID, func(a *store.Aktivasi) error {
				if a.State != store.Ditawarkan {
					return errTaken
				}
				a.State, a.TokenHash = store.Ditukar, fmt.Sprint("tok-", i)
				return nil
			})
			errc <- err
		}()
	}
	won := 0
	for i := 0; i < n; i++ {
		switch err := <-errc; {
		case err == nil:
			won++
		case !errors.Is(err, errTaken):
			t.Errorf("redemption failed with %v", err)
		}
	}
	if won != 1 {
		t.Errorf("%d of %d concurrent redemptions succeeded, want exactly 1", won, n)
	}
}

func testPerangkat(t *testing.T, st store.Store) {
	a := activated(t, st)
	d := store.Perangkat{NIK: a.NIK, JKT: "jkt-1", AktivasiID: a.ID}
	must(t, st.BindPerangkat(ctx, &d))
	second := store.Perangkat{NIK: a.NIK, JKT: "jkt-2", AktivasiID: a.ID}
	wantErr(t, "second active device", st.BindPerangkat(ctx, &second), store.ErrConflict)
	got, err := st.GetPerangkatAktif(ctx, a.NIK)
	must(t, err)
	if got != d || got.State != store.PerangkatAktif || !got.BoundAt.Equal(T0) {
		t.Errorf("active device = %+v, want %+v", got, d)
	}
	if byKey, err := st.GetPerangkatByJKT(ctx, "jkt-1"); err != nil || byKey != got {
		t.Errorf("device by key = %+v, %v; want %+v", byKey, err, got)
	}
	_, err = st.GetPerangkatByJKT(ctx, "jkt-2")
	wantErr(t, "device by a key never bound", err, store.ErrNotFound)
	among, err := st.WithPerangkatAktif(ctx, []string{nikN(7), a.NIK, nikN(8)})
	must(t, err)
	if len(among) != 1 || among[0] != a.NIK {
		t.Errorf("residents with an active device among three = %v, want only %s", among, a.NIK)
	}
	must(t, st.ReleasePerangkat(ctx, d.ID, T0.Add(time.Hour)))
	wantErr(t, "release twice", st.ReleasePerangkat(ctx, d.ID, T0), store.ErrNotFound)
	_, err = st.GetPerangkatAktif(ctx, a.NIK)
	wantErr(t, "no active device after release", err, store.ErrNotFound)
	_, err = st.GetPerangkatByJKT(ctx, "jkt-1")
	wantErr(t, "released device by key", err, store.ErrNotFound)
	if among, err = st.WithPerangkatAktif(ctx, []string{a.NIK}); err != nil || len(among) != 0 {
		t.Errorf("residents with an active device after release = %v, %v", among, err)
	}
	must(t, st.BindPerangkat(ctx, &second))
	if second.ID == d.ID {
		t.Errorf("new device reuses id %d", d.ID)
	}
}

func testKredensial(t *testing.T, st store.Store) {
	a := activated(t, st)
	d := store.Perangkat{NIK: a.NIK, JKT: "jkt-1", AktivasiID: a.ID}
	must(t, st.BindPerangkat(ctx, &d))
	must(t, st.CreateStatusList(ctx, &store.StatusList{ID: "1", Bits: 2, Size: 1024}))
	must(t, st.AllocateStatus(ctx, &store.StatusEntry{ListID: "1", Idx: 42, KredensialID: "cred-1"}))
	k := store.Kredensial{ID: "cred-1", NIK: a.NIK, Format: "dc+sd-jwt", Kid: "kid-1", PerangkatID: d.ID, StatusListID: "1",
		StatusIdx: 42, State: store.Disiapkan, TBS: []byte("header.payload\x00\xff"), IssuedAt: T0, ExpiresAt: T0.AddDate(1, 0, 0)}
	must(t, st.CreateKredensial(ctx, &k))
	orphan := k
	orphan.ID, orphan.StatusIdx = "cred-2", 43
	wantErr(t, "credential without its status entry", st.CreateKredensial(ctx, &orphan), store.ErrMissingReference)
	must(t, st.SetKredensialState(ctx, k.ID, store.Terbit))
	wantErr(t, "state of a missing credential", st.SetKredensialState(ctx, "nope", store.Terbit), store.ErrNotFound)
	got, err := st.GetKredensial(ctx, k.ID)
	must(t, err)
	if got.State != store.Terbit || string(got.TBS) != string(k.TBS) || !got.ExpiresAt.Equal(k.ExpiresAt) || got.StatusIdx != 42 {
		t.Errorf("credential = %+v", got)
	}
	list, err := st.ListKredensialPerangkat(ctx, d.ID)
	must(t, err)
	if len(list) != 1 || list[0].ID != k.ID {
		t.Errorf("credentials of the device = %+v", list)
	}
}

func testNonce(t *testing.T, st store.Store) {
	must(t, st.CreateNonce(ctx, "n1", T0.Add(time.Minute)))
	must(t, st.CreateNonce(ctx, "n2", T0.Add(time.Minute)))
	wantErr(t, "same nonce twice", st.CreateNonce(ctx, "n1", T0.Add(time.Minute)), store.ErrConflict)
	must(t, st.ConsumeNonce(ctx, "n1", T0))
	wantErr(t, "replayed nonce", st.ConsumeNonce(ctx, "n1", T0), store.ErrNotFound)
	wantErr(t, "unknown nonce", st.ConsumeNonce(ctx, "n9", T0), store.ErrNotFound)
	wantErr(t, "expired nonce", st.ConsumeNonce(ctx, "n2", T0.Add(time.Minute)), store.ErrNotFound)
}

// testKartuCetak: printed cards need their status entry and office, keep
// their bytes and states, and list per resident, oldest first.
func testKartuCetak(t *testing.T, st store.Store) {
	a := activated(t, st)
	must(t, st.CreateStatusList(ctx, &store.StatusList{ID: "1", Bits: 2, Size: 1024}))
	must(t, st.AllocateStatus(ctx, &store.StatusEntry{ListID: "1", Idx: 7, KredensialID: "cetak-1"}))
	must(t, st.AllocateStatus(ctx, &store.StatusEntry{ListID: "1", Idx: 8, KredensialID: "cetak-2"}))
	k := store.KartuCetak{ID: "cetak-1", NIK: a.NIK, Kid: "kid-1", StatusListID: "1", StatusIdx: 7, State: store.Disiapkan,
		TBS: []byte("Signature1\x00\xff"), Petugas: "sari", KantorKode: a.KantorKode, IssuedAt: T0, ExpiresAt: T0.AddDate(1, 0, 0)}
	must(t, st.CreateKartuCetak(ctx, &k))
	orphan := k
	orphan.ID, orphan.StatusIdx = "cetak-3", 9
	wantErr(t, "printed card without its status entry", st.CreateKartuCetak(ctx, &orphan), store.ErrMissingReference)
	second := k
	second.ID, second.StatusIdx = "cetak-2", 8
	must(t, st.CreateKartuCetak(ctx, &second))
	must(t, st.SetKartuCetakState(ctx, k.ID, store.Terbit))
	wantErr(t, "state of a missing printed card", st.SetKartuCetakState(ctx, "nope", store.Terbit), store.ErrNotFound)
	list, err := st.ListKartuCetak(ctx, a.NIK)
	must(t, err)
	if len(list) != 2 || list[0].ID != "cetak-1" || list[0].State != store.Terbit || string(list[0].TBS) != string(k.TBS) ||
		list[0].Petugas != "sari" || !list[0].ExpiresAt.Equal(k.ExpiresAt) || !isUTC(list[0].IssuedAt) || list[1].ID != "cetak-2" {
		t.Errorf("printed cards = %+v", list)
	}
	if none, err := st.ListKartuCetak(ctx, nikN(2)); err != nil || len(none) != 0 {
		t.Errorf("another resident's printed cards: %v %v", none, err)
	}
}
