package app

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"io"
	"log/slog"
	"testing"

	"github.com/ikd-project/ikd/internal/aktivasi"
	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/ikdtest"
	"github.com/ikd-project/ikd/internal/penduduk"
	"github.com/ikd-project/ikd/internal/store"
)

// activatedResident loads a small demo province and activates one
// resident for real (four credentials on a device).
func activatedResident(t *testing.T, st store.Store) (*DigitalID, *audit.Log, store.Penduduk) {
	t.Helper()
	ctx := context.Background()
	d, auditLog, inbox, cfg := demoDigitalID(t, st, 0.001)
	page, err := st.ListPenduduk(ctx, store.PendudukFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var p store.Penduduk
	for _, r := range page {
		if r.StatusNIK == store.NIKAktif && penduduk.Terekam(&r) && r.Email != "" {
			p = r
			break
		}
	}
	offer, err := d.Aktivasi.Offer(ctx, aktivasi.OfferRequest{NIK: p.NIK, Petugas: "t", Kantor: "DISDUKCAPIL-" + p.DesaKode[:5]})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := d.Aktivasi.Redeem(ctx, offer.Code, inbox.code)
	if err != nil {
		t.Fatal(err)
	}
	nonce, _ := d.Aktivasi.Nonce(ctx)
	device, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if _, err := d.Aktivasi.Credential(ctx, tok.AccessToken, proof(t, device, cfg.PublicURL, nonce)); err != nil {
		t.Fatal(err)
	}
	return d, auditLog, p
}

// nonzero counts the status list entries that are not valid.
func nonzero(t *testing.T, st store.Store) int {
	t.Helper()
	entries, _, err := st.StatusEntries(context.Background(), "1")
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// importOne loads p and their KK as one batch, as ikd import does (no
// keys: revocations in the batch, re-issues queued).
func importOne(t *testing.T, st store.Store, auditLog *audit.Log, p store.Penduduk) {
	t.Helper()
	ctx := context.Background()
	kk, err := st.GetKK(ctx, p.NoKK)
	if err != nil {
		t.Fatal(err)
	}
	l := NewBatchLoader(st, auditLog, "system:import", "test.csv")
	l.Revoker, l.Reissue = NewRevoker(st, auditLog), true
	if _, err := l.LoadBatch(ctx, &store.Batch{Keluarga: []store.KartuKeluarga{kk}, Penduduk: []store.Penduduk{p}}, 2, 2); err != nil {
		t.Fatal(err)
	}
}

// TestImportRevokesDeceased activates a resident for real, then loads a
// batch (as an import does) that marks them deceased: their four
// credentials are revoked in the same transaction, and none is queued
// for a re-issue.
func TestImportRevokesDeceased(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		_, auditLog, p := activatedResident(t, st)
		if n := nonzero(t, st); n != 0 {
			t.Fatalf("%d revoked entries before the import", n)
		}
		p.StatusNIK = store.NIKMati
		importOne(t, st, auditLog, p)
		if n := nonzero(t, st); n != 4 {
			t.Errorf("%d credentials revoked after the import marked the resident deceased, want 4", n)
		}
		if q, err := st.ListReissue(context.Background(), "", 10); err != nil || len(q) != 0 {
			t.Errorf("re-issue queue after a death: %v %v", q, err)
		}
	})
}

// TestImportQueuesReissue: an import that changes nothing on the
// credentials queues nobody; one that changes the address queues the
// resident, and the server's Reissuer re-issues them once (a second
// drain finds nothing), old credentials revoked, new ones waiting for
// the wallet.
func TestImportQueuesReissue(t *testing.T) {
	ikdtest.ForEachBackend(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		d, auditLog, p := activatedResident(t, st)
		r := &Reissuer{Store: st, Issuer: d.Issuer, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
		p.Telepon = "081299990000" // not on the credentials
		importOne(t, st, auditLog, p)
		if q, _ := st.ListReissue(ctx, "", 10); len(q) != 0 {
			t.Fatalf("queued after a change the credentials do not carry: %v", q)
		}
		p.Alamat = "JL. BARU NO. 2"
		importOne(t, st, auditLog, p)
		if q, _ := st.ListReissue(ctx, "", 10); len(q) != 1 || q[0] != p.NIK {
			t.Fatalf("queue after an address change: %v", q)
		}
		if n := nonzero(t, st); n != 0 {
			t.Errorf("the import itself changed %d statuses", n)
		}
		if n, err := r.Drain(ctx); n != 1 || err != nil {
			t.Fatalf("drain: %d, %v", n, err)
		}
		if n, err := r.Drain(ctx); n != 0 || err != nil {
			t.Errorf("second drain: %d, %v", n, err)
		}
		if n := nonzero(t, st); n != 4 {
			t.Errorf("%d credentials revoked as superseded, want 4", n)
		}
		dev, err := st.GetPerangkatAktif(ctx, p.NIK)
		if err != nil {
			t.Fatal(err)
		}
		if wait, err := st.ListKiriman(ctx, dev.ID); err != nil || len(wait) != 4 {
			t.Errorf("waiting for the wallet: %d, %v", len(wait), err)
		}
	})
}
