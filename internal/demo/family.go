package demo

import "github.com/ikd-project/ikd/internal/store"

// A household is built the way families are: a head whose age follows the
// population pyramid times the headship rate of that age, usually a spouse,
// the children the mother had who still live at home, and sometimes a
// married child with spouse and grandchildren, a widowed parent, or another
// relative. The age structure of the province emerges from this; the tables
// below are tuned so that it lands close to the 2020 census pyramid and
// Bengkulu's 3.4 people per KK (domain.md §4.2).

// member is one person of a household before the person-level attributes
// (NIK, name, job, ...) are drawn.
type member struct {
	rel    store.Hubungan
	sex    store.JenisKelamin
	birth  int // day number
	kawin  store.StatusKawin
	grp    group
	order  int // birth order among the head's children, from 1; 0 for others
	father int // index of the member whose first name a child may carry, or -1
}

// pyramid5 is Indonesia's 2020 census pyramid in 5-year bands from 0-4 to
// 95-99, per 10,000 residents (BPS SP2020, rounded).
var pyramid5 = [20]int{810, 820, 820, 820, 830, 810, 790, 780, 740, 680, 590, 500, 390, 270, 170, 100, 60, 25, 8, 2}

// headship5 is the share (per 100) of people heading a household, by the
// same bands.
var headship5 = [20]int{0, 0, 0, 1, 11, 32, 44, 48, 52, 54, 56, 56, 55, 54, 52, 50, 46, 40, 34, 28}

// boyShare is the share of boys among children. Dukcapil's registers count
// more boys than the 51.2% at birth (Bengkulu's sex ratio is 104), so the
// demo uses a little more.
const boyShare = 0.534

const (
	minHeadAge = 17
	maxAge     = 95 // oldest generated age; keeps NIK years unambiguous
)

// headAge is the distribution of the head's age, index = age - minHeadAge.
var headAge = func() weights {
	w := make([]int, maxAge-minHeadAge+1)
	for i := range w {
		a := i + minHeadAge
		w[i] = pyramid5[a/5] * headship5[a/5]
	}
	return newWeights(w...)
}()

// wifeGap is the husband's age minus the wife's, index = gap + 3.
var wifeGap = newWeights(2, 3, 5, 9, 12, 13, 12, 10, 9, 7, 5, 4, 3, 2, 2, 1)

// firstBirth is the mother's age at her first child, index = age - 17.
var firstBirth = newWeights(4, 7, 10, 12, 13, 13, 12, 10, 8, 7, 5, 4, 3, 2, 2, 1, 1, 1)

// birthGap is the years between two children, index = gap - 2.
var birthGap = newWeights(26, 28, 20, 12, 8, 6)

// births is the number of children a woman has had, by her birth cohort.
var births = []struct {
	before int // cohort born before this year
	n      weights
}{
	{1955, newWeights(3, 4, 8, 14, 18, 18, 15, 11, 9)}, // 0..8
	{1965, newWeights(4, 5, 12, 20, 22, 17, 10, 6, 4)},
	{1975, newWeights(5, 7, 22, 30, 20, 10, 4, 2)},
	{1990, newWeights(7, 13, 38, 28, 9, 3, 2)},
	{9999, newWeights(6, 14, 40, 30, 8, 2)},
}

// famGen draws households for one kecamatan.
type famGen struct {
	r    *rng
	asOf int
	now  date    // asOf as a civil date
	mix  weights // family traditions of the kab/kota
	buf  []member
}

// household returns a new household of at most limit members (limit >=
// 1), valid until the next call. When eight draws are all too big, the last
// is cut: members only ever refer to earlier ones (a child to its father, a
// MENANTU comes after the married child), so what is left is consistent.
func (f *famGen) household(limit int) []member {
	for try := 0; try < 8; try++ {
		f.build()
		if len(f.buf) <= limit {
			return f.buf
		}
	}
	f.buf = f.buf[:limit]
	return f.buf
}

// build draws one household into f.buf.
func (f *famGen) build() {
	f.buf = f.buf[:0]
	r := f.r
	age := minHeadAge + r.pick(&headAge)
	g := group(r.pick(&f.mix))
	single, lone := singleShares(age)
	switch x := r.intn(1000); {
	case x < single:
		f.single(age, g)
	case x < single+lone:
		f.loneParent(age, g)
	default:
		f.couple(age, g)
	}
	f.extras(age, g)
}

