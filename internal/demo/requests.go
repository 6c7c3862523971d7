package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/ikd-project/ikd/internal/store"
)

// MetaRequests is the meta key LoadRequests sets when it has run.
const MetaRequests = "demo.permohonan"

// demoRequest is one of the demo's service requests: a kind, where it
// got to, and how the replacement was served.
type demoRequest struct {
	jenis   store.JenisPermohonan
	steps   []store.StatePermohonan
	pilihan store.Pilihan
	alasan  string
	age     time.Duration // how long ago it was submitted (its deadline follows)
}

var demoRequests = []demoRequest{
	{store.KartuHilang, []store.StatePermohonan{store.Diperiksa, store.SelesaiP}, store.PilihIKD, "", 2 * 24 * time.Hour},
	{store.KartuHilang, []store.StatePermohonan{store.Diperiksa}, "", "", 3 * time.Hour},
	{store.KartuRusak, []store.StatePermohonan{store.Diperiksa, store.Diproses}, store.PilihKartu, "tidak punya ponsel pintar", 9 * 24 * time.Hour},
	{store.Pemula, []store.StatePermohonan{store.Diperiksa, store.Diproses, store.MenungguBlangko}, store.PilihKartu, "", 16 * 24 * time.Hour},
	{store.Pemula, nil, store.PilihKartu, "", time.Hour},
	{store.UbahData, []store.StatePermohonan{store.Diperiksa}, store.PilihKartu, "", 4 * 24 * time.Hour},
}

// LoadRequests gives the demo's Kota Bengkulu Dinas a few service
// requests in their states (one served by IKD, one overdue waiting for
// blangko), once, for the console's list to show.
func LoadRequests(ctx context.Context, st store.Store, now time.Time) error {
	if _, err := st.GetMeta(ctx, MetaRequests); err == nil {
		return nil
	} else if !store.IsNotFound(err) {
		return err
	}
	residents, err := st.ListPenduduk(ctx, store.PendudukFilter{WilayahKode: "17.71", Limit: len(demoRequests)})
	if err != nil || len(residents) < len(demoRequests) {
		return err // a province too small for them: none
	}
	sla := map[store.JenisPermohonan]time.Duration{store.Pemula: 14 * 24 * time.Hour, store.KartuHilang: 7 * 24 * time.Hour,
		store.KartuRusak: 7 * 24 * time.Hour, store.UbahData: 14 * 24 * time.Hour}
	err = st.InTx(ctx, func(tx store.Tx) error {
		for i, r := range demoRequests {
			pm := store.Permohonan{Nomor: fmt.Sprintf("PMH-DEMO-%04d", i+1), NIK: residents[i].NIK, Jenis: r.jenis, KantorKode: "DISDUKCAPIL-17.71",
				State: store.Diajukan, BatasAt: now.Add(-r.age).Add(sla[r.jenis])}
			if r.jenis == store.Pemula || r.jenis == store.UbahData {
				pm.Pilihan = store.PilihKartu
			}
			if err := tx.CreatePermohonan(ctx, &pm, "demo"); err != nil {
				return err
			}
			for _, s := range r.steps {
				if _, err := tx.UpdatePermohonan(ctx, pm.Nomor, func(p *store.Permohonan, l *store.LangkahPermohonan) error {
					p.State, l.Petugas = s, "demo"
					if s != store.Diperiksa && r.pilihan != "" {
						p.Pilihan, p.AlasanKartu = r.pilihan, r.alasan
					}
					return nil
				}); err != nil {
					return err
				}
			}
		}
		return tx.SetMeta(ctx, MetaRequests, now.UTC().Format(time.RFC3339))
	})
	if err != nil {
		return fmt.Errorf("demo requests: %w", err)
	}
	return nil
}
