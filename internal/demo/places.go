package demo

// group is a family's naming and religious tradition. Bengkulu is mostly
// Malay-speaking Muslims (Melayu Bengkulu, Rejang, Serawai, Lembak, Kaur,
// Minang settlers), with many Javanese transmigrants (Bengkulu Utara,
// Mukomuko, Seluma, Rejang Lebong), and small Batak, Balinese and Chinese
// Indonesian communities.
type group uint8

const (
	gMelayu group = iota
	gJawa
	gBatak
	gBali
	gTionghoa
	nGroups
)

// kabProfile is what the generator knows about one kab/kota beyond the
// region data: its towns (birth places), the mix of family traditions, and
// whether it lies on the coast (fishermen).
type kabProfile struct {
	towns   []string     // the capital first
	mix     [nGroups]int // per mille
	coastal bool
}

var profiles = map[string]*kabProfile{
	"17.01": {towns: []string{"MANNA", "KEDURANG", "SEGINIM", "PINO", "PINO RAYA", "AIR NIPIS", "ULU MANNA", "PASAR MANNA"},
		mix: [nGroups]int{882, 108, 6, 0, 4}, coastal: true},
	"17.02": {towns: []string{"CURUP", "PADANG ULAK TANDING", "KOTA PADANG", "SINDANG KELINGI", "SELUPU REJANG", "BERMANI ULU", "KESAMBE", "TALANG BENIH"},
		mix: [nGroups]int{711, 277, 6, 0, 6}},
	"17.03": {towns: []string{"ARGA MAKMUR", "KETAHUN", "LAIS", "KERKAP", "GIRI MULYA", "PADANG JAYA", "NAPAL PUTIH", "PUTRI HIJAU", "ENGGANO"},
		mix: [nGroups]int{578, 395, 14, 10, 3}, coastal: true},
	"17.04": {towns: []string{"BINTUHAN", "NASAL", "MAJE", "TANJUNG KEMUNING", "KINAL", "MUARA SAHUNG", "LINGGAR GALING"},
		mix: [nGroups]int{905, 87, 5, 1, 2}, coastal: true},
	"17.05": {towns: []string{"TAIS", "SELUMA", "TALO", "SUKARAJA", "SEMIDANG ALAS", "AIR PERIUKAN", "LUBUK SANDI"},
		mix: [nGroups]int{782, 200, 8, 8, 2}, coastal: true},
	"17.06": {towns: []string{"MUKOMUKO", "IPUH", "LUBUK PINANG", "PENARIK", "TERAS TERUNJAM", "AIR RAMI", "PONDOK SUGUH"},
		mix: [nGroups]int{541, 435, 16, 6, 2}, coastal: true},
	"17.07": {towns: []string{"MUARA AMAN", "TUBEI", "LEBONG", "RIMBO PENGADANG", "TOPOS", "AMEN", "PELABAI"},
		mix: [nGroups]int{791, 200, 5, 0, 4}},
	"17.08": {towns: []string{"KEPAHIANG", "UJAN MAS", "TEBAT KARAI", "MERIGI", "KABAWETAN", "PAGAR GUNUNG"},
		mix: [nGroups]int{699, 290, 6, 0, 5}},
	"17.09": {towns: []string{"KARANG TINGGI", "TALANG EMPAT", "PONDOK KELAPA", "TABA PENANJUNG", "PAGAR JATI", "PEMATANG TIGA"},
		mix: [nGroups]int{736, 250, 8, 4, 2}, coastal: true},
	"17.71": {towns: []string{"BENGKULU"},
		mix: [nGroups]int{758, 205, 22, 3, 12}, coastal: true},
}

// fallbackProfile serves a kab/kota the table above does not know (should
// new ones be added to the region data).
var fallbackProfile = &kabProfile{towns: []string{"BENGKULU"}, mix: [nGroups]int{750, 230, 10, 5, 5}}