// singleShares returns, per mille, the share of one-person households and
// of lone-parent households for a head of the given age.
func singleShares(age int) (single, lone int) {
	switch {
	case age < 25:
		return 180, 30
	case age < 35:
		return 70, 45
	case age < 50:
		return 40, 70
	case age < 60:
		return 50, 95
	case age < 70:
		return 110, 170
	}
	return 210, 290
}

func (f *famGen) add(m member) int {
	f.buf = append(f.buf, m)
	return len(f.buf) - 1
}

// birthAt returns a birth day for someone aged exactly age at f.asOf.
func (f *famGen) birthAt(age int) int {
	return f.r.between(f.now.plus(-(age+1))+1, f.now.plus(-age))
}

func (f *famGen) sex(maleShare float64) store.JenisKelamin {
	if f.r.chance(maleShare) {
		return store.LakiLaki
	}
	return store.Perempuan
}

func (f *famGen) single(age int, g group) {
	m := member{rel: store.KepalaKeluarga, birth: f.birthAt(age), grp: g, father: -1}
	r := f.r
	switch {
	case age < 30:
		m.sex, m.kawin = f.sex(0.75), store.BelumKawin
	case age < 60:
		m.sex = f.sex(0.65)
		m.kawin = pickC(r, &midLifeSingle)
	default:
		m.sex = f.sex(0.40)
		m.kawin = pickC(r, &oldSingle)
	}
	f.add(m)
}

var (
	midLifeSingle = newChoice([]store.StatusKawin{store.BelumKawin, store.CeraiHidup, store.CeraiMati}, 40, 32, 28)
	oldSingle     = newChoice([]store.StatusKawin{store.CeraiMati, store.CeraiHidup, store.BelumKawin}, 85, 10, 5)
)

func (f *famGen) loneParent(age int, g group) {
	r := f.r
	head := member{rel: store.KepalaKeluarga, birth: f.birthAt(age), grp: g, father: -1, sex: f.sex(0.40)}
	widowed := 0.45
	if age >= 50 {
		widowed = 0.82
	}
	head.kawin = store.CeraiHidup
	if r.chance(widowed) {
		head.kawin = store.CeraiMati
	}
	h := f.add(head)
	mother := head.birth
	father := -1
	if head.sex == store.LakiLaki {
		mother = head.birth + 365*3 + r.intn(365*3)
		father = h
	}
	f.children(mother, father, g)
}

func (f *famGen) couple(age int, g group) {
	r := f.r
	spouseGrp := g
	if g <= gJawa && r.chance(0.12) {
		spouseGrp = gMelayu + gJawa - g
	}
	gap := r.pick(&wifeGap) - 3
	if r.chance(0.04) { // the wife heads the family card
		wife := member{rel: store.KepalaKeluarga, sex: store.Perempuan, birth: f.birthAt(age), kawin: store.Kawin, grp: g, father: -1}
		f.add(wife)
		h := f.add(member{rel: store.Suami, sex: store.LakiLaki, birth: f.birthAt(min(age+gap, maxAge)), kawin: store.Kawin, grp: spouseGrp, father: -1})
		f.children(wife.birth, h, g)
		return
	}
	h := f.add(member{rel: store.KepalaKeluarga, sex: store.LakiLaki, birth: f.birthAt(age), kawin: store.Kawin, grp: g, father: -1})
	wifeAge := max(age-gap, minHeadAge)
	wife := member{rel: store.Istri, sex: store.Perempuan, birth: f.birthAt(wifeAge), kawin: store.Kawin, grp: spouseGrp, father: -1}
	f.add(wife)
	f.children(wife.birth, h, g)
}

