package demo

import (
	"context"
	"encoding/binary"
	"hash/fnv"
	"slices"
	"time"

	"github.com/ikd-project/ikd/internal/store"
)

// MetaDrives is the meta key set when the demo's drives are loaded.
const MetaDrives = "demo.jemput"

var wib = time.FixedZone("WIB", 7*3600)

// Drive is one of the demo's enrollment drives (jemput bola), as
// domain.md tells them: Bengkulu ran its first IKD drives for journalists
// (22 February 2023, the province's pilot), then the provincial
// government's offices, then the kab/kota's (Kota Bengkulu: OPD first, in
// May 2023).
type Drive struct {
	store.Jemput
	Jobs     []string // the occupations its roster is drawn from
	Roster   int      // how many the roster holds at full scale
	Hadir    float64  // the share of the roster that checked in
	Aktif    float64  // the share of those checked in activated on the spot
	DayStart time.Duration
}

func driveDay(y int, m time.Month, d int, at time.Duration) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, wib).Add(at)
}

// Drives returns the demo's drives, in the order they were held.
func Drives() []Drive {
	mk := func(nama string, s store.Sasaran, tempat, kantor string, d0, d1 time.Time, from, to time.Duration, officers []string,
		jobs []string, roster int, hadir, aktif float64) Drive {
		days := int(d1.Sub(d0).Hours()/24) + 1
		return Drive{Jemput: store.Jemput{Nama: nama, Sasaran: s, Tempat: tempat, KantorKode: kantor,
			MulaiAt: d0.Add(from), SelesaiAt: d1.Add(to), HitungSampai: d1.AddDate(0, 0, 1), Jam: float64(days) * (to - from).Hours(),
			Petugas: officers, DibuatOleh: "demo"}, Jobs: jobs, Roster: roster, Hadir: hadir, Aktif: aktif, DayStart: from}
	}
	h := time.Hour
	return []Drive{
		mk("Aktivasi IKD wartawan (percontohan provinsi)", store.SasaranWartawan, "Kantor PWI Provinsi Bengkulu, Kota Bengkulu", "DISDUKCAPIL-17",
			driveDay(2023, 2, 22, 0), driveDay(2023, 2, 22, 0), 8*h+30*time.Minute, 15*h,
			[]string{"demo.prov1", "demo.prov2", "demo.prov3"}, []string{jSwasta, jWiraswasta}, 60, 0.8, 0.85),
		mk("Aktivasi IKD pegawai OPD Pemerintah Provinsi Bengkulu", store.SasaranOPDProvinsi, "Balai Raya Semarak, Kantor Gubernur Bengkulu", "DISDUKCAPIL-17",
			driveDay(2023, 3, 6, 0), driveDay(2023, 3, 10, 0), 8*h, 15*h,
			[]string{"demo.prov1", "demo.prov2", "demo.prov3", "demo.prov4"}, []string{jPNS, jHonorer}, 240, 0.7, 0.8),
		mk("Aktivasi IKD pegawai OPD Pemerintah Kota Bengkulu", store.SasaranOPDKabKota, "Balai Kota Merah Putih, Kota Bengkulu", "DISDUKCAPIL-17.71",
			driveDay(2023, 5, 8, 0), driveDay(2023, 5, 12, 0), 8*h, 14*h,
			[]string{"demo.kota1", "demo.kota2", "demo.kota3"}, []string{jPNS, jHonorer, jGuru}, 200, 0.65, 0.75),
	}
}

// Member is a resident drawn for a demo drive's roster.
type Member struct {
	store.Penduduk
	Hadir bool // checks in
	Aktif bool // is activated at the drive, if they can be
}

// DriveRosters draws the rosters of the demo's drives from the residents
// of Kota Bengkulu (where the provincial offices, the press and the city
// hall are), of working age and with a fitting occupation, a sparse
// deterministic sample by seed and NIK, each resident on one drive at
// most; then who checks in and who is activated. The sizes shrink with
// the residents a small demo has.
func DriveRosters(ctx context.Context, st store.Queries, seed int64, drives []Drive) ([][]Member, error) {
	out := make([][]Member, len(drives))
	full := func() bool {
		for i, d := range drives {
			if len(out[i]) < d.Roster {
				return false
			}
		}
		return true
	}
	after := ""
	for !full() {
		page, err := st.ListPenduduk(ctx, store.PendudukFilter{WilayahKode: "17.71", AfterNIK: after, Limit: 1000})
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			break
		}
		after = page[len(page)-1].NIK
		for _, p := range page {
			u := unit(seed, p.NIK, 0)
			if u >= 0.06 || p.StatusNIK != store.NIKAktif {
				continue
			}
			var fits []int // the drives the resident could be on: one of them, by lot
			for i, d := range drives {
				age := years(p.TanggalLahir, d.MulaiAt)
				if len(out[i]) < d.Roster && age >= 20 && age <= 57 && slices.Contains(d.Jobs, p.Pekerjaan) {
					fits = append(fits, i)
				}
			}
			if len(fits) == 0 {
				continue
			}
			i := fits[int(unit(seed, p.NIK, 3)*float64(len(fits)))]
			m := Member{Penduduk: p, Hadir: unit(seed, p.NIK, 1) < drives[i].Hadir}
			m.Aktif = m.Hadir && unit(seed, p.NIK, 2) < drives[i].Aktif
			out[i] = append(out[i], m)
		}
	}
	return out, nil
}

// years is the age in whole years at a time.
func years(birth, at time.Time) int {
	y := at.Year() - birth.Year()
	if at.YearDay() < birth.YearDay() {
		y--
	}
	return y
}

// unit is a uniform number in [0, 1) from seed, NIK and a stream.
func unit(seed int64, nik string, stream byte) float64 {
	h := fnv.New64a()
	var b [10]byte
	binary.LittleEndian.PutUint64(b[:8], uint64(seed))
	b[8], b[9] = 'j', stream
	h.Write(b[:])
	h.Write([]byte(nik))
	return float64(h.Sum64()>>11) / (1 << 53)
}

// CheckInAt is when roster member i of n checked in at drive d: spread
// over its days and hours.
func CheckInAt(d Drive, i, n int) time.Time {
	days := int(d.SelesaiAt.Sub(d.MulaiAt).Hours()/24) + 1
	perDay := (n + days - 1) / days
	if perDay == 0 {
		perDay = 1
	}
	day, k := i/perDay, i%perDay
	span := d.Jam / float64(days) * float64(time.Hour)
	off := time.Duration(float64(k) / float64(perDay) * span * 0.9)
	return d.MulaiAt.AddDate(0, 0, day).Add(off).Truncate(time.Minute)
}
