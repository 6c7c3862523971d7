package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/ikd-project/ikd/internal/store"
)

// petugasTests covers officers (API tokens for now).
var petugasTests = []struct {
	name string
	fn   func(t *testing.T, st store.Store)
}{
	{"Petugas", testPetugas},
	{"PetugasAkun", testPetugasAkun},
	{"Sesi", testSesi},
}

func testPetugas(t *testing.T, st store.Store) {
	office := store.Kantor{Kode: "DISDUKCAPIL-17.71", Nama: "Dinas", Jenis: store.DinasKabKota, WilayahKode: "17.71"}
	must(t, st.CreateKantor(ctx, &office))

	a := store.Petugas{Username: "budi", Nama: "Budi Santoso", KantorKode: office.Kode, TokenHash: "hash-a"}
	must(t, st.CreatePetugas(ctx, &a))
	if a.State != store.PetugasAktif || !a.CreatedAt.Equal(T0) || !isUTC(a.CreatedAt) {
		t.Errorf("created = %+v", a)
	}
	b := store.Petugas{Username: "ani", Nama: "Ani", KantorKode: office.Kode, TokenHash: "hash-b"}
	must(t, st.CreatePetugas(ctx, &b))

	dupToken := b
	dupToken.Username, dupToken.TokenHash = "citra", "hash-a"
	wantErr(t, "same token hash", st.CreatePetugas(ctx, &dupToken), store.ErrConflict)
	dupName := b
	dupName.TokenHash = "hash-c"
	wantErr(t, "same username", st.CreatePetugas(ctx, &dupName), store.ErrConflict)
	err := st.InTx(ctx, func(tx store.Tx) error { return tx.CreatePetugas(ctx, &dupToken) })
	wantErr(t, "same token hash in a transaction", err, store.ErrConflict)
	noOffice := store.Petugas{Username: "dedi", Nama: "Dedi", KantorKode: "KANTOR-X", TokenHash: "hash-d"}
	wantErr(t, "unknown office", st.CreatePetugas(ctx, &noOffice), store.ErrMissingReference)

	got, err := st.GetPetugasByTokenHash(ctx, "hash-a")
	must(t, err)
	if got.Username != "budi" || got.Nama != a.Nama || got.KantorKode != office.Kode || got.TokenHash != "hash-a" ||
		got.State != store.PetugasAktif || !got.CreatedAt.Equal(a.CreatedAt) || !isUTC(got.CreatedAt) {
		t.Errorf("by token hash = %+v, want %+v", got, a)
	}
	_, err = st.GetPetugasByTokenHash(ctx, "hash-x")
	wantErr(t, "unknown token hash", err, store.ErrNotFound)

	must(t, st.SetPetugasState(ctx, "budi", store.PetugasNonaktif))
	wantErr(t, "state of an unknown officer", st.SetPetugasState(ctx, "nobody", store.PetugasNonaktif), store.ErrNotFound)
	got, err = st.GetPetugasByTokenHash(ctx, "hash-a")
	must(t, err)
	if got.State != store.PetugasNonaktif {
		t.Errorf("state = %s, want NONAKTIF", got.State)
	}

	// Same created_at: username order.
	list, err := st.ListPetugas(ctx)
	must(t, err)
	if len(list) != 2 || list[0].Username != "ani" || list[1].Username != "budi" || list[1].State != store.PetugasNonaktif {
		t.Errorf("list = %+v", list)
	}
}