// children appends the children of a mother born on day mother who still
// live at home, oldest first, and sometimes the spouse and children of a
// married one.
func (f *famGen) children(mother, father int, g group) {
	r := f.r
	md := mkDate(mother)
	n := 0
	for _, b := range births {
		if md.y < b.before {
			n = r.pick(&b.n)
			break
		}
	}
	at := 17 + r.pick(&firstBirth)
	first := len(f.buf)
	for i := 0; i < n && at <= 44; i++ {
		birth := md.plus(at) + r.intn(365)
		if birth > f.asOf {
			break
		}
		if f.r.chance(atHome(mkDate(birth).ageOn(f.now))) {
			f.add(member{rel: store.Anak, sex: f.sex(boyShare), birth: birth, kawin: store.BelumKawin, grp: g, order: i + 1, father: father})
		}
		at += 2 + r.pick(&birthGap)
	}
	f.marriedChild(first, g)
}

// atHome is the chance that a child of this age still lives with the parents.
func atHome(age int) float64 {
	switch {
	case age < 17:
		return 0.97
	case age < 20:
		return 0.8
	case age < 25:
		return 0.68
	case age < 30:
		return 0.36
	case age < 40:
		return 0.14
	}
	return 0.05
}

// marriedChild marks one adult child of f.buf[first:] as married, living on
// the parents' card with a spouse (MENANTU) and children (CUCU), or, now and
// then, divorced and back home.
func (f *famGen) marriedChild(first int, g group) {
	r := f.r
	for i := first; i < len(f.buf); i++ {
		c := &f.buf[i]
		age := mkDate(c.birth).ageOn(f.now)
		switch {
		case age >= 21 && r.chance(0.30):
			f.menantu(i, age, g)
			return
		case age >= 25 && r.chance(0.04):
			c.kawin = store.CeraiHidup
		}
	}
}

func (f *famGen) menantu(child, age int, g group) {
	r := f.r
	f.buf[child].kawin = store.Kawin
	c := f.buf[child]
	gap := r.pick(&wifeGap) - 3
	m := member{rel: store.Menantu, kawin: store.Kawin, grp: group(r.intn(2)), father: -1}
	var mother, father int
	if c.sex == store.LakiLaki {
		m.sex, m.birth = store.Perempuan, f.birthAt(max(age-gap, 18))
		mother, father = m.birth, child
	} else {
		m.sex, m.birth = store.LakiLaki, f.birthAt(min(age+gap, maxAge))
		mother = c.birth
		father = f.add(m)
	}
	if m.sex == store.Perempuan {
		f.add(m)
	}
	n := r.pick(&cucuCount)
	at := 19 + r.pick(&firstBirth)
	md := mkDate(mother)
	for i := 0; i < n; i++ {
		birth := md.plus(at) + r.intn(365)
		if birth > f.asOf {
			break
		}
		f.add(member{rel: store.Cucu, sex: f.sex(boyShare), birth: birth, kawin: store.BelumKawin, grp: g, order: i + 1, father: father})
		at += 2 + r.pick(&birthGap)
	}
}

var cucuCount = newWeights(15, 35, 32, 13, 5)

// extras adds the members that are not the head's nuclear family: a
// widowed parent, grandchildren left with their grandparents, a nephew or
// niece.
func (f *famGen) extras(age int, g group) {
	r := f.r
	if age >= 24 && age <= 60 && r.chance(0.07) {
		rel := store.OrangTua
		if len(f.buf) > 1 && f.buf[1].kawin == store.Kawin && r.chance(0.5) {
			rel = store.Mertua
		}
		pAge := min(age+r.between(22, 34), maxAge)
		f.add(member{rel: rel, sex: f.sex(0.40), birth: f.birthAt(pAge), kawin: store.CeraiMati, grp: g, father: -1})
	}
	if age >= 50 && r.chance(0.07) && !f.has(store.Menantu) {
		for i, n := 0, 1+r.intn(2); i < n; i++ {
			f.add(member{rel: store.Cucu, sex: f.sex(boyShare), birth: f.birthAt(r.between(1, 15)), kawin: store.BelumKawin, grp: g, father: -1})
		}
	}
	if r.chance(0.04) {
		f.add(member{rel: store.FamiliLain, sex: f.sex(0.5), birth: f.birthAt(r.between(6, 25)), kawin: store.BelumKawin, grp: g, father: -1})
	}
}

func (f *famGen) has(rel store.Hubungan) bool {
	for i := range f.buf {
		if f.buf[i].rel == rel {
			return true
		}
	}
	return false
}
