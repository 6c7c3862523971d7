package blangko

import (
	"context"
	"slices"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/kantor"
	"github.com/ikd-project/ikd/internal/store"
)

// keepers are the roles that record stock; operators record only uses.
var keepers = []store.Peran{store.PeranAdmin, store.PeranSupervisor, store.PeranStok}

// CanRecord reports whether officer p records movements of kind j.
func CanRecord(p store.Petugas, j store.JenisMutasi) bool {
	return slices.Contains(keepers, p.Peran) || (p.Peran == store.PeranOperator && j == store.Pemakaian)
}

// check applies Record's rules to m for officer p, filling in the units
// that follow from the kind.
func (s *Service) check(ctx context.Context, tx store.Tx, p store.Petugas, m *Mutasi) error {
	if !CanRecord(p, m.Jenis) {
		return ErrRole
	}
	if m.Jumlah < 1 || m.Jumlah > MaxJumlah {
		return ErrJumlah
	}
	if m.Jenis != store.Pemakaian {
		m.Serial = "" // only a printed card names a serial
	}
	own, err := tx.GetKantor(ctx, p.KantorKode)
	if err != nil {
		return err
	}
	switch m.Jenis {
	case store.Pengajuan, store.Persetujuan, store.Penerimaan:
		if own.Jenis != store.DinasProvinsi {
			return errs.New(errs.Forbidden, "hanya Dinas provinsi yang mencatat pengajuan, persetujuan dan penerimaan dari pusat",
				"only the provincial Dinas records requests, approvals and receipts from the centre")
		}
		m.Dari, m.Ke = "", own.Kode
	case store.Distribusi, store.Pinjaman:
		m.Dari = own.Kode
		return s.checkTransfer(ctx, tx, own, m)
	case store.Pemakaian:
		m.Dari, m.Ke = own.Kode, ""
		if m.Jumlah != 1 || m.Serial == "" {
			return ErrSerial
		}
	case store.MutasiRusak:
		m.Dari, m.Ke = own.Kode, ""
		if m.Alasan == "" {
			return ErrAlasan
		}
	case store.Koreksi:
		if m.Alasan == "" {
			return ErrAlasan
		}
		if (m.Dari == own.Kode) == (m.Ke == own.Kode) || (m.Dari != "" && m.Ke != "") {
			return errs.New(errs.Invalid, "koreksi menambah atau mengurangi stok kantor Anda sendiri",
				"a correction adds to or takes from your own office's stock")
		}
	default:
		return ErrJenis
	}
	return nil
}

// checkTransfer: a Dinas distributes to an office of its area (the
// province to the kab/kota Dinas); a kab/kota Dinas lends to another.
func (s *Service) checkTransfer(ctx context.Context, tx store.Tx, own store.Kantor, m *Mutasi) error {
	to, err := tx.GetKantor(ctx, m.Ke)
	if err != nil || to.Kode == own.Kode {
		return errs.New(errs.Invalid, "kantor tujuan tidak dikenal", "unknown receiving office")
	}
	if m.Jenis == store.Pinjaman {
		if own.Jenis != store.DinasKabKota || to.Jenis != store.DinasKabKota {
			return errs.New(errs.Invalid, "pinjaman hanya antar-Dinas kabupaten/kota", "loans are between kab/kota Dinas only")
		}
		return nil
	}
	dinas := own.Jenis == store.DinasProvinsi || own.Jenis == store.DinasKabKota
	if !dinas || !kantor.Covers(own, to.WilayahKode) {
		return errs.New(errs.Invalid, "distribusi dari Dinas ke kantor di wilayahnya", "distribution goes from a Dinas to an office of its area")
	}
	if own.Jenis == store.DinasProvinsi && to.Jenis != store.DinasKabKota {
		return errs.New(errs.Invalid, "Dinas provinsi mendistribusikan ke Dinas kabupaten/kota", "the provincial Dinas distributes to the kab/kota Dinas")
	}
	return nil
}
