package web

// Texts of assisted mode: the printed card (kartu cetak) on the resident's
// console page, and its audit events in the resident's history.
func init() {
	addTexts(map[string]string{
		"cetak.judul":                  "Kartu cetak (tanpa ponsel)",
		"cetak.intro":                  "Untuk penduduk yang tidak punya ponsel pintar: kartu A6 bertanda tangan Dukcapil dengan kode QR profil foto, tanpa ikatan perangkat. Pemeriksa melihat \"SAH — kartu cetak\" dan mencocokkan wajah. Mencetak ulang mencabut kartu sebelumnya; kartu dicabut bersama KTP digital.",
		"cetak.status.none":            "Belum pernah dicetak",
		"cetak.status.valid":           "Kartu cetak berlaku",
		"cetak.status.suspended":       "Kartu cetak ditangguhkan",
		"cetak.status.revoked":         "Kartu cetak dicabut",
		"cetak.dicetak":                "dicetak",
		"cetak.sampai":                 "berlaku sampai",
		"cetak.cetak":                  "Cetak kartu QR (PDF, A6)",
		"cetak.cetakulang":             "Cetak kartu baru (yang lama dicabut)",
		"cetak.baru":                   "PDF terbuka di tab baru; muat ulang halaman ini untuk melihat statusnya.",
		"cetak.cabut":                  "Cabut kartu cetak",
		"cetak.alasan":                 "Alasan mencabut kartu cetak",
		"cetak.dicabut":                "Kartu cetak dicabut; verifikasi menjawab \"dicabut\"",
		"audit.kartu_cetak.cetak":      "kartu cetak dicetak",
		"audit.kartu_cetak.cabut":      "kartu cetak dicabut",
		"audit.kartu_cetak.tangguhkan": "kartu cetak ditangguhkan",
		"audit.kartu_cetak.pulihkan":   "kartu cetak dipulihkan",
		"audit.kartu_cetak.ditolak":    "kartu cetak ditolak",
	}, map[string]string{
		"cetak.judul":                  "Printed card (no smartphone)",
		"cetak.intro":                  "For a resident with no smartphone: an A6 card signed by Dukcapil with a QR code of the foto profile, bound to no device. The verifier sees \"VALID — printed card\" and compares the face. Printing again revokes the earlier card; the card is revoked with the digital ID.",
		"cetak.status.none":            "Never printed",
		"cetak.status.valid":           "Printed card valid",
		"cetak.status.suspended":       "Printed card suspended",
		"cetak.status.revoked":         "Printed card revoked",
		"cetak.dicetak":                "printed",
		"cetak.sampai":                 "valid until",
		"cetak.cetak":                  "Print the QR card (PDF, A6)",
		"cetak.cetakulang":             "Print a new card (the old one is revoked)",
		"cetak.baru":                   "The PDF opens in a new tab; reload this page to see its status.",
		"cetak.cabut":                  "Revoke the printed card",
		"cetak.alasan":                 "Reason to revoke the printed card",
		"cetak.dicabut":                "The printed card is revoked; verifications answer \"revoked\"",
		"audit.kartu_cetak.cetak":      "printed card printed",
		"audit.kartu_cetak.cabut":      "printed card revoked",
		"audit.kartu_cetak.tangguhkan": "printed card suspended",
		"audit.kartu_cetak.pulihkan":   "printed card unsuspended",
		"audit.kartu_cetak.ditolak":    "printed card refused",
	})
}
