package demo

import (
	"encoding/csv"
	"io"
	"time"

	"github.com/ikd-project/ikd/internal/store"
)

// CSVHeader is the header WriteCSV writes: the columns of docs/import.md,
// in its order.
var CSVHeader = []string{
	"NIK", "NO_KK", "NAMA_LGKP", "TMPT_LHR", "TGL_LHR", "JENIS_KLMIN", "GOL_DRH", "AGAMA", "STAT_KWN",
	"STAT_HBKEL", "JENIS_PKRJN", "KEWARGANEGARAAN", "ALAMAT", "NO_RT", "NO_RW", "NO_PROP", "NO_KAB",
	"NO_KEC", "NO_KEL", "EMAIL", "NO_HP", "STATUS_NIK", "TGL_REKAM", "TGL_KK",
}

// WriteCSV writes the residents Generate produces for opts as a SIAK-style
// export in the format of docs/import.md: the header, then one row per
// resident, ',' separated, dates as DD-MM-YYYY, sex as LAKI-LAKI or
// PEREMPUAN, an unknown blood type as TIDAK TAHU. It streams batch by
// batch, so memory does not grow with the size of the province. Cards
// (KTPel) are not part of a SIAK resident export and are left out.
func WriteCSV(w io.Writer, opts Options) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	rec := make([]string, len(CSVHeader))
	issued := map[string]string{}
	var buf []byte
	err := Generate(opts, func(b *store.Batch) error {
		clear(issued)
		for i := range b.Keluarga {
			k := &b.Keluarga[i]
			issued[k.NoKK] = dmy(&buf, k.TanggalTerbit)
		}
		for i := range b.Penduduk {
			csvRecord(rec, &b.Penduduk[i], issued, &buf)
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// csvRecord fills rec with the columns of p.
func csvRecord(rec []string, p *store.Penduduk, issued map[string]string, buf *[]byte) {
	sex := "LAKI-LAKI"
	if p.JenisKelamin == store.Perempuan {
		sex = "PEREMPUAN"
	}
	blood := p.GolonganDarah
	if blood == "-" || blood == "" {
		blood = "TIDAK TAHU"
	}
	rekam := ""
	if !p.TanggalPerekaman.IsZero() {
		rekam = dmy(buf, p.TanggalPerekaman)
	}
	d := p.DesaKode // "17.71.01.1001"
	rec[0], rec[1], rec[2], rec[3], rec[4], rec[5] = p.NIK, p.NoKK, p.Nama, p.TempatLahir, dmy(buf, p.TanggalLahir), sex
	rec[6], rec[7], rec[8], rec[9], rec[10] = blood, p.Agama, string(p.StatusKawin), string(p.Hubungan), p.Pekerjaan
	rec[11], rec[12], rec[13], rec[14] = p.Kewarganegaraan, p.Alamat, p.RT, p.RW
	rec[15], rec[16], rec[17], rec[18] = d[0:2], d[3:5], d[6:8], d[9:13]
	rec[19], rec[20], rec[21], rec[22], rec[23] = p.Email, p.Telepon, string(p.StatusNIK), rekam, issued[p.NoKK]
}

// dmy formats a date as DD-MM-YYYY.
func dmy(buf *[]byte, t time.Time) string {
	*buf = appendDMY((*buf)[:0], timeDay(t))
	return string(*buf)
}
