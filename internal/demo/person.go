package demo

import (
	"github.com/ikd-project/ikd/internal/store"
)

// person fills p with one member of a household, except the fields of
// the family card (KK number, address, religion), which the caller sets.
// It returns the day the e-KTP was recorded (-1: never).
func (g *kecGen) person(p *store.Penduduk, m *member, d *desaPlan) (int, error) {
	born := mkDate(m.birth)
	age := born.ageOn(g.fam.now)
	prefix, prov := g.origin(m, age)
	nik, err := g.num.nik(prefix, born, m.sex == store.Perempuan)
	if err != nil {
		return 0, err
	}
	nama, given, last := g.name(m, born.y)
	g.names = append(g.names, given)
	g.lastWords = append(g.lastWords, last)
	*p = store.Penduduk{
		NIK: nik, Hubungan: m.rel, Nama: nama,
		TempatLahir:     g.birthPlace(m, d, prov, born.y),
		TanggalLahir:    dayTime(m.birth),
		JenisKelamin:    m.sex,
		GolonganDarah:   pickC(g.r, &bloodTypes),
		StatusKawin:     m.kawin,
		Pekerjaan:       g.occupation(m, age, d.kelurahan),
		Kewarganegaraan: "WNI",
	}
	rekam := g.recording(m, born, age)
	if rekam >= 0 {
		p.TanggalPerekaman = dayTime(rekam)
	}
	p.StatusNIK = g.statusNIK(m, age, rekam)
	if age >= 17 {
		p.Email = g.emailAddr(age, born.y, given, last)
		p.Telepon = g.phone(age)
	}
	return rekam, nil
}

// origin returns the 6-digit kecamatan prefix under which the person's NIK
// was first issued, and the province code when that is outside Bengkulu.
// Mostly the home kecamatan; a few were issued elsewhere in Bengkulu (some
// under codes retired since), some in the province a migrant came from.
func (g *kecGen) origin(m *member, age int) (string, string) {
	r := g.r
	if age < 14 { // issued at birth registration, at home unless the family moved
		if r.chance(0.985) {
			return g.kec.digits, ""
		}
		return g.otherKec(), ""
	}
	migrant := 0.035
	if m.grp >= gBatak {
		migrant = 0.12
	}
	if m.rel == store.Menantu || m.rel == store.Istri || m.rel == store.Suami {
		migrant *= 1.5
	}
	switch {
	case r.chance(migrant):
		return g.provPrefix(m.grp)
	case len(g.kab.retired) > 0 && age >= 25 && r.chance(0.03):
		return one(r, g.kab.retired), ""
	case r.chance(0.05):
		return g.otherKec(), ""
	}
	return g.kec.digits, ""
}

// otherKec returns another active kecamatan: usually in the same kab/kota.
func (g *kecGen) otherKec() string {
	r := g.r
	if len(g.kab.kec) > 1 && r.chance(0.7) {
		for {
			if k := one(r, g.kab.kec); k != g.kec {
				return k.digits
			}
		}
	}
	for {
		if k := one(r, g.p.kec); k != g.kec {
			return k.digits
		}
	}
}

// provPrefix returns a kecamatan prefix in a migrant's home province.
func (g *kecGen) provPrefix(grp group) (string, string) {
	r := g.r
	prov := pickC(r, &originProv[grp])
	kabs := provKab()[prov]
	b := make([]byte, 0, 6)
	b = append(b, one(r, kabs)...)
	b = append2(b, r.between(1, 12))
	return string(b), prov
}

// name draws a full name; it also returns the core given name (which a
// child may carry as a second name, and e-mail addresses use) and the last
// word (a family or second name, or "").
func (g *kecGen) name(m *member, by int) (full, given, last string) {
	r := g.r
	male := m.sex == store.LakiLaki
	var prefix string
	switch m.grp {
	case gBatak:
		given, last = g.batakName(m, male)
	case gBali:
		return g.baliName(m, male)
	case gTionghoa:
		given = pickList(r, male, tionghoaMale, tionghoaFemale)
		if r.chance(0.6) {
			last = one(r, tionghoaFamily)
		}
	default:
		prefix, given, last = g.muslimName(m, male, by)
	}
	var b [64]byte
	n := b[:0]
	if prefix != "" {
		n = append(append(n, prefix...), ' ')
	}
	n = append(n, given...)
	if last != "" {
		n = append(append(n, ' '), last...)
	}
	return string(n), given, last
}

func pickList(r *rng, male bool, m, f []string) string {
	if male {
		return one(r, m)
	}
	return one(r, f)
}

// needsSecond are given names that are rarely used alone.
var needsSecond = map[string]bool{"SRI": true, "SITI": true, "DWI": true, "TRI": true, "EKO": true, "NURUL": true, "PUTRI": true}