// testPetugasAkun: the console account's fields round-trip, UpdatePetugas
// applies its function atomically and refuses to change the identity.
func testPetugasAkun(t *testing.T, st store.Store) {
	office := store.Kantor{Kode: "DISDUKCAPIL-17.71", Nama: "Dinas", Jenis: store.DinasKabKota, WilayahKode: "17.71"}
	must(t, st.CreateKantor(ctx, &office))
	exp := T0.Add(24*time.Hour + 123456789)
	a := store.Petugas{Username: "sari", Nama: "Sari", KantorKode: office.Kode, TokenHash: "hash-s",
		Peran: store.PeranSupervisor, TOTPWajib: true, SetupHash: "setup-1", SetupExpiresAt: exp}
	must(t, st.CreatePetugas(ctx, &a))
	got, err := st.GetPetugas(ctx, "sari")
	must(t, err)
	if got.Peran != store.PeranSupervisor || !got.TOTPWajib || got.SetupHash != "setup-1" ||
		!got.SetupExpiresAt.Equal(a.SetupExpiresAt) || !isUTC(got.SetupExpiresAt) || !got.TerkunciSampai.IsZero() || got.Gagal != 0 {
		t.Errorf("got %+v, want %+v", got, a)
	}
	b := store.Petugas{Username: "tono", Nama: "Tono", KantorKode: office.Kode, TokenHash: "hash-t"}
	must(t, st.CreatePetugas(ctx, &b))
	if b.Peran != store.PeranOperator {
		t.Errorf("default role = %q, want operator", b.Peran)
	}
	_, err = st.GetPetugas(ctx, "nobody")
	wantErr(t, "unknown username", err, store.ErrNotFound)

	locked := T0.Add(15 * time.Minute)
	up, err := st.UpdatePetugas(ctx, "sari", func(p *store.Petugas) error {
		p.PasswordHash, p.TOTPSecret, p.SetupHash, p.SetupExpiresAt = "$argon2id$x", "JBSWY3DPEHPK3PXP", "", time.Time{}
		p.Gagal, p.TerkunciSampai, p.Peran, p.TOTPStep = 5, locked, store.PeranAdmin, 59_000_000
		return nil
	})
	must(t, err)
	got, err = st.GetPetugas(ctx, "sari")
	must(t, err)
	if got != up || got.PasswordHash != "$argon2id$x" || got.TOTPSecret != "JBSWY3DPEHPK3PXP" || got.SetupHash != "" ||
		!got.SetupExpiresAt.IsZero() || got.Gagal != 5 || got.TOTPStep != 59_000_000 || !got.TerkunciSampai.Equal(locked) || got.Peran != store.PeranAdmin {
		t.Errorf("after update: %+v (returned %+v)", got, up)
	}
	refuse := errors.New("refused")
	if _, err := st.UpdatePetugas(ctx, "sari", func(p *store.Petugas) error { p.Gagal = 9; return refuse }); !errors.Is(err, refuse) {
		t.Errorf("update whose fn fails: %v", err)
	}
	if _, err := st.UpdatePetugas(ctx, "sari", func(p *store.Petugas) error { p.TokenHash = "other"; return nil }); err == nil {
		t.Error("update changed the token hash")
	}
	if got, _ := st.GetPetugas(ctx, "sari"); got.Gagal != 5 || got.TokenHash != "hash-s" {
		t.Errorf("refused updates changed the officer: %+v", got)
	}
	_, err = st.UpdatePetugas(ctx, "nobody", func(*store.Petugas) error { return nil })
	wantErr(t, "update of an unknown officer", err, store.ErrNotFound)
}

// testSesi: sessions are created, read by their hash, touched and ended,
// one or all of an officer's.
func testSesi(t *testing.T, st store.Store) {
	office := store.Kantor{Kode: "DISDUKCAPIL-17.71", Nama: "Dinas", Jenis: store.DinasKabKota, WilayahKode: "17.71"}
	must(t, st.CreateKantor(ctx, &office))
	must(t, st.CreatePetugas(ctx, &store.Petugas{Username: "budi", Nama: "Budi", KantorKode: office.Kode, TokenHash: "h1"}))
	s1 := store.Sesi{IDHash: "sesi-1", Username: "budi", CSRF: "csrf-1", ExpiresAt: T0.Add(12 * time.Hour)}
	must(t, st.CreateSesi(ctx, &s1))
	must(t, st.CreateSesi(ctx, &store.Sesi{IDHash: "sesi-2", Username: "budi", CSRF: "csrf-2", ExpiresAt: T0.Add(time.Hour)}))
	wantErr(t, "session of an unknown officer",
		st.CreateSesi(ctx, &store.Sesi{IDHash: "sesi-3", Username: "nobody", CSRF: "c", ExpiresAt: T0}), store.ErrMissingReference)
	got, err := st.GetSesi(ctx, "sesi-1")
	must(t, err)
	if got != s1 || !got.CreatedAt.Equal(T0) || !got.LastSeenAt.Equal(T0) || !isUTC(got.ExpiresAt) {
		t.Errorf("session = %+v, want %+v", got, s1)
	}
	later := T0.Add(10 * time.Minute)
	must(t, st.TouchSesi(ctx, "sesi-1", later))
	if got, _ := st.GetSesi(ctx, "sesi-1"); !got.LastSeenAt.Equal(later) {
		t.Errorf("last seen = %v, want %v", got.LastSeenAt, later)
	}
	must(t, st.DeleteSesi(ctx, "sesi-1"))
	must(t, st.DeleteSesi(ctx, "sesi-1"))
	_, err = st.GetSesi(ctx, "sesi-1")
	wantErr(t, "ended session", err, store.ErrNotFound)
	n, err := st.DeleteSesiPetugas(ctx, "budi")
	must(t, err)
	if n != 1 {
		t.Errorf("ended %d sessions, want 1", n)
	}
	if _, err := st.GetSesi(ctx, "sesi-2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session after the officer's were ended: %v", err)
	}
}