// provTowns are birth places outside Bengkulu, by province code. Migrants
// whose NIK was first issued in that province were usually born there.
var provTowns = map[string][]string{
	"12": {"MEDAN", "TARUTUNG", "PEMATANG SIANTAR", "BALIGE", "SIBOLGA", "TEBING TINGGI"},
	"13": {"PADANG", "BUKITTINGGI", "PAINAN", "SOLOK", "PARIAMAN", "PAYAKUMBUH"},
	"15": {"JAMBI", "SUNGAI PENUH", "BANGKO", "SAROLANGUN", "KERINCI"},
	"16": {"PALEMBANG", "LUBUK LINGGAU", "LAHAT", "PAGAR ALAM", "MUARA ENIM", "BATURAJA"},
	"18": {"BANDAR LAMPUNG", "METRO", "KOTABUMI", "LIWA", "KRUI"},
	"31": {"JAKARTA"},
	"32": {"BANDUNG", "BOGOR", "TASIKMALAYA", "GARUT", "CIREBON"},
	"33": {"SEMARANG", "SURAKARTA", "KLATEN", "WONOGIRI", "PURWOREJO", "KEBUMEN", "BANYUMAS", "SRAGEN"},
	"34": {"YOGYAKARTA", "SLEMAN", "BANTUL", "GUNUNG KIDUL"},
	"35": {"SURABAYA", "MALANG", "KEDIRI", "BLITAR", "PONOROGO", "MADIUN", "NGAWI"},
	"51": {"TABANAN", "GIANYAR", "KLUNGKUNG", "BULELENG", "KARANGASEM"},
}

// originProv is where migrants come from, by family tradition: province
// codes and weights.
var originProv = [nGroups]choice[string]{
	gMelayu:   newChoice([]string{"16", "13", "15", "18", "31", "12"}, 40, 25, 15, 10, 6, 4),
	gJawa:     newChoice([]string{"33", "35", "34", "32", "18", "16", "31"}, 35, 25, 12, 10, 8, 5, 5),
	gBatak:    newChoice([]string{"12", "16", "31"}, 80, 10, 10),
	gBali:     newChoice([]string{"51"}, 1),
	gTionghoa: newChoice([]string{"16", "31", "12", "13"}, 35, 30, 20, 15),
}

// streets are street names for addresses in kelurahan (towns).
var streets = []string{
	"SUDIRMAN", "AHMAD YANI", "SOEKARNO HATTA", "S. PARMAN", "MT. HARYONO", "KAPTEN TENDEAN",
	"DI. PANJAITAN", "SUPRAPTO", "FATMAWATI", "PARIWISATA", "SALAK", "HIBRIDA", "MERAPI",
	"DANAU", "FLAMBOYAN", "MAHONI", "KAMBOJA", "CEMPAKA", "MELATI", "ANGGREK", "MANGGA",
	"DURIAN", "RAFLESIA", "SEMANGKA", "JAMBU", "KALIMANTAN", "SUMATERA", "BHAYANGKARA",
	"PEMBANGUNAN", "ADAM MALIK", "RE. MARTADINATA", "NUSA INDAH", "WR. SUPRATMAN",
	"TIMUR INDAH", "BATANGHARI", "KINIBALU", "SADANG", "DEMPO", "BUNGA TANJUNG",
	"MERANTI", "CENDANA", "TERATAI", "SEROJA", "KUTILANG", "CENDRAWASIH", "JATI",
	"KAPUAS", "MUSI", "RINJANI", "SEMERU", "BASUKI RAHMAT", "ZAINUL ARIFIN", "LETJEN SUPRAPTO",
	"HALIMUN", "INPRES", "KENANGA", "TANJUNG JAYA", "IRIAN", "SUMBAWA", "BENTENG",
}

// villageRoads are road names in desa.
var villageRoads = []string{
	"LINTAS BARAT", "LINTAS SUMATERA", "RAYA", "KEBUN", "SAWAH", "MASJID", "SEKOLAH",
	"PASAR", "SIMPANG", "BALAI DESA", "AIR", "KOPI", "SAWIT", "KARET", "PERKEBUNAN",
}

// roman numbers for the dusun (hamlets) of a desa.
var roman = []string{"I", "II", "III", "IV", "V", "VI"}
