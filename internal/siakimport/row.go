package siakimport

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ikd-project/ikd/internal/errs"
	"github.com/ikd-project/ikd/internal/nik"
	"github.com/ikd-project/ikd/internal/store"
	"github.com/ikd-project/ikd/internal/wilayah"
)

// Length limits of the free-text columns, in characters.
const (
	maxName    = 100
	maxText    = 100 // TMPT_LHR, JENIS_PKRJN
	maxAddress = 200
)

// minYear is the earliest birth, recording or issue year accepted.
const minYear = 1900

// wib is Western Indonesia Time (Bengkulu): "today" and "in the future"
// are judged by the calendar date there.
var wib = time.FixedZone("WIB", 7*60*60)

// Row is one validated row: the resident and the family-card fields that
// only the row carries.
type Row struct {
	Penduduk  store.Penduduk
	TanggalKK time.Time // TGL_KK, zero when empty
}

// rowParser validates records of one file. It is not safe for concurrent
// use: it reuses a warning slice and caches region codes.
type rowParser struct {
	index    [numCols]int
	today    time.Time // today's date in WIB, at midnight UTC
	data     *wilayah.Data
	desa     map[[10]byte]desaEntry
	warnings []nik.Warning

	// The last Nomor KK parsed: the raw field, the number and its warnings.
	kkRaw, kkNo string
	kkWarnings  []nik.Warning
}

type desaEntry struct {
	kode    string
	known   bool
	pensiun bool
}

// maxDesaCache bounds the region cache, so that a file full of garbage
// codes cannot grow it without end.
const maxDesaCache = 1 << 14

func newRowParser(index [numCols]int, now time.Time, data *wilayah.Data) *rowParser {
	if data == nil {
		data = wilayah.Default()
	}
	y, m, d := now.In(wib).Date()
	return &rowParser{
		index: index,
		today: time.Date(y, m, d, 0, 0, 0, 0, time.UTC),
		data:  data,
		desa:  make(map[[10]byte]desaEntry),
	}
}

func (p *rowParser) field(rec []string, c col) string {
	if i := p.index[c]; i >= 0 && i < len(rec) {
		return strings.TrimSpace(rec[i])
	}
	return ""
}

// The fixed lists, keyed by enumKey of what officers type.
var (
	sexes = map[string]store.JenisKelamin{
		"L": store.LakiLaki, "LK": store.LakiLaki, "LAKI LAKI": store.LakiLaki, "LAKI-LAKI": store.LakiLaki, "LAKI2": store.LakiLaki, "PRIA": store.LakiLaki,
		"P": store.Perempuan, "PR": store.Perempuan, "PEREMPUAN": store.Perempuan, "WANITA": store.Perempuan,
	}
	religions = map[string]string{
		"ISLAM":   "ISLAM",
		"KRISTEN": "KRISTEN", "PROTESTAN": "KRISTEN", "KRISTEN PROTESTAN": "KRISTEN",
		"KATOLIK": "KATOLIK", "KATHOLIK": "KATOLIK", "KRISTEN KATOLIK": "KATOLIK",
		"HINDU": "HINDU",
		"BUDHA": "BUDHA", "BUDDHA": "BUDHA",
		"KONGHUCU": "KONGHUCU", "KHONGHUCU": "KONGHUCU", "KONG HU CU": "KONGHUCU", "KHONG HU CU": "KONGHUCU",
		"KEPERCAYAAN": "KEPERCAYAAN", "PENGHAYAT KEPERCAYAAN": "KEPERCAYAAN",
		"KEPERCAYAAN TERHADAP TUHAN YME":               "KEPERCAYAAN",
		"KEPERCAYAAN TERHADAP TUHAN YANG MAHA ESA":     "KEPERCAYAAN",
		"KEPERCAYAAN KEPADA TUHAN YANG MAHA ESA":       "KEPERCAYAAN",
		"KEPERCAYAAN THD TUHAN YME":                    "KEPERCAYAAN",
		"PENGHAYAT KEPERCAYAAN TERHADAP TUHAN YME":     "KEPERCAYAAN",
		"PENGHAYAT KEPERCAYAAN KEPADA TUHAN YANG MAHA": "KEPERCAYAAN",
	}
	maritals = map[string]store.StatusKawin{
		"BELUM KAWIN": store.BelumKawin,
		"KAWIN":       store.Kawin, "KAWIN TERCATAT": store.Kawin, "KAWIN BELUM TERCATAT": store.Kawin,
		"CERAI HIDUP": store.CeraiHidup, "CERAI HIDUP TERCATAT": store.CeraiHidup, "CERAI HIDUP BELUM TERCATAT": store.CeraiHidup,
		"CERAI MATI": store.CeraiMati,
	}
	relations = map[string]store.Hubungan{
		"KEPALA KELUARGA": store.KepalaKeluarga,
		"SUAMI":           store.Suami,
		"ISTRI":           store.Istri, "ISTERI": store.Istri,
		"ANAK":      store.Anak,
		"MENANTU":   store.Menantu,
		"CUCU":      store.Cucu,
		"ORANG TUA": store.OrangTua, "ORANGTUA": store.OrangTua,
		"MERTUA":      store.Mertua,
		"FAMILI LAIN": store.FamiliLain, "FAMILY LAIN": store.FamiliLain,
		"LAINNYA": store.Lainnya, "LAIN LAIN": store.Lainnya,
	}
	citizenships = map[string]string{"": "WNI", "WNI": "WNI", "WNA": "WNA"}
	statuses     = map[string]store.StatusNIK{
		"": store.NIKAktif, "AKTIF": store.NIKAktif,
		"NONAKTIF": store.NIKNonaktif, "NON AKTIF": store.NIKNonaktif, "TIDAK AKTIF": store.NIKNonaktif,
		"MATI": store.NIKMati, "MENINGGAL": store.NIKMati, "MENINGGAL DUNIA": store.NIKMati,
	}
)

