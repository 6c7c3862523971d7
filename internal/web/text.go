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

		"konsol.site": "Konsol Petugas IKD", "konsol.nav.cari": "Cari penduduk", "konsol.nav.keluar": "Keluar",
		"konsol.masuk.title": "Masuk konsol petugas", "konsol.masuk.username": "Username", "konsol.masuk.password": "Kata sandi",
		"konsol.masuk.totp": "Kode autentikator (6 angka)", "konsol.masuk.totphelp": "Dari aplikasi autentikator di ponsel Anda, bila akun Anda memakainya.",
		"konsol.masuk.submit": "Masuk", "konsol.masuk.pertama": "Baru pertama kali? Buka tautan aktivasi akun yang Anda terima dari admin.",
		"konsol.masuk.siap": "Akun Anda sudah aktif. Silakan masuk.",
		"konsol.akun.title": "Aktivasi akun petugas", "konsol.akun.intro": "Masukkan kode aktivasi akun dari admin, lalu buat kata sandi Anda.",
		"konsol.akun.kode": "Kode aktivasi akun", "konsol.akun.password": "Kata sandi baru", "konsol.akun.password2": "Ulangi kata sandi",
		"konsol.akun.pwhelp": "Paling sedikit 10 karakter, tanpa username Anda. Kalimat pendek yang mudah Anda ingat lebih baik daripada kata yang rumit.",
		"konsol.akun.totp":   "Aplikasi autentikator", "konsol.akun.totphelp": "Pindai kode QR ini dengan aplikasi autentikator (misalnya Google Authenticator atau Aegis), lalu masukkan kode 6 angka yang tampil. Wajib untuk admin dan supervisor.",
		"konsol.akun.totpqr": "Kode QR untuk aplikasi autentikator", "konsol.akun.totpmanual": "Atau ketik kunci ini:",
		"konsol.akun.totpcode": "Kode dari aplikasi (6 angka)", "konsol.akun.submit": "Aktifkan akun",
		"konsol.beranda.title": "Konsol petugas", "konsol.cari.title": "Cari penduduk", "konsol.cari.label": "NIK (16 angka) atau awal nama",
		"konsol.cari.tujuan": "Tujuan membuka data", "konsol.cari.submit": "Cari", "konsol.cari.nik": "NIK tidak sah",
		"konsol.cari.help":      "Hanya penduduk di wilayah kerja kantor Anda yang dapat dibuka. Setiap pembukaan data dicatat beserta tujuannya.",
		"konsol.cari.persempit": "Persempit pencarian nama", "konsol.cari.lahirlabel": "Tanggal lahir", "konsol.cari.kecamatan": "Kecamatan",
		"konsol.cari.semua": "Semua kecamatan di wilayah Anda", "konsol.cari.lahir": "Tanggal lahir tidak sah", "konsol.cari.hasil": "Hasil",
		"konsol.cari.desa": "Kelurahan/desa", "konsol.cari.kosong": "Tidak ada penduduk dengan nama itu di wilayah Anda.",
		"konsol.cari.batas": "Hanya 20 hasil pertama yang ditampilkan; persempit dengan tanggal lahir atau kecamatan.",
		"konsol.demo.title": "Contoh penduduk demo", "konsol.demo.help": "Data demo buatan, bukan orang sungguhan: NIK untuk mencoba konsol di wilayah kantor Anda.",
		"konsol.penduduk.riwayat": "Riwayat", "konsol.penduduk.riwayathelp": "Semua pembukaan dan perubahan data penduduk ini menurut log audit, terbaru di atas.",
		"konsol.penduduk.waktu": "Waktu", "konsol.penduduk.oleh": "Oleh", "konsol.penduduk.tindakan": "Tindakan", "konsol.penduduk.tujuan": "Tujuan",
		"audit.penduduk.baca": "data dibuka", "audit.penduduk.baca_ditolak": "pembukaan ditolak (di luar wilayah)",
		"audit.aktivasi.tawarkan": "penawaran aktivasi IKD", "audit.kredensial.siapkan": "IKD disiapkan", "audit.kredensial.ditolak": "perubahan IKD ditolak", "audit.perangkat.ikat": "ponsel diikat", "audit.perangkat.lepas": "ponsel dilepas", "audit.aktivasi.ditolak": "aktivasi ditolak",
		"audit.kredensial.terbit": "IKD terbit", "audit.kredensial.tangguhkan": "IKD ditangguhkan", "audit.kredensial.pulihkan": "IKD dipulihkan",
		"audit.kredensial.cabut": "IKD dicabut", "audit.verifikasi": "diverifikasi lembaga", "audit.penduduk.load": "data dimutakhirkan dari SIAK",
		"konsol.status.tangguhkan": "Tangguhkan IKD", "konsol.status.pulihkan": "Pulihkan IKD", "konsol.status.cabut": "Cabut IKD dan lepas ponsel", "konsol.status.alasan": "Alasan",
		"konsol.beranda.peran": "Peran Anda tidak mencakup pelayanan penduduk. Halaman stok blangko dan dasbor menyusul.",
		"tujuan.layanan":       "pelayanan di loket", "tujuan.aktivasi": "aktivasi IKD", "tujuan.perubahan_data": "perubahan data", "tujuan.pengaduan": "pengaduan penduduk",
		"konsol.penduduk.title": "Data penduduk", "konsol.penduduk.foto": "Foto penduduk", "konsol.penduduk.dibuka": "dibuka untuk",
		"konsol.penduduk.lahir": "Tempat/tanggal lahir", "konsol.penduduk.tahun": "tahun", "konsol.penduduk.kelamin": "Jenis kelamin",
		"konsol.penduduk.alamat": "Alamat", "konsol.penduduk.kawin": "Status perkawinan", "konsol.penduduk.pekerjaan": "Pekerjaan",
		"konsol.penduduk.kontak": "E-mail · telepon", "konsol.penduduk.statusnik": "Status NIK", "konsol.penduduk.rekam": "Perekaman KTP-el",
		"konsol.penduduk.ikd": "KTP digital (IKD)", "konsol.penduduk.sejak": "sejak", "konsol.penduduk.perangkat": "perangkat",
		"konsol.penduduk.aktivasi": "Aktivasi IKD", "konsol.penduduk.aktivasiulang": "Aktivasi ulang di ponsel baru",
		"konsol.penduduk.kk": "Kartu Keluarga", "konsol.penduduk.nama": "Nama", "konsol.penduduk.hubungan": "Hubungan",
		"konsol.penduduk.ktpel": "KTP-el fisik", "konsol.penduduk.blangko": "Nomor blangko", "konsol.penduduk.statuskartu": "Status",
		"konsol.penduduk.dicetak": "Dicetak", "konsol.penduduk.kantor": "Kantor", "konsol.penduduk.tanpakartu": "Belum ada kartu tercetak.",
		"ikd.none": "Belum aktif", "ikd.valid": "Aktif", "ikd.suspended": "Ditangguhkan", "ikd.revoked": "Dicabut",
		"konsol.aktivasi.title": "Aktivasi IKD", "konsol.aktivasi.email": "kode aktivasi dikirim ke",
		"konsol.aktivasi.qr": "Kode QR penawaran IKD untuk dompet penduduk", "konsol.aktivasi.scan": "Minta penduduk memindai kode QR ini dengan aplikasi dompet IKD, lalu memasukkan kode dari e-mailnya. Jangan menanyakan kode itu.",
		"konsol.aktivasi.link": "Tautan penawaran (untuk dibuka di ponsel penduduk)", "konsol.aktivasi.berlaku": "Berlaku sampai",
		"konsol.aktivasi.kode": "Petugas tidak pernah melihat kode aktivasi.", "konsol.aktivasi.kembali": "Kembali ke data penduduk",
		"aktivasi.DITAWARKAN": "Menunggu dompet penduduk…", "aktivasi.DITUKAR": "Kode benar; dompet sedang menerima IKD…",
		"aktivasi.SELESAI": "IKD terbit di ponsel penduduk.", "aktivasi.GAGAL": "Aktivasi gagal (kode salah terlalu sering); buat penawaran baru.",
		"aktivasi.KEDALUWARSA": "Penawaran kedaluwarsa; buat penawaran baru.",

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

		"konsol.site": "IKD Officers' Console", "konsol.nav.cari": "Find a resident", "konsol.nav.keluar": "Sign out",
		"konsol.masuk.title": "Sign in to the officers' console", "konsol.masuk.username": "Username", "konsol.masuk.password": "Password",
		"konsol.masuk.totp": "Authenticator code (6 digits)", "konsol.masuk.totphelp": "From the authenticator app on your phone, if your account uses one.",
		"konsol.masuk.submit": "Sign in", "konsol.masuk.pertama": "First time? Open the account activation link you received from the admin.",
		"konsol.masuk.siap": "Your account is active. Please sign in.",
		"konsol.akun.title": "Activate your officer account", "konsol.akun.intro": "Enter the account activation code from the admin, then choose your password.",
		"konsol.akun.kode": "Account activation code", "konsol.akun.password": "New password", "konsol.akun.password2": "Repeat the password",
		"konsol.akun.pwhelp": "At least 10 characters, without your username. A short sentence you remember beats a complicated word.",
		"konsol.akun.totp":   "Authenticator app", "konsol.akun.totphelp": "Scan this QR code with an authenticator app (such as Google Authenticator or Aegis), then enter the 6-digit code it shows. Required for admin and supervisor.",
		"konsol.akun.totpqr": "QR code for the authenticator app", "konsol.akun.totpmanual": "Or type this key:",
		"konsol.akun.totpcode": "Code from the app (6 digits)", "konsol.akun.submit": "Activate account",
		"konsol.beranda.title": "Officers' console", "konsol.cari.title": "Find a resident", "konsol.cari.label": "NIK (16 digits) or the start of the name",
		"konsol.cari.tujuan": "Purpose of opening the record", "konsol.cari.submit": "Find", "konsol.cari.nik": "Invalid NIK",
		"konsol.cari.help":      "Only residents of your office's area can be opened. Every opening is recorded with its purpose.",
		"konsol.cari.persempit": "Narrow a search by name", "konsol.cari.lahirlabel": "Date of birth", "konsol.cari.kecamatan": "Kecamatan",
		"konsol.cari.semua": "All kecamatan of your area", "konsol.cari.lahir": "Invalid date of birth", "konsol.cari.hasil": "Results",
		"konsol.cari.desa": "Kelurahan/desa", "konsol.cari.kosong": "No resident with that name in your area.",
		"konsol.cari.batas": "Only the first 20 results are shown; narrow by date of birth or kecamatan.",
		"konsol.demo.title": "Demo residents", "konsol.demo.help": "Generated demo data, not real people: NIKs to try the console with in your office's area.",
		"konsol.penduduk.riwayat": "History", "konsol.penduduk.riwayathelp": "Every opening and change of this resident's record in the audit log, newest first.",
		"konsol.penduduk.waktu": "Time", "konsol.penduduk.oleh": "By", "konsol.penduduk.tindakan": "Action", "konsol.penduduk.tujuan": "Purpose",
		"audit.penduduk.baca": "record opened", "audit.penduduk.baca_ditolak": "opening refused (outside the area)",
		"audit.aktivasi.tawarkan": "IKD activation offered", "audit.kredensial.siapkan": "IKD prepared", "audit.kredensial.ditolak": "IKD change refused", "audit.perangkat.ikat": "phone bound", "audit.perangkat.lepas": "phone released", "audit.aktivasi.ditolak": "activation refused",
		"audit.kredensial.terbit": "IKD issued", "audit.kredensial.tangguhkan": "IKD suspended", "audit.kredensial.pulihkan": "IKD unsuspended",
		"audit.kredensial.cabut": "IKD revoked", "audit.verifikasi": "verified by an institution", "audit.penduduk.load": "updated from SIAK",
		"konsol.status.tangguhkan": "Suspend IKD", "konsol.status.pulihkan": "Unsuspend IKD", "konsol.status.cabut": "Revoke IKD and release the phone", "konsol.status.alasan": "Reason",
		"konsol.beranda.peran": "Your role does not include serving residents. The blangko stock pages and the dashboard are coming.",
		"tujuan.layanan":       "service at the counter", "tujuan.aktivasi": "IKD activation", "tujuan.perubahan_data": "data change", "tujuan.pengaduan": "resident's complaint",
		"konsol.penduduk.title": "Resident record", "konsol.penduduk.foto": "Resident's photo", "konsol.penduduk.dibuka": "opened for",
		"konsol.penduduk.lahir": "Place/date of birth", "konsol.penduduk.tahun": "years", "konsol.penduduk.kelamin": "Sex",
		"konsol.penduduk.alamat": "Address", "konsol.penduduk.kawin": "Marital status", "konsol.penduduk.pekerjaan": "Occupation",
		"konsol.penduduk.kontak": "E-mail · phone", "konsol.penduduk.statusnik": "NIK status", "konsol.penduduk.rekam": "e-KTP recorded",
		"konsol.penduduk.ikd": "Digital ID (IKD)", "konsol.penduduk.sejak": "since", "konsol.penduduk.perangkat": "device",
		"konsol.penduduk.aktivasi": "Activate IKD", "konsol.penduduk.aktivasiulang": "Re-activate on a new phone",
		"konsol.penduduk.kk": "Family card (KK)", "konsol.penduduk.nama": "Name", "konsol.penduduk.hubungan": "Relationship",
		"konsol.penduduk.ktpel": "Physical e-KTP", "konsol.penduduk.blangko": "Blangko serial", "konsol.penduduk.statuskartu": "Status",
		"konsol.penduduk.dicetak": "Printed", "konsol.penduduk.kantor": "Office", "konsol.penduduk.tanpakartu": "No card printed yet.",
		"ikd.none": "Not active", "ikd.valid": "Active", "ikd.suspended": "Suspended", "ikd.revoked": "Revoked",
		"konsol.aktivasi.title": "IKD activation", "konsol.aktivasi.email": "activation code sent to",
		"konsol.aktivasi.qr": "IKD offer QR code for the resident's wallet", "konsol.aktivasi.scan": "Ask the resident to scan this QR code with the IKD wallet app, then enter the code from their e-mail. Never ask for that code.",
		"konsol.aktivasi.link": "Offer link (to open on the resident's phone)", "konsol.aktivasi.berlaku": "Valid until",
		"konsol.aktivasi.kode": "Officers never see the activation code.", "konsol.aktivasi.kembali": "Back to the resident record",
		"aktivasi.DITAWARKAN": "Waiting for the resident's wallet…", "aktivasi.DITUKAR": "Code accepted; the wallet is receiving the IKD…",
		"aktivasi.SELESAI": "IKD issued to the resident's phone.", "aktivasi.GAGAL": "Activation failed (too many wrong codes); make a new offer.",
		"aktivasi.KEDALUWARSA": "The offer expired; make a new offer.",

		"error.title": "Something went wrong",
	},
}