// muslimName names a member of a Melayu or Javanese family: older people
// the classic names, often a single word; younger ones the modern names,
// mostly two or three words; now and then a religious prefix or the
// father's name.
func (g *kecGen) muslimName(m *member, male bool, by int) (prefix, given, last string) {
	r := g.r
	young := by >= 1990
	jawa := m.grp == gJawa
	pSecond := 0.25 // born before 1970
	switch {
	case young:
		pSecond = 0.8
	case by >= 1970:
		pSecond = 0.5
	}
	var pPrefix float64
	switch {
	case male && jawa:
		given = pickAge(r, young, 0.55, maleModern, maleJawa, 0.8, maleJawa, maleClassic)
		pPrefix = ifF(young, 0.1, 0.03)
	case male:
		given = pickAge(r, young, 0.7, maleModern, maleClassic, 0.85, maleClassic, maleModern)
		pPrefix = ifF(young, 0.3, 0.15)
	case jawa:
		given = pickAge(r, young, 0.65, femaleModern, femaleJawa, 0.85, femaleJawa, femaleClassic)
		pPrefix = ifF(young, 0.05, 0.12)
	default:
		given = pickAge(r, young, 0.75, femaleModern, femaleClassic, 0.85, femaleClassic, femaleModern)
		pPrefix = ifF(young, 0.12, 0.16)
	}
	switch {
	case r.chance(pPrefix):
		if prefix = pickPrefix(r, male, jawa, young); prefix == given {
			prefix = ""
		}
	case young && r.chance(0.3): // two given names, "AZZAHRA PUTRI ..."
		prefix = given
		given = pickList(r, male, maleModern, femaleModern)
	}
	switch {
	case m.father >= 0 && m.father < len(g.names) && r.chance(0.07):
		last = g.names[m.father]
	case needsSecond[given] || r.chance(pSecond):
		last = pickList(r, male, maleSecond, femaleSecond)
	}
	if last == given || last == prefix {
		last = ""
	}
	if prefix == given {
		prefix = ""
	}
	return prefix, given, last
}

// pickAge picks from a (with probability pa) or b for the young, from c
// (with probability pc) or d for the old.
func pickAge(r *rng, young bool, pa float64, a, b []string, pc float64, c, d []string) string {
	if young {
		if r.chance(pa) {
			return one(r, a)
		}
		return one(r, b)
	}
	if r.chance(pc) {
		return one(r, c)
	}
	return one(r, d)
}

func ifF(c bool, a, b float64) float64 {
	if c {
		return a
	}
	return b
}

var (
	malePrefix   = newChoice([]string{"MUHAMMAD", "M.", "AHMAD", "ABDUL"}, 60, 20, 12, 8)
	femalePrefix = newChoice([]string{"SITI", "NUR", "SRI"}, 70, 25, 5)
)

func pickPrefix(r *rng, male, jawa, young bool) string {
	if male {
		return pickC(r, &malePrefix)
	}
	if jawa && !young {
		return "SRI"
	}
	return pickC(r, &femalePrefix)
}

func (g *kecGen) batakName(m *member, male bool) (given, last string) {
	r := g.r
	given = pickList(r, male, batakMale, batakFemale)
	last = one(r, marga)
	if m.father >= 0 && m.father < len(g.names) && (m.rel == store.Anak || m.rel == store.Cucu) {
		if fm := g.margaOf(m.father); fm != "" {
			last = fm
		}
	}
	return given, last
}

// margaOf returns the marga of an earlier member of the household, "" when
// that member is not Batak.
func (g *kecGen) margaOf(i int) string {
	if g.ms[i].grp != gBatak {
		return ""
	}
	return g.lastWords[i]
}

func (g *kecGen) baliName(m *member, male bool) (full, given, last string) {
	r := g.r
	order := r.intn(4)
	if m.order > 0 {
		order = (m.order - 1) % 4
	}
	given = pickList(r, male, baliMale, baliFemale)
	title := "NI "
	if male {
		title = "I "
	}
	return title + baliOrder[order] + " " + given, given, ""
}

// birthPlace draws the town of birth: mostly the kab/kota's towns (for
// villagers often their own desa), for migrants their home province, and
// for older Javanese, Balinese and Batak settlers the land they came from.
func (g *kecGen) birthPlace(m *member, d *desaPlan, prov string, by int) string {
	r := g.r
	if prov != "" && r.chance(0.85) {
		return one(r, provTowns[prov])
	}
	switch {
	case m.grp == gJawa && by < 1978 && r.chance(0.6):
		return one(r, javaTowns)
	case m.grp == gBali && by < 1985 && r.chance(0.7):
		return one(r, provTowns["51"])
	case m.grp == gBatak && by < 1990 && r.chance(0.6):
		return one(r, provTowns["12"])
	}
	towns := g.kab.prof.towns
	x := r.intn(100)
	switch {
	case x < 8 || (m.rel == store.Istri || m.rel == store.Menantu) && x < 20:
		return one(r, capitals)
	case by < 1995 && !d.kelurahan && x < 40:
		return d.nama
	case x < 65:
		return towns[0]
	}
	return one(r, towns)
}

var javaTowns = append(append(append([]string{}, provTowns["33"]...), provTowns["34"]...), provTowns["35"]...)

// capitals are the kab/kota capitals of Bengkulu, the provincial capital
// weighted up.
var capitals = []string{"MANNA", "CURUP", "ARGA MAKMUR", "BINTUHAN", "TAIS", "MUKOMUKO", "MUARA AMAN",
	"KEPAHIANG", "KARANG TINGGI", "BENGKULU", "BENGKULU", "BENGKULU", "BENGKULU"}

var bloodTypes = newChoice([]string{"-", "O", "A", "B", "AB"}, 450, 220, 135, 150, 45)

var religions = [nGroups]choice[string]{
	gMelayu:   newChoice([]string{"ISLAM", "KRISTEN"}, 998, 2),
	gJawa:     newChoice([]string{"ISLAM", "KRISTEN", "KATOLIK"}, 975, 15, 10),
	gBatak:    newChoice([]string{"KRISTEN", "KATOLIK", "ISLAM"}, 700, 220, 80),
	gBali:     newChoice([]string{"HINDU", "ISLAM"}, 970, 30),
	gTionghoa: newChoice([]string{"BUDHA", "KRISTEN", "KATOLIK", "KONGHUCU"}, 520, 260, 160, 60),
}

// religion draws a household's religion from its tradition.
func (g *kecGen) religion(grp group) string { return pickC(g.r, &religions[grp]) }
