package demo

import "github.com/ikd-project/ikd/internal/store"

// Occupations as SIAK names them (the Dukcapil list of jenis pekerjaan).
const (
	jBelumBekerja = "BELUM/TIDAK BEKERJA"
	jIRT          = "MENGURUS RUMAH TANGGA"
	jPelajar      = "PELAJAR/MAHASISWA"
	jPensiunan    = "PENSIUNAN"
	jPNS          = "PEGAWAI NEGERI SIPIL"
	jTNI          = "TENTARA NASIONAL INDONESIA"
	jPolri        = "KEPOLISIAN RI"
	jPedagang     = "PEDAGANG"
	jPetani       = "PETANI/PEKEBUN"
	jPeternak     = "PETERNAK"
	jNelayan      = "NELAYAN/PERIKANAN"
	jSwasta       = "KARYAWAN SWASTA"
	jBUMN         = "KARYAWAN BUMN"
	jHonorer      = "KARYAWAN HONORER"
	jBuruh        = "BURUH HARIAN LEPAS"
	jBuruhTani    = "BURUH TANI/PERKEBUNAN"
	jSopir        = "SOPIR"
	jGuru         = "GURU"
	jDosen        = "DOSEN"
	jBidan        = "BIDAN"
	jPerawat      = "PERAWAT"
	jDokter       = "DOKTER"
	jWiraswasta   = "WIRASWASTA"
	jPerangkat    = "PERANGKAT DESA"
	jTukangBatu   = "TUKANG BATU"
	jTukangKayu   = "TUKANG KAYU"
	jMekanik      = "MEKANIK"
)

// jobs holds the occupation tables of adults: [urban][female], each with a
// fishing variant for coastal kab/kota.
type jobTable struct{ inland, coast choice[string] }

func jobs(items []string, w []int, fisher int) jobTable {
	return jobTable{
		inland: newChoice(items, w...),
		coast:  newChoice(append([]string{jNelayan}, items...), append([]int{fisher}, w...)...),
	}
}

var (
	ruralMale = jobs(
		[]string{jPetani, jWiraswasta, jBuruh, jBuruhTani, jSwasta, jPedagang, jPNS, jGuru, jSopir, jPerangkat, jTukangBatu, jTukangKayu, jPeternak, jHonorer, jTNI, jPolri, jBelumBekerja},
		[]int{380, 150, 90, 80, 70, 50, 30, 15, 25, 15, 15, 10, 10, 15, 5, 5, 20}, 35)
	urbanMale = jobs(
		[]string{jWiraswasta, jSwasta, jPNS, jPedagang, jBuruh, jSopir, jGuru, jHonorer, jPolri, jTNI, jPetani, jBUMN, jDosen, jDokter, jTukangBatu, jMekanik, jBelumBekerja},
		[]int{220, 200, 80, 80, 90, 40, 25, 40, 20, 15, 40, 15, 5, 3, 15, 10, 40}, 20)
	ruralFemale = jobs(
		[]string{jIRT, jPetani, jWiraswasta, jPedagang, jGuru, jPNS, jBidan, jPerawat, jSwasta, jHonorer, jBuruhTani, jBelumBekerja},
		[]int{480, 250, 60, 50, 35, 20, 10, 10, 25, 20, 30, 10}, 3)
	urbanFemale = jobs(
		[]string{jIRT, jWiraswasta, jSwasta, jPedagang, jPNS, jGuru, jPerawat, jBidan, jHonorer, jDosen, jDokter, jBelumBekerja},
		[]int{450, 120, 110, 70, 70, 50, 20, 15, 40, 5, 5, 45}, 2)
	oldMale = [2]choice[string]{
		newChoice([]string{jPetani, jWiraswasta, jPensiunan, jPedagang, jBelumBekerja}, 500, 100, 80, 50, 270),
		newChoice([]string{jPensiunan, jWiraswasta, jPedagang, jPetani, jBelumBekerja}, 250, 200, 100, 100, 350),
	}
	oldFemale = [2]choice[string]{
		newChoice([]string{jIRT, jPetani, jPensiunan, jPedagang, jBelumBekerja}, 600, 150, 50, 30, 170),
		newChoice([]string{jIRT, jPensiunan, jPedagang, jWiraswasta, jBelumBekerja}, 560, 110, 60, 50, 220),
	}
	youngAdult = newChoice([]string{jPelajar, jBelumBekerja, ""}, 40, 22, 38) // "" = as adults
)

// occupation draws a job that fits age, sex and whether the desa is a
// town kelurahan.
func (g *kecGen) occupation(m *member, age int, urban bool) string {
	r := g.r
	switch {
	case age < 5:
		return jBelumBekerja
	case age < 15:
		return jPelajar
	case age < 18:
		if r.chance(0.9) {
			return jPelajar
		}
		return jBelumBekerja
	case age < 23 && m.kawin == store.BelumKawin:
		if j := pickC(r, &youngAdult); j != "" {
			return j
		}
	case age >= 75 && r.chance(0.7):
		return jBelumBekerja
	case age >= 58:
		u := 0
		if urban {
			u = 1
		}
		if m.sex == store.LakiLaki {
			return pickC(r, &oldMale[u])
		}
		return pickC(r, &oldFemale[u])
	}
	t := &ruralMale
	switch {
	case urban && m.sex == store.LakiLaki:
		t = &urbanMale
	case urban:
		t = &urbanFemale
	case m.sex == store.Perempuan:
		t = &ruralFemale
	}
	if g.kab.prof.coastal {
		return pickC(r, &t.coast)
	}
	return pickC(r, &t.inland)
}
