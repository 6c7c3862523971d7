package web

// T returns the text of key in lang ("en", else Bahasa Indonesia). A
// missing key shows as itself, so a gap is visible; TestTexts finds every
// key the templates use missing in either language.
func T(lang, key string) string {
	m := texts["id"]
	if lang == "en" {
		m = texts["en"]
	}
	if s, ok := m[key]; ok {
		return s
	}
	return key
}

// texts holds every text of the pages, by language and key. Domain nouns
// stay Indonesian in English where officers use them (penduduk, blangko).
var texts = map[string]map[string]string{
	"id": {
		"lang.other": "English",
		"site":       "IKD Provinsi Bengkulu",
		"back":       "Kembali",

		"home.title": "IKD Provinsi Bengkulu", "home.summary": "Ringkasan penduduk per kabupaten/kota",
		"home.kabkota": "Kabupaten/Kota", "home.penduduk": "Penduduk", "home.wajib": "Wajib KTP",
		"home.terekam": "Terekam KTP-el", "home.persen": "% terekam", "home.resmi": "Data resmi Agustus 2024 (wajib / terekam)",
		"home.loading": "Data demo sedang dibuat", "home.asof": "Keadaan per",
		"home.err": "Ringkasan tidak dapat dimuat; coba lagi sebentar.", "home.loaderr": "Pembuatan data demo gagal",
		"home.note":   "Penduduk yang masih hidup, termasuk yang NIK-nya nonaktif. Wajib KTP: berumur 17 tahun atau lebih, atau pernah kawin.",
		"home.konsol": "Konsol petugas",

		"error.title": "Terjadi kesalahan",
	},
	"en": {
		"lang.other": "Bahasa Indonesia",
		"site":       "IKD Bengkulu Province",
		"back":       "Back",

		"home.title": "IKD Bengkulu Province", "home.summary": "Residents per regency/city",
		"home.kabkota": "Regency/City", "home.penduduk": "Residents", "home.wajib": "Must hold a KTP",
		"home.terekam": "e-KTP recorded", "home.persen": "% recorded", "home.resmi": "Official figures, August 2024 (must hold / recorded)",
		"home.loading": "The demo data is being created", "home.asof": "As of",
		"home.err": "The summary could not be loaded; try again shortly.", "home.loaderr": "Creating the demo data failed",
		"home.note":   "Living residents, including those whose NIK is deactivated. Must hold a KTP: aged 17 or more, or ever married.",
		"home.konsol": "Officers' console",

		"error.title": "Something went wrong",
	},
}