const (
	listSex        = "LAKI-LAKI, PEREMPUAN, L, P"
	listReligion   = "ISLAM, KRISTEN, KATOLIK, HINDU, BUDHA, KONGHUCU, KEPERCAYAAN"
	listMarital    = "BELUM KAWIN, KAWIN, CERAI HIDUP, CERAI MATI"
	listRelation   = "KEPALA KELUARGA, SUAMI, ISTRI, ANAK, MENANTU, CUCU, ORANG TUA, MERTUA, FAMILI LAIN, LAINNYA"
	listBlood      = "A, B, AB, O (boleh dengan + atau -), TIDAK TAHU"
	listBloodEN    = "A, B, AB, O (optionally with + or -), TIDAK TAHU"
	listStatusNIK  = "AKTIF, NONAKTIF, MATI"
	listCitizen    = "WNI, WNA"
	excelNumberID  = "; Excel mengubahnya menjadi angka (mis. 1,77102E+15): format kolom sebagai Teks sebelum menyimpan"
	excelNumberEN  = "; Excel turned it into a number (e.g. 1.77102E+15): format the column as Text before saving"
	notAllowedID   = "%s tidak dikenal; yang boleh: %s"
	notAllowedEN   = "%s is not a known value; allowed: %s"
	missingFieldID = "%s wajib diisi tetapi kosong"
	missingFieldEN = "%s is required but empty"
)

// lookup finds a value typed for a fixed list: as it is (trimmed) when
// it is already written the official way, which costs nothing, and through
// enumKey otherwise.
func lookup[T any](m map[string]T, s string) (T, bool) {
	if v, ok := m[s]; ok {
		return v, true
	}
	v, ok := m[enumKey(s)]
	return v, ok
}

// bloodType normalises GOL_DRH: A, B, AB or O with an optional rhesus
// sign ("A+", "AB -", "O RH+"), and "-" for unknown (empty, "-", "TIDAK
// TAHU").
func bloodType(raw string) (string, bool) {
	s := strings.TrimSpace(raw)
	switch s {
	case "A", "B", "AB", "O", "A+", "B+", "AB+", "O+", "A-", "B-", "AB-", "O-":
		return s, true
	}
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	switch s {
	case "", "-", "TIDAKTAHU", "TDKTAHU", "TIDAKDIKETAHUI":
		return "-", true
	}
	sign := ""
	if n := len(s); s[n-1] == '+' || s[n-1] == '-' {
		sign, s = s[n-1:], strings.TrimSuffix(s[:n-1], "RH")
	}
	switch s {
	case "A", "B", "AB", "O":
		return s + sign, true
	}
	return "", false
}

