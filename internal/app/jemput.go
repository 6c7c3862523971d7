package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ikd-project/ikd/internal/audit"
	"github.com/ikd-project/ikd/internal/config"
	"github.com/ikd-project/ikd/internal/demo"
	"github.com/ikd-project/ikd/internal/penduduk"
	"github.com/ikd-project/ikd/internal/store"
)

// DemoDrives gives the demo province the seeds' enrollment drives
// (demo.Drives: journalists, then the provincial offices, then Kota
// Bengkulu's), once, after its activation history: each with its roster
// (demo.DriveRosters), the check-ins at the drive and the activations done
// there, through the real activation service at the drive's date by one
// of its officers at its office, so the drive's figures come out of the
// same activations as every other count. A roster member who cannot
// activate (no e-mail, no recorded e-KTP, a device already) stays on the
// roster not activated.
func DemoDrives(ctx context.Context, cfg *config.Config, auditLog *audit.Log, logger *slog.Logger, seed int64) (int, error) {
	drives := demo.Drives()
	clk := &clock{t: drives[0].MulaiAt.AddDate(0, 0, -7)}
	st, err := openStoreAt(ctx, cfg, clk.Now)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	if _, err := st.GetMeta(ctx, demo.MetaDrives); err == nil {
		return 0, nil
	} else if !store.IsNotFound(err) {
		return 0, err
	}
	rosters, err := demo.DriveRosters(ctx, st, seed, drives)
	if err != nil {
		return 0, err
	}
	svc, box, err := demoAktivasi(ctx, cfg, st, auditLog, logger, clk)
	if err != nil {
		return 0, err
	}
	made := 0
	for i, d := range drives {
		j := d.Jemput
		clk.set(j.MulaiAt.AddDate(0, 0, -7)) // planned and its roster imported a week before
		err := st.InTx(ctx, func(tx store.Tx) error {
			if err := tx.CreateJemput(ctx, &j); err != nil {
				return err
			}
			entries := make([]store.PesertaJemput, len(rosters[i]))
			for k, m := range rosters[i] {
				entries[k] = store.PesertaJemput{JemputID: j.ID, NIK: m.NIK, Baris: k + 2}
			}
			return tx.AddPeserta(ctx, entries)
		})
		if err != nil {
			return made, fmt.Errorf("demo drive %q: %w", j.Nama, err)
		}
		n := 0
		for _, m := range rosters[i] {
			if m.Hadir {
				n++
			}
		}
		k := 0
		for _, m := range rosters[i] {
			if err := ctx.Err(); err != nil {
				return made, err
			}
			if !m.Hadir {
				continue
			}
			at := demo.CheckInAt(d, k, n)
			officer := j.Petugas[k%len(j.Petugas)]
			k++
			if _, err := st.HadirPeserta(ctx, j.ID, m.NIK, at, officer); err != nil {
				return made, fmt.Errorf("demo drive check-in: %w", err)
			}
			if !m.Aktif || m.Email == "" || !penduduk.Terekam(&m.Penduduk) || m.TanggalPerekaman.After(at) {
				continue
			}
			if _, err := st.GetPerangkatAktif(ctx, m.NIK); err == nil {
				continue // activated already
			} else if !store.IsNotFound(err) {
				return made, err
			}
			clk.set(at.Add(4 * time.Minute))
			if err := activateAt(ctx, svc, box, pick{nik: m.NIK, kantor: j.KantorKode, petugas: officer, at: at}); err != nil {
				return made, fmt.Errorf("demo drive activation: %w", err)
			}
			made++
		}
	}
	return made, st.SetMeta(ctx, demo.MetaDrives, fmt.Sprintf("seed=%d drives=%d activations=%d", seed, len(drives), made))
}
