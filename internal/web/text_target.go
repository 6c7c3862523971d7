package web

// Texts of the targets set per area (the targets page's form) and of a
// re-issue after a photo or data change.
func init() {
	addTexts(map[string]string{
		"konsol.target.sharecol":   "Target %",
		"konsol.target.bawaan":     "bawaan",
		"konsol.target.ditetapkan": "Target ditetapkan:",
		"konsol.target.dihapus":    "Target kembali ke bawaan:",
		"konsol.target.set.judul":  "Target yang ditetapkan kantor",
		"konsol.target.set.intro":  "Tanpa penetapan, kabupaten/kota dan kecamatan memakai target wilayah di atasnya, atau bawaan (25% untuk 2023, 30% sejak 2024). Target provinsi adalah jumlah target kabupaten/kota.",
		"konsol.target.set.kosong": "Belum ada target yang ditetapkan; semua wilayah memakai bawaan.",
		"konsol.target.set.form":   "Tetapkan target wilayah",
		"konsol.target.set.tahun":  "Tahun",
		"konsol.target.set.persen": "Target (% dari basis)",
		"konsol.target.set.sumber": "Dasar penetapan (nomor SK atau surat)",
		"konsol.target.set.kirim":  "Tetapkan",
		"konsol.target.set.hapus":  "Kembalikan ke bawaan",
		"konsol.target.set.oleh":   "Oleh",
		"audit.target.tetapkan":    "target ditetapkan",
		"audit.target.hapus":       "target dikembalikan ke bawaan",
		"audit.kredensial.ganti":   "KTP digital diterbitkan ulang (data atau foto berubah)",
	}, map[string]string{
		"konsol.target.sharecol":   "Target %",
		"konsol.target.bawaan":     "default",
		"konsol.target.ditetapkan": "Target set:",
		"konsol.target.dihapus":    "Target back to the default:",
		"konsol.target.set.judul":  "Targets set by the office",
		"konsol.target.set.intro":  "Unless set, a kab/kota or kecamatan takes the target of the area above it, or the default (25% for 2023, 30% from 2024). The province's target is the sum of its kab/kota's.",
		"konsol.target.set.kosong": "No target set yet; every area takes the default.",
		"konsol.target.set.form":   "Set an area's target",
		"konsol.target.set.tahun":  "Year",
		"konsol.target.set.persen": "Target (% of the base)",
		"konsol.target.set.sumber": "Set by (SK or letter number)",
		"konsol.target.set.kirim":  "Set",
		"konsol.target.set.hapus":  "Back to the default",
		"konsol.target.set.oleh":   "By",
		"audit.target.tetapkan":    "target set",
		"audit.target.hapus":       "target back to the default",
		"audit.kredensial.ganti":   "digital ID re-issued (data or photo changed)",
	})
}