// parse validates one record and returns the row, the NIK warnings (valid
// until the next call) and, for a bad row, the first problem found in
// column order. The RowError's Line is left 0 for the caller to fill.
func (p *rowParser) parse(rec []string) (Row, []nik.Warning, *RowError) {
	var row Row
	pd := &row.Penduduk
	p.warnings = p.warnings[:0]

	for c := col(0); c < numCols; c++ {
		if i := p.index[c]; i >= 0 && i < len(rec) && !utf8.ValidString(rec[i]) {
			return row, nil, rowErrf(columns[c].name, CodeBadEncoding,
				"%s bukan teks UTF-8; simpan berkas sebagai \"CSV UTF-8\"",
				"%s is not UTF-8 text; save the file as \"CSV UTF-8\"", columns[c].name)
		}
	}
	for c := col(0); c < numCols; c++ {
		if columns[c].required && p.field(rec, c) == "" {
			n := columns[c].name
			return row, nil, rowErrf(n, CodeMissingField, missingFieldID, missingFieldEN, n)
		}
	}

	// NIK and Nomor KK.
	raw := p.field(rec, colNIK)
	info, err := nik.Parse(raw)
	if err != nil {
		return row, nil, numberError("NIK", CodeBadNIK, raw, err)
	}
	pd.NIK = info.NIK
	// Members of a family usually follow each other: parse and check
	// their Nomor KK once.
	if raw = p.field(rec, colNoKK); raw != p.kkRaw || raw == "" {
		kk, err := nik.ParseKK(raw)
		if err != nil {
			return row, nil, numberError("NO_KK", CodeBadKK, raw, err)
		}
		p.kkRaw, p.kkNo, p.kkWarnings = raw, kk.NoKK, p.kkWarnings[:0]
		for _, w := range nik.CheckKK(kk, p.data) {
			w.Code = "kk_" + w.Code
			p.kkWarnings = append(p.kkWarnings, w)
		}
	}
	pd.NoKK = p.kkNo

	// Names and text.
	var ok bool
	if pd.Nama, ok = cleanText(p.field(rec, colNama)); !ok || !nameOK(pd.Nama) {
		return row, nil, rowErr("NAMA_LGKP", CodeBadName,
			"NAMA_LGKP hanya boleh berisi huruf, spasi dan tanda . , ' -",
			"NAMA_LGKP may contain only letters, spaces and . , ' -")
	}
	if n := utf8.RuneCountInString(pd.Nama); n > maxName {
		return row, nil, rowErrf("NAMA_LGKP", CodeBadName,
			"NAMA_LGKP terlalu panjang: %d karakter, paling banyak %d",
			"NAMA_LGKP is too long: %d characters, at most %d", n, maxName)
	}
	if pd.TempatLahir, ok = p.text(rec, colTmptLhr, maxText); !ok {
		return row, nil, textError("TMPT_LHR", maxText)
	}

	// Birth date and sex.
	var rerr *RowError
	if pd.TanggalLahir, rerr = p.date(rec, colTglLhr); rerr != nil {
		return row, nil, rerr
	}
	sex, ok := lookup(sexes, p.field(rec, colJenisKlmin))
	if !ok {
		return row, nil, rowErrf("JENIS_KLMIN", CodeBadSex, notAllowedID, notAllowedEN, "JENIS_KLMIN", listSex)
	}
	pd.JenisKelamin = sex

	// Fixed lists.
	if pd.GolonganDarah, ok = bloodType(p.field(rec, colGolDrh)); !ok {
		return row, nil, rowErr("GOL_DRH", CodeBadBlood,
			"GOL_DRH tidak dikenal; yang boleh: "+listBlood, "GOL_DRH is not a known value; allowed: "+listBloodEN)
	}
	if pd.Agama, ok = lookup(religions, p.field(rec, colAgama)); !ok {
		return row, nil, rowErrf("AGAMA", CodeBadReligion, notAllowedID, notAllowedEN, "AGAMA", listReligion)
	}
	if pd.StatusKawin, ok = lookup(maritals, p.field(rec, colStatKwn)); !ok {
		return row, nil, rowErrf("STAT_KWN", CodeBadMarital, notAllowedID, notAllowedEN, "STAT_KWN", listMarital)
	}
	if pd.Hubungan, ok = lookup(relations, p.field(rec, colStatHbkel)); !ok {
		return row, nil, rowErrf("STAT_HBKEL", CodeBadRelation, notAllowedID, notAllowedEN, "STAT_HBKEL", listRelation)
	}
	if pd.Pekerjaan, ok = p.text(rec, colJenisPkrjn, maxText); !ok {
		return row, nil, textError("JENIS_PKRJN", maxText)
	}
	if pd.Kewarganegaraan, ok = lookup(citizenships, p.field(rec, colKewarganegaraan)); !ok {
		return row, nil, rowErrf("KEWARGANEGARAAN", CodeBadCitizenship, notAllowedID, notAllowedEN, "KEWARGANEGARAAN", listCitizen)
	}

	// Address and region.
	if pd.Alamat, ok = p.text(rec, colAlamat, maxAddress); !ok {
		return row, nil, textError("ALAMAT", maxAddress)
	}
	if pd.RT, ok = rtrw(p.field(rec, colNoRT)); !ok {
		return row, nil, rtrwError("NO_RT")
	}
	if pd.RW, ok = rtrw(p.field(rec, colNoRW)); !ok {
		return row, nil, rtrwError("NO_RW")
	}
	desa, rerr := p.region(rec)
	if rerr != nil {
		return row, nil, rerr
	}
	pd.DesaKode = desa.kode
	if desa.pensiun {
		p.warnings = append(p.warnings, nik.Warning{Code: "retired_desa",
			ID: "Kode desa/kelurahan " + desa.kode + " sudah tidak berlaku (kode lama).",
			EN: "The desa/kelurahan code " + desa.kode + " is retired (an old code)."})
	}

	// Contact.
	if v := p.field(rec, colEmail); v != "" {
		v = strings.ToLower(v)
		if !emailOK(v) {
			return row, nil, rowErr("EMAIL", CodeBadEmail,
				"EMAIL bukan alamat e-mail yang sah (contoh nama@gmail.com)",
				"EMAIL is not a valid e-mail address (for example name@gmail.com)")
		}
		pd.Email = v
	}
	if v := p.field(rec, colNoHP); v != "" {
		if pd.Telepon, ok = normalizePhone(v); !ok {
			return row, nil, rowErr("NO_HP", CodeBadPhone,
				"NO_HP harus nomor seluler Indonesia: 08… atau +628…, 10–13 digit",
				"NO_HP must be an Indonesian mobile number: 08… or +628…, 10–13 digits")
		}
	}

	// Status and the other dates.
	if pd.StatusNIK, ok = lookup(statuses, p.field(rec, colStatusNIK)); !ok {
		return row, nil, rowErrf("STATUS_NIK", CodeBadStatusNIK, notAllowedID, notAllowedEN, "STATUS_NIK", listStatusNIK)
	}
	if pd.TanggalPerekaman, rerr = p.date(rec, colTglRekam); rerr != nil {
		return row, nil, rerr
	}
	if !pd.TanggalPerekaman.IsZero() && pd.TanggalPerekaman.Before(pd.TanggalLahir.AddDate(16, 0, 0)) {
		return row, nil, rowErr("TGL_REKAM", CodeEarlyRekam,
			"TGL_REKAM sebelum ulang tahun ke-16; perekaman KTP-el mulai umur 16 tahun",
			"TGL_REKAM is before the 16th birthday; e-KTP recording starts at 16")
	}
	if row.TanggalKK, rerr = p.date(rec, colTglKK); rerr != nil {
		return row, nil, rerr
	}

	// Warnings: never a reason to reject (domain.md §3.1).
	p.warnings = append(p.warnings, nik.Check(info, p.data)...)
	p.warnings = append(p.warnings, nik.CrossCheck(info, nik.Sex(sex[0]), pd.TanggalLahir)...)
	p.warnings = append(p.warnings, p.kkWarnings...)
	return row, p.warnings, nil
}

