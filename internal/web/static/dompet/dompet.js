// dompet.js: the resident's wallet. It redeems the officer's activation
// offer with OpenID4VCI 1.0 (pre-authorized code and the e-mailed code, a
// P-256 device key made by WebCrypto that never leaves the browser, one
// credential request per configuration with a key proof), keeps the
// credentials in IndexedDB behind a 6-digit PIN, shows the card and a QR
// code the device signs anew every 90 seconds (qrcred's device layer:
// COSE_Sign1 over {1: issuer CWT, 2: time, 3: nonce}), and reads the
// resident's own record and history with a request signed by that key.
(function () {
  "use strict";
  const A = window.ikdApp;
  const db = A.store("ikd-dompet");
  const $ = (id) => document.getElementById(id);

  const QR_EVERY = 90; // seconds between device signatures (qrcred.DefaultMaxAge)
  const MAX_TRIES = 3;
  const PIN_ITERATIONS = 310000; // PBKDF2-SHA256, OWASP's figure

  const TEXTS = {
    id: {
      "judul": "Dompet KTP Digital",
      "mulai.judul": "Aktifkan KTP digital", "mulai.intro": "Petugas Dukcapil menampilkan kode QR aktivasi. Pindai kode itu, lalu masukkan kode 6 angka dari e-mail Anda.",
      "mulai.pindai": "Pindai QR dari petugas", "mulai.tautan": "Atau tempel tautan aktivasi", "mulai.lanjut": "Lanjut",
      "kode.judul": "Kode dari e-mail", "kode.intro": "Kami mengirim kode 6 angka ke e-mail yang Anda berikan kepada petugas. Kode hanya untuk Anda: jangan berikan kepada siapa pun, termasuk petugas.",
      "kode.label": "Kode aktivasi", "kode.aktifkan": "Aktifkan",
      "pinbaru.judul": "Buat PIN", "pinbaru.intro": "PIN 6 angka membuka dompet ini. Tiga kali salah, dompet terkunci dan KTP digital harus diaktifkan lagi di kantor Dukcapil.",
      "pinbaru.pin": "PIN baru", "pinbaru.ulang": "Ulangi PIN", "pinbaru.simpan": "Simpan PIN",
      "pin.judul": "Masukkan PIN", "pin.label": "PIN 6 angka", "pin.buka": "Buka dompet",
      "terkunci.judul": "Dompet terkunci", "terkunci.intro": "PIN salah tiga kali. Kunci perangkat dan KTP digital di ponsel ini telah dihapus. Datang ke kantor Dukcapil dengan KTP-el untuk aktivasi ulang.", "terkunci.ulang": "Aktivasi ulang",
      "tab.kartu": "KTP", "tab.keluarga": "Keluarga", "tab.riwayat": "Riwayat", "tab.data": "Data saya",
      "ktp.nama": "Nama", "ktp.ttl": "Tempat/Tgl Lahir", "ktp.jk": "Jenis Kelamin", "ktp.alamat": "Alamat", "ktp.agama": "Agama",
      "ktp.kawin": "Status Perkawinan", "ktp.pekerjaan": "Pekerjaan", "ktp.wn": "Kewarganegaraan", "ktp.foto": "Foto pemilik KTP",
      "ktp.provinsi": "PROVINSI {0}", "ktp.L": "LAKI-LAKI", "ktp.P": "PEREMPUAN", "ktp.berlaku": "KTP digital · berlaku sampai {0}",
      "qr.profil": "Tampilkan", "qr.dasar": "Data dasar", "qr.usia": "Hanya usia (17+/21+)", "qr.foto": "Data dasar dengan foto",
      "qr.alt": "Kode QR KTP digital untuk dipindai pemeriksa", "qr.catatan": "QR ditandatangani ulang oleh ponsel ini setiap 90 detik; tangkapan layar berhenti berlaku.",
      "qr.tantangan": "Tantangan dari pemeriksa (jika diminta)", "qr.pakai": "Pakai", "qr.pindai": "Pindai",
      "qr.hitung": "QR baru dalam {0} detik", "qr.dengantantangan": "dengan tantangan {0}",
      "kk.judul": "Kartu Keluarga", "kk.nomor": "Nomor KK", "kk.nama": "Nama", "kk.hubungan": "Hubungan", "kk.lahir": "Tanggal lahir", "kk.anda": "(Anda)",
      "riwayat.judul": "Riwayat", "riwayat.intro": "Siapa yang memeriksa atau membuka data Anda: lembaga, petugas, kantor, tujuan dan waktunya.",
      "riwayat.muat": "Muat ulang", "riwayat.waktu": "Diperbarui {0}", "riwayat.kosong": "Belum ada catatan.", "riwayat.luring": "Tanpa jaringan: menampilkan riwayat terakhir yang tersimpan.",
      "riwayat.oleh.lembaga": "Lembaga", "riwayat.oleh.petugas": "Petugas", "riwayat.oleh.sistem": "Sistem", "riwayat.oleh.dompet": "Dompet Anda", "riwayat.oleh.penduduk": "Anda",
      "riwayat.tujuan": "Tujuan: {0}",
      "permohonan.judul": "Permohonan Anda", "permohonan.kosong": "Tidak ada permohonan.", "permohonan.batas": "batas waktu {0}",
      "riwayat.pemeriksaan": "Pemeriksaan dan pembukaan data",
      "data.judul": "Data saya", "data.intro": "Unduh semua data yang disimpan Dukcapil tentang Anda (hak akses menurut UU Pelindungan Data Pribadi): data KTP, Kartu Keluarga, KTP-el, KTP digital dan riwayat pemeriksaan.",
      "data.unduh": "Unduh data saya", "data.siap": "Data Anda siap: data-saya-ikd.json", "data.kunci": "Mengunci dompet menutupnya sampai PIN dimasukkan lagi.", "data.kuncibtn": "Kunci dompet",
      "prog.tawaran": "Membaca penawaran…", "prog.token": "Memeriksa kode…", "prog.kunci": "Membuat kunci perangkat…", "prog.kredensial": "Menerima KTP digital ({0} dari {1})…", "prog.data": "Mengambil data Anda…",
      "err.tautan": "Ini bukan tautan atau QR aktivasi KTP digital.", "err.asal": "Tawaran ini dari penerbit lain ({0}); dompet ini hanya menerima KTP digital dari {1}.",
      "err.kamera": "Kamera tidak dapat dibuka: {0}. Tempel tautan aktivasi sebagai gantinya.", "err.jaringan": "Tidak ada jaringan. Aktivasi memerlukan internet; coba lagi.",
      "err.pinbeda": "Kedua PIN tidak sama.", "err.pinformat": "PIN harus 6 angka.", "err.pinsalah": "PIN salah. Sisa {0} kali lagi sebelum dompet terkunci.",
      "err.server": "Server menolak: {0}", "err.ikdtidak": "KTP digital di ponsel ini tidak lagi aktif: {0}",
      "err.aman": "Dompet ini memerlukan sambungan aman (https://): tanpa itu peramban tidak memberi kunci perangkat dan kamera. Buka alamat https dari Dukcapil.",
      "info.aktif": "KTP digital aktif di ponsel ini.", "info.terbitulang": "KTP digital Anda diterbitkan ulang dengan data terbaru; QR lama tidak berlaku lagi.", "info.luring": "Tanpa jaringan: KTP digital dan QR tetap berfungsi.",
      "status.valid": "Aktif", "status.suspended": "Ditangguhkan", "status.revoked": "Dicabut", "status.none": "Tidak aktif",
    },
    en: {
      "judul": "Digital ID Wallet",
      "mulai.judul": "Activate your digital ID", "mulai.intro": "The Dukcapil officer shows an activation QR code. Scan it, then enter the 6-digit code from your e-mail.",
      "mulai.pindai": "Scan the officer's QR", "mulai.tautan": "Or paste the activation link", "mulai.lanjut": "Continue",
      "kode.judul": "Code from your e-mail", "kode.intro": "We sent a 6-digit code to the e-mail you gave the officer. It is for you only: do not give it to anyone, officers included.",
      "kode.label": "Activation code", "kode.aktifkan": "Activate",
      "pinbaru.judul": "Create a PIN", "pinbaru.intro": "A 6-digit PIN opens this wallet. After three wrong tries the wallet locks and the digital ID must be activated again at a Dukcapil office.",
      "pinbaru.pin": "New PIN", "pinbaru.ulang": "Repeat the PIN", "pinbaru.simpan": "Save PIN",
      "pin.judul": "Enter your PIN", "pin.label": "6-digit PIN", "pin.buka": "Open the wallet",
      "terkunci.judul": "Wallet locked", "terkunci.intro": "Three wrong PINs. The device key and the digital ID on this phone were erased. Come to a Dukcapil office with your e-KTP to activate again.", "terkunci.ulang": "Activate again",
      "tab.kartu": "ID card", "tab.keluarga": "Family", "tab.riwayat": "History", "tab.data": "My data",
      "ktp.nama": "Name", "ktp.ttl": "Place/date of birth", "ktp.jk": "Sex", "ktp.alamat": "Address", "ktp.agama": "Religion",
      "ktp.kawin": "Marital status", "ktp.pekerjaan": "Occupation", "ktp.wn": "Citizenship", "ktp.foto": "Photo of the card holder",
      "ktp.provinsi": "PROVINCE OF {0}", "ktp.L": "MALE", "ktp.P": "FEMALE", "ktp.berlaku": "Digital ID · valid until {0}",
      "qr.profil": "Show", "qr.dasar": "Basic data", "qr.usia": "Age only (17+/21+)", "qr.foto": "Basic data with photo",
      "qr.alt": "Digital ID QR code for the verifier to scan", "qr.catatan": "This phone signs the QR anew every 90 seconds; screenshots stop working.",
      "qr.tantangan": "Challenge from the verifier (if asked)", "qr.pakai": "Use", "qr.pindai": "Scan",
      "qr.hitung": "New QR in {0} seconds", "qr.dengantantangan": "with challenge {0}",
      "kk.judul": "Family card (KK)", "kk.nomor": "KK number", "kk.nama": "Name", "kk.hubungan": "Relationship", "kk.lahir": "Date of birth", "kk.anda": "(you)",
      "riwayat.judul": "History", "riwayat.intro": "Who checked or opened your data: institution, officer, office, purpose and time.",
      "riwayat.muat": "Reload", "riwayat.waktu": "Updated {0}", "riwayat.kosong": "Nothing recorded yet.", "riwayat.luring": "No network: showing the last history saved.",
      "riwayat.oleh.lembaga": "Institution", "riwayat.oleh.petugas": "Officer", "riwayat.oleh.sistem": "System", "riwayat.oleh.dompet": "Your wallet", "riwayat.oleh.penduduk": "You",
      "riwayat.tujuan": "Purpose: {0}",
      "permohonan.judul": "Your requests", "permohonan.kosong": "No requests.", "permohonan.batas": "deadline {0}",
      "riwayat.pemeriksaan": "Checks and reads of your data",
      "data.judul": "My data", "data.intro": "Download everything Dukcapil holds about you (your access right under the Personal Data Protection Law): ID data, family card, e-KTP cards, digital ID and the history of checks.",
      "data.unduh": "Download my data", "data.siap": "Your data is ready: data-saya-ikd.json", "data.kunci": "Locking the wallet closes it until the PIN is entered again.", "data.kuncibtn": "Lock the wallet",
      "prog.tawaran": "Reading the offer…", "prog.token": "Checking the code…", "prog.kunci": "Making the device key…", "prog.kredensial": "Receiving the digital ID ({0} of {1})…", "prog.data": "Fetching your data…",
      "err.tautan": "This is not a digital ID activation link or QR code.", "err.asal": "This offer is from another issuer ({0}); this wallet only takes digital IDs from {1}.",
      "err.kamera": "The camera cannot be opened: {0}. Paste the activation link instead.", "err.jaringan": "No network. Activation needs the internet; try again.",
      "err.pinbeda": "The two PINs differ.", "err.pinformat": "The PIN must be 6 digits.", "err.pinsalah": "Wrong PIN. {0} more tries before the wallet locks.",
      "err.server": "The server refused: {0}", "err.ikdtidak": "The digital ID on this phone is no longer active: {0}",
      "err.aman": "This wallet needs a secure connection (https://): without it the browser gives no device key and no camera. Open Dukcapil's https address.",
      "info.aktif": "The digital ID is active on this phone.", "info.terbitulang": "Your digital ID was re-issued with your latest data; earlier QR codes are no longer valid.", "info.luring": "No network: the digital ID and its QR keep working.",
      "status.valid": "Active", "status.suspended": "Suspended", "status.revoked": "Revoked", "status.none": "Not active",
    },
  };

  const SCREENS = ["layar-mulai", "layar-kode", "layar-pin-baru", "layar-pin", "layar-terkunci", "dompet"];
  let offer = null;   // the offer being redeemed
  let wallet = null;  // {key, jwk, issuer, sdjwt, qr: {profile: Uint8Array}, claims, expiry, data} once open
  let vault = null;   // the AES-GCM key the PIN derives, while the wallet is open
  let timer = null;
  let nonce = "";

  function show(id) {
    for (const s of SCREENS) $(s).hidden = s !== id;
  }

  function say(el, text) {
    $(el).textContent = text || "";
    $(el).hidden = !text;
  }

  function error(text) { say("info", ""); say("pesan", text); }
  function info(text) { say("pesan", ""); say("info", text); }

  // ---- activation -------------------------------------------------------

  // parseOffer reads an openid-credential-offer:// URI (from the QR code
  // or a link, or a /dompet/#tawaran= link) into the offer's URL.
  function parseOffer(text) {
    text = text.trim();
    if (text.startsWith(location.origin + "/dompet/")) {
      text = decodeURIComponent(new URL(text).hash.replace(/^#tawaran=/, ""));
    }
    if (!text.startsWith("openid-credential-offer://")) throw new Error(A.t("err.tautan"));
    const q = new URLSearchParams(text.slice(text.indexOf("?") + 1));
    const uri = q.get("credential_offer_uri");
    if (!uri) throw new Error(A.t("err.tautan"));
    const u = new URL(uri);
    if (u.origin !== location.origin) throw new Error(A.t("err.asal", u.origin, location.origin));
    return u.href;
  }

  async function json(res) {
    let body = {};
    try { body = await res.json(); } catch (e) { /* not JSON */ }
    if (!res.ok) {
      const e = new Error(body.error_description || body.error || res.statusText);
      e.code = body.error;
      e.status = res.status;
      throw e;
    }
    return body;
  }

  function post(url, body, headers) {
    return fetch(url, { method: "POST", body, headers: Object.assign({ "Accept-Language": A.lang() }, headers || {}) }).then(json);
  }

  async function startOffer(text) {
    try {
      const url = parseOffer(text);
      offer = await fetch(url, { headers: { "Accept-Language": A.lang() } }).then(json);
      say("pesan", "");
      show("layar-kode");
      $("kode").focus();
    } catch (e) {
      error(e instanceof TypeError ? A.t("err.jaringan") : e.message);
    }
  }

  // sign makes a compact JWS (ES256) with the device key.
  async function sign(key, header, payload) {
    const enc = (o) => A.b64u(new TextEncoder().encode(JSON.stringify(o)));
    const input = enc(header) + "." + enc(payload);
    const sig = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key.privateKey, new TextEncoder().encode(input));
    return input + "." + A.b64u(sig);
  }

  async function publicJWK(key) {
    const j = await crypto.subtle.exportKey("jwk", key.publicKey);
    return { kty: j.kty, crv: j.crv, x: j.x, y: j.y };
  }

  // redeem runs OpenID4VCI: metadata, token, then one credential request
  // per configuration, each with a fresh nonce and a key proof.
  async function redeem(code) {
    const progress = (k, ...a) => { $("kemajuan").textContent = A.t(k, ...a); };
    progress("prog.token");
    const iss = offer.credential_issuer;
    const meta = await fetch(iss + "/.well-known/openid-credential-issuer").then(json);
    const as = await fetch(iss + "/.well-known/oauth-authorization-server").then(json);
    const grant = offer.grants["urn:ietf:params:oauth:grant-type:pre-authorized_code"];
    const form = new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:pre-authorized_code",
      "pre-authorized_code": grant["pre-authorized_code"], tx_code: code });
    const tok = await post(as.token_endpoint, form, { "Content-Type": "application/x-www-form-urlencoded" });
    progress("prog.kunci");
    const key = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
    const jwk = await publicJWK(key);
    const creds = {};
    const ids = offer.credential_configuration_ids;
    for (let i = 0; i < ids.length; i++) {
      progress("prog.kredensial", i + 1, ids.length);
      const { c_nonce } = await post(meta.nonce_endpoint);
      const proof = await sign(key, { alg: "ES256", typ: "openid4vci-proof+jwt", jwk },
        { aud: iss, iat: Math.floor(Date.now() / 1000), nonce: c_nonce });
      const res = await post(meta.credential_endpoint,
        JSON.stringify({ credential_configuration_id: ids[i], proofs: { jwt: [proof] } }),
        { "Content-Type": "application/json", Authorization: "Bearer " + tok.access_token });
      creds[ids[i]] = res.credentials[0].credential;
    }
    return { key, jwk, issuer: iss, creds };
  }

  // claimsOf reads the disclosed claims of the SD-JWT VC (every
  // disclosure, nested address members included) and its expiry.
  function claimsOf(sdjwt) {
    const parts = sdjwt.split("~");
    const payload = JSON.parse(new TextDecoder().decode(A.unb64u(parts[0].split(".")[1])));
    const claims = {};
    for (const d of parts.slice(1)) {
      if (!d) continue;
      const arr = JSON.parse(new TextDecoder().decode(A.unb64u(d)));
      if (arr.length === 3 && typeof arr[2] !== "object") claims[arr[1]] = arr[2];
    }
    return { claims, expiry: payload.exp * 1000 };
  }

  async function activate(code) {
    const got = await redeem(code);
    const qr = {};
    for (const [id, c] of Object.entries(got.creds)) {
      if (id.startsWith("ktp_qr_")) qr[id.slice(7)] = A.unb64u(c);
    }
    const sd = Object.entries(got.creds).find(([id]) => !id.startsWith("ktp_qr_"));
    const { claims, expiry } = claimsOf(sd[1]);
    await db.set("perangkat", { key: got.key, jwk: got.jwk });
    wallet = { key: got.key, jwk: got.jwk, issuer: got.issuer, sdjwt: sd[1], qr, claims, expiry };
    await db.set("baru", contents()); // until the PIN seals it
    await db.set("percobaan", 0);
    $("kemajuan").textContent = A.t("prog.data");
    await refreshData().catch(() => {}); // shown again when the wallet opens online
    show("layar-pin-baru");
    $("pin1").focus();
  }

  // ---- PIN and the sealed store ------------------------------------------
  //
  // The credentials and the record are kept in IndexedDB encrypted
  // (AES-GCM) under a key derived from the PIN (PBKDF2-SHA256): a copy of
  // the browser's storage shows nothing without the PIN. A wrong PIN fails
  // to decrypt; the third wrong one erases the wallet. The device key
  // itself is a non-extractable CryptoKey, kept beside it.

  // contents is what the vault holds, JSON-ready.
  function contents() {
    const qr = {};
    for (const [p, b] of Object.entries(wallet.qr)) qr[p] = A.b64u(b);
    return { issuer: wallet.issuer, sdjwt: wallet.sdjwt, qr, claims: wallet.claims, expiry: wallet.expiry, data: wallet.data || null };
  }

  // opened makes the wallet from the device key and the vault's contents.
  function opened(dev, c) {
    const qr = {};
    for (const [p, b] of Object.entries(c.qr)) qr[p] = A.unb64u(b);
    return { key: dev.key, jwk: dev.jwk, issuer: c.issuer, sdjwt: c.sdjwt, qr, claims: c.claims, expiry: c.expiry, data: c.data };
  }

  async function vaultKey(pin, salt) {
    const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(pin), "PBKDF2", false, ["deriveKey"]);
    return crypto.subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt, iterations: PIN_ITERATIONS },
      base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  }

  // seal writes the wallet's contents to the vault under the open key.
  async function seal(salt) {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, vault, new TextEncoder().encode(JSON.stringify(contents())));
    salt = salt || (await db.get("brankas")).salt;
    await db.set("brankas", { salt, iv, ct });
  }

  async function setPIN(pin) {
    const salt = crypto.getRandomValues(new Uint8Array(16));
    vault = await vaultKey(pin, salt);
    await seal(salt);
    await db.del("baru");
    await db.set("percobaan", 0);
  }

  // checkPIN opens the wallet, or counts a wrong try and erases the
  // wallet at the third.
  async function checkPIN(pin) {
    const box = await db.get("brankas");
    const key = await vaultKey(pin, box.salt);
    try {
      const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: box.iv }, key, box.ct);
      wallet = opened(await db.get("perangkat"), JSON.parse(new TextDecoder().decode(plain)));
      vault = key;
      await db.set("percobaan", 0);
      return true;
    } catch (e) {
      if (e.name !== "OperationError") throw e;
    }
    const tries = ((await db.get("percobaan")) || 0) + 1;
    if (tries >= MAX_TRIES) {
      await db.clear();
      await db.set("terkunci", true);
      return false;
    }
    await db.set("percobaan", tries);
    return false;
  }

  // ---- the card and its QR ---------------------------------------------

  const up = (s) => String(s || "").toUpperCase();

  function tanggal(iso) {
    const d = new Date(iso.length === 10 ? iso + "T00:00:00Z" : iso);
    return d.toLocaleDateString(A.lang() === "en" ? "en-GB" : "id-ID", { day: "numeric", month: "long", year: "numeric", timeZone: "Asia/Jakarta" });
  }

  function drawCard() {
    const c = wallet.claims;
    $("ktp-provinsi").textContent = A.t("ktp.provinsi", up(c.provinsi));
    $("ktp-kabkota").textContent = up(c.kab_kota);
    $("ktp-nik").textContent = c.nik;
    $("ktp-nama").textContent = up(c.nama);
    $("ktp-ttl").textContent = up(c.tempat_lahir) + ", " + c.tanggal_lahir.split("-").reverse().join("-");
    $("ktp-jk").textContent = A.t("ktp." + c.jenis_kelamin);
    $("ktp-alamat").textContent = [up(c.jalan), c.rt_rw ? "RT/RW " + c.rt_rw : "", up(c.kel_desa), up(c.kecamatan)].filter(Boolean).join(", ");
    $("ktp-agama").textContent = up(c.agama);
    $("ktp-kawin").textContent = up(c.status_perkawinan);
    $("ktp-pekerjaan").textContent = up(c.pekerjaan);
    $("ktp-wn").textContent = up(c.kewarganegaraan);
    $("ktp-status").textContent = A.t("ktp.berlaku", tanggal(new Date(wallet.expiry).toISOString()));
    if (wallet.data && wallet.data.foto) {
      $("ktp-foto").src = wallet.data.foto;
      $("ktp-foto").hidden = false;
    }
  }

  function profile() {
    return document.querySelector("input[name=profil]:checked").value;
  }

  // present signs the chosen profile's issuer CWT with the device key at
  // the current time (and the verifier's nonce): qrcred.Present.
  async function present() {
    const prot = A.cbor(new Map([[1, -7]])); // {alg: ES256}
    const claims = new Map([[1, wallet.qr[profile()]], [2, Math.floor(Date.now() / 1000)]]);
    if (nonce) claims.set(3, new TextEncoder().encode(nonce));
    const payload = A.cbor(claims);
    const tbs = A.cbor(["Signature1", prot, new Uint8Array(0), payload]);
    const sig = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, wallet.key.privateKey, tbs));
    return "IKD1:" + A.base45(A.cbor({ tag: 18, value: [prot, new Map(), payload, sig] }));
  }

  async function drawQR() {
    const text = await present();
    const qr = qrcode(0, "L");
    qr.addData(text, "Alphanumeric");
    qr.make();
    const img = $("qr");
    img.src = qr.createDataURL(4, 4);
    img.dataset.text = text; // for tests and for copying
    img.dataset.signedAt = String(Date.now());
  }

  function countdown() {
    clearInterval(timer);
    let left = QR_EVERY;
    const tick = async () => {
      if (left <= 0) {
        left = QR_EVERY;
        await drawQR();
      }
      $("hitung").textContent = A.t("qr.hitung", left) + (nonce ? " · " + A.t("qr.dengantantangan", nonce) : "");
      left--;
    };
    drawQR().then(tick);
    timer = setInterval(tick, 1000);
  }

  // ---- the record: KK, history, my data --------------------------------

  // signedRequest fetches the wallet's data with a request signed by the
  // device key over a fresh nonce (dompet.DataPath on the server).
  async function fetchData() {
    const { c_nonce } = await post(wallet.issuer + "/oid4vci/nonce");
    const url = wallet.issuer + "/dompet/api/data";
    const jwt = await sign(wallet.key, { alg: "ES256", typ: "ikd-dompet+jwt", jwk: wallet.jwk },
      { aud: url, iat: Math.floor(Date.now() / 1000), nonce: c_nonce });
    return post(url, undefined, { Authorization: "IKD-Device " + jwt });
  }

  async function refreshData() {
    const data = await fetchData();
    const renewed = takeReissued(data);
    wallet.data = data;
    if (vault) await seal();
    else await db.set("baru", contents());
    if (renewed && vault) {
      info(A.t("info.terbitulang"));
      await drawQR();
    }
    return data;
  }

  // takeReissued keeps the credentials the issuer re-issued to this device
  // after a photo or data change (data.kredensial, by configuration ID) in
  // place of the wallet's, which are revoked; it reports whether any was
  // new.
  function takeReissued(data) {
    const got = data.kredensial || {};
    delete data.kredensial;
    let renewed = false;
    for (const [id, c] of Object.entries(got)) {
      if (id.startsWith("ktp_qr_")) {
        const p = id.slice(7);
        if (wallet.qr[p] && A.b64u(wallet.qr[p]) === c) continue;
        wallet.qr[p] = A.unb64u(c);
      } else {
        if (c === wallet.sdjwt) continue;
        wallet.sdjwt = c;
        Object.assign(wallet, claimsOf(c));
      }
      renewed = true;
    }
    return renewed;
  }

  function drawFamily() {
    const d = wallet.data;
    const body = $("kk-anggota").tBodies[0];
    body.replaceChildren();
    if (!d) return;
    $("kk-nomor").textContent = d.kartu_keluarga.no_kk;
    for (const m of d.kartu_keluarga.anggota) {
      const tr = body.insertRow();
      tr.insertCell().textContent = m.nama + (m.anda ? " " + A.t("kk.anda") : "");
      tr.insertCell().textContent = m.hubungan.replace(/_/g, " ");
      tr.insertCell().textContent = tanggal(m.tanggal_lahir);
    }
  }

  function drawHistory(offline) {
    const d = wallet.data;
    const list = $("riwayat");
    list.replaceChildren();
    if (!d) return;
    $("riwayat-waktu").textContent = (offline ? A.t("riwayat.luring") + " " : "") +
      A.t("riwayat.waktu", new Date(d.dibuat_pada).toLocaleString(A.lang() === "en" ? "en-GB" : "id-ID", { timeZone: "Asia/Jakarta" }));
    const reqs = $("permohonan");
    reqs.replaceChildren();
    for (const r of d.permohonan || []) {
      const li = document.createElement("li");
      const what = document.createElement("strong");
      what.textContent = r.nomor + " · " + (r.jenis[A.lang()] || "");
      const state = document.createElement("span");
      state.textContent = (r.status[A.lang()] || "") + " · " + A.t("permohonan.batas", tanggal(r.batas));
      li.append(what, state);
      reqs.append(li);
    }
    if (!reqs.children.length) reqs.append(Object.assign(document.createElement("li"), { textContent: A.t("permohonan.kosong") }));
    const events = d.riwayat.filter((e) => e.jenis !== "penduduk");
    if (!events.length) {
      list.append(Object.assign(document.createElement("li"), { textContent: A.t("riwayat.kosong") }));
    }
    for (const e of events) {
      const li = document.createElement("li");
      li.dataset.jenis = e.jenis;
      const what = document.createElement("strong");
      what.textContent = (e.teks[A.lang()] || e.tindakan) + (e.kali > 1 ? " ×" + e.kali : "");
      const who = document.createElement("span");
      who.textContent = A.t("riwayat.oleh." + e.jenis) + (e.oleh ? ": " + e.oleh : "") + (e.kantor ? " · " + e.kantor : "");
      const when = document.createElement("time");
      when.dateTime = e.waktu;
      when.textContent = new Date(e.waktu).toLocaleString(A.lang() === "en" ? "en-GB" : "id-ID", { timeZone: "Asia/Jakarta", dateStyle: "medium", timeStyle: "short" });
      li.append(what, who);
      if (e.tujuan && e.tujuan[A.lang()]) {
        li.append(Object.assign(document.createElement("span"), { textContent: A.t("riwayat.tujuan", e.tujuan[A.lang()]) }));
      }
      li.append(when);
      list.append(li);
    }
  }

  async function loadHistory() {
    try {
      await refreshData();
      drawHistory(false);
      drawFamily();
      say("pesan", "");
      say("info", "");
    } catch (e) {
      if (e instanceof TypeError) { drawHistory(true); return; }
      error(e.status === 401 ? A.t("err.ikdtidak", e.message) : A.t("err.server", e.message));
    }
  }

  async function download() {
    const data = await refreshData();
    const a = $("unduh-tautan");
    a.href = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
    a.hidden = false;
    a.textContent = A.t("data.siap");
    a.click();
  }

  // ---- screens ----------------------------------------------------------

  function tab(name) {
    for (const b of document.querySelectorAll(".tab")) {
      if (b.dataset.tab === name) b.setAttribute("aria-current", "page");
      else b.removeAttribute("aria-current");
    }
    for (const s of ["kartu", "keluarga", "riwayat", "data"]) $("tab-" + s).hidden = s !== name;
    if (name === "keluarga") drawFamily();
    if (name === "riwayat") loadHistory();
  }

  async function open() {
    show("dompet");
    drawCard();
    countdown();
    tab("kartu");
    if (!navigator.onLine) return info(A.t("info.luring"));
    refreshData().then(drawCard).catch((e) => {
      if (e instanceof TypeError) info(A.t("info.luring")); // no network, or the server is out of reach
      else if (e.status === 401) error(A.t("err.ikdtidak", e.message));
    });
  }

  function lock() {
    clearInterval(timer);
    wallet = vault = null;
    $("qr").removeAttribute("src");
    show("layar-pin");
    $("pin").value = "";
    $("pin").focus();
  }

  async function boot() {
    if (!window.isSecureContext || !window.crypto || !crypto.subtle) {
      show("layar-mulai");
      return error(A.t("err.aman"));
    }
    if (await db.get("terkunci")) return show("layar-terkunci");
    if (await db.get("brankas")) return show("layar-pin");
    const pending = await db.get("baru");
    if (pending) {
      wallet = opened(await db.get("perangkat"), pending);
      return show("layar-pin-baru");
    }
    show("layar-mulai");
    const m = location.hash.match(/^#tawaran=(.+)$/);
    if (m) {
      $("tautan").value = decodeURIComponent(m[1]);
      startOffer($("tautan").value);
    }
  }

  function wire() {
    const scanner = new A.Scanner($("kamera"));
    $("pindai-tawaran").addEventListener("click", () => {
      scanner.start(startOffer).catch((e) => error(A.t("err.kamera", e.message)));
    });
    $("form-tautan").addEventListener("submit", (ev) => { ev.preventDefault(); startOffer($("tautan").value); });
    $("form-kode").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      $("aktifkan").disabled = true;
      try {
        await activate($("kode").value.trim());
        info(A.t("info.aktif"));
      } catch (e) {
        $("kemajuan").textContent = "";
        error(e instanceof TypeError ? A.t("err.jaringan") : A.t("err.server", e.message));
      } finally {
        $("aktifkan").disabled = false;
      }
    });
    $("form-pin-baru").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const a = $("pin1").value, b = $("pin2").value;
      if (!/^\d{6}$/.test(a)) return error(A.t("err.pinformat"));
      if (a !== b) return error(A.t("err.pinbeda"));
      await setPIN(a);
      say("pesan", "");
      open();
    });
    $("form-pin").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const pin = $("pin").value;
      $("pin").value = "";
      if (!/^\d{6}$/.test(pin)) return error(A.t("err.pinformat"));
      if (await checkPIN(pin)) {
        say("pesan", "");
        $("sisa").textContent = "";
        return open();
      }
      if (await db.get("terkunci")) {
        error("");
        say("pesan", "");
        return show("layar-terkunci");
      }
      error(A.t("err.pinsalah", MAX_TRIES - (await db.get("percobaan"))));
    });
    $("mulai-lagi").addEventListener("click", async () => {
      await db.clear();
      show("layar-mulai");
    });
    for (const b of document.querySelectorAll(".tab")) b.addEventListener("click", () => tab(b.dataset.tab));
    for (const r of document.querySelectorAll("input[name=profil]")) r.addEventListener("change", countdown);
    $("form-tantangan").addEventListener("submit", (ev) => {
      ev.preventDefault();
      nonce = $("tantangan").value.trim();
      countdown();
    });
    const nonceScanner = new A.Scanner($("kamera-tantangan"));
    $("pindai-tantangan").addEventListener("click", () => {
      nonceScanner.start((text) => { $("tantangan").value = text.trim(); nonce = text.trim(); countdown(); })
        .catch((e) => error(A.t("err.kamera", e.message)));
    });
    $("muat-riwayat").addEventListener("click", loadHistory);
    $("unduh").addEventListener("click", () => download().catch((e) => error(A.t("err.server", e.message))));
    $("kunci").addEventListener("click", lock);
    window.addEventListener("offline", () => info(A.t("info.luring")));
    window.addEventListener("online", () => say("info", ""));
  }

  document.addEventListener("DOMContentLoaded", () => {
    A.texts(TEXTS, () => { if (wallet) { drawCard(); drawFamily(); drawHistory(!navigator.onLine); } });
    A.worker("/dompet/sw.js");
    wire();
    boot();
  });
})();