// numberError turns an NIK or Nomor KK parse error into a row error, with a
// hint when Excel has turned the number into scientific notation.
func numberError(column, code, raw string, err error) *RowError {
	id, en := err.Error(), err.Error()
	if e := (*errs.Error)(nil); errors.As(err, &e) {
		id, en = e.ID, e.EN
	}
	id, en = strings.TrimSuffix(id, "."), strings.TrimSuffix(en, ".")
	if strings.ContainsAny(raw, "eE") && strings.Contains(raw, "+") {
		id += excelNumberID
		en += excelNumberEN
	}
	return rowErr(column, code, id, en)
}

func (p *rowParser) text(rec []string, c col, max int) (string, bool) {
	v, ok := cleanText(p.field(rec, c))
	return v, ok && utf8.RuneCountInString(v) <= max
}

func textError(column string, max int) *RowError {
	return rowErrf(column, CodeBadText,
		"%s berisi karakter kontrol atau lebih dari %d karakter",
		"%s has control characters or is longer than %d characters", column, max)
}

func rtrw(s string) (string, bool) {
	if !digits(s, 3) {
		return "", false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return pad3[n], true
}

func rtrwError(column string) *RowError {
	return rowErrf(column, CodeBadRTRW, "%s harus 1–3 angka (contoh 004)",
		"%s must be 1–3 digits (for example 004)", column)
}

// date reads an optional or required date column: a real calendar date,
// from 1900 on, not after today (WIB). Empty gives the zero time (a
// required empty column was caught before).
func (p *rowParser) date(rec []string, c col) (time.Time, *RowError) {
	v := p.field(rec, c)
	if v == "" {
		return time.Time{}, nil
	}
	name := columns[c].name
	t, ok, real := parseDate(v)
	switch {
	case !ok:
		return t, rowErr(name, CodeBadDate, name+" "+dateHelpID, name+" "+dateHelpEN)
	case !real:
		return t, rowErr(name, CodeBadDate, name+" bukan tanggal yang ada di kalender (mis. 31-02)",
			name+" is not a date that exists (e.g. 31-02)")
	case t.Year() < minYear:
		return t, rowErrf(name, CodeBadDate, "%s sebelum tahun %d", "%s is before the year %d", name, minYear)
	case t.After(p.today):
		return t, rowErr(name, CodeFutureDate, name+" ada di masa depan", name+" is in the future")
	}
	return t, nil
}

// region builds the desa code from NO_PROP, NO_KAB, NO_KEC and NO_KEL and
// looks it up. Leading zeros that Excel dropped ("1" for "01") are put back.
func (p *rowParser) region(rec []string) (desaEntry, *RowError) {
	var key [10]byte
	at := 0
	for _, part := range [...]struct {
		c     col
		width int
	}{{colNoProp, 2}, {colNoKab, 2}, {colNoKec, 2}, {colNoKel, 4}} {
		v := p.field(rec, part.c)
		if !digits(v, part.width) {
			name := columns[part.c].name
			return desaEntry{}, rowErrf(name, CodeBadRegion, "%s harus %d angka", "%s must be %d digits", name, part.width)
		}
		for i := len(v); i < part.width; i++ {
			key[at] = '0'
			at++
		}
		at += copy(key[at:], v)
	}
	e, ok := p.desa[key]
	if !ok {
		k := key
		e.kode = string(k[0:2]) + "." + string(k[2:4]) + "." + string(k[4:6]) + "." + string(k[6:10])
		w, found := p.data.Lookup(e.kode)
		e.known = found && w.Tingkat == wilayah.Desa
		e.pensiun = e.known && w.Pensiun
		if len(p.desa) < maxDesaCache {
			p.desa[key] = e
		}
	}
	if !e.known {
		return e, rowErrf("NO_KEL", CodeUnknownDesa,
			"Kode desa/kelurahan %s (NO_PROP.NO_KAB.NO_KEC.NO_KEL) tidak ada dalam data wilayah",
			"The desa/kelurahan code %s (NO_PROP.NO_KAB.NO_KEC.NO_KEL) is not in the region data", e.kode)
	}
	return e, nil
}
