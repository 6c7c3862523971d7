// verifikasi.js: the public verifier page. It reads a KTP digital QR code
// (camera, image or pasted text) and checks it in the page with ikd's one
// verifier compiled to WebAssembly (/static/verify/loader.js), against the
// trust list (keys and status lists) it fetched and keeps in IndexedDB, so
// it verifies with no network after one visit. Past the trust list's
// valid_until it answers stale, never a silent valid.
(function () {
  "use strict";
  const A = window.ikdApp;
  const db = A.store("ikd-verifikasi");
  const $ = (id) => document.getElementById(id);
  const TRUST_URL = "/.well-known/ikd-trust-list";

  const TEXTS = {
    id: {
      "judul": "Periksa KTP Digital",
      "periksa.judul": "Pindai QR KTP digital", "periksa.intro": "Minta pemilik membuka Dompet KTP Digital dan menunjukkan kode QR-nya, atau menunjukkan kartu cetaknya. Pemeriksaan berjalan di ponsel ini, juga tanpa jaringan.",
      "periksa.kamera": "Pindai dengan kamera", "periksa.henti": "Hentikan kamera", "periksa.gambar": "Atau pilih gambar kode QR",
      "periksa.teks": "Atau tempel isi kode QR (IKD1:…)", "periksa.tombol": "Periksa",
      "tantangan.judul": "Tantangan (disarankan)", "tantangan.intro": "Tantangan memastikan QR dibuat sekarang di ponsel pemiliknya, bukan rekaman. Tunjukkan kode ini; pemilik memasukkannya di dompet, lalu pindai QR barunya.",
      "tantangan.buat": "Buat tantangan", "tantangan.hapus": "Tanpa tantangan", "tantangan.alt": "Kode QR tantangan untuk dompet",
      "percaya.judul": "Data kepercayaan", "percaya.perbarui": "Perbarui sekarang",
      "percaya.umur": "Kunci penerbit dan daftar status diperbarui {0} (berlaku sampai {1}).", "percaya.belum": "Belum ada data kepercayaan: sambungkan ke internet sekali untuk mengunduhnya.",
      "percaya.basi": "Data kepercayaan kedaluwarsa sejak {0}: sambungkan ke internet dan perbarui. Tanpa itu tidak ada KTP digital yang dinyatakan sah.",
      "percaya.gagal": "Tidak dapat memperbarui (tanpa jaringan?); memakai data tersimpan.",
      "hasil.sah": "SAH", "hasil.tidak": "TIDAK SAH", "hasil.basi": "PERLU DIPERBARUI",
      "hasil.sahalasan": "Ditandatangani Dukcapil, dari ponsel pemiliknya, tidak dicabut.",
      "hasil.sahcetak": "SAH — kartu cetak: cocokkan wajah", "hasil.cetakalasan": "Ditandatangani Dukcapil, tidak dicabut. Ini kartu cetak tanpa ponsel: hanya wajah yang membuktikan pemegangnya.",
      "hasil.cetakwajah": "Kartu cetak: pastikan wajah ini sama dengan orang di depan Anda.", "hasil.cetaktidak": "Kartu cetak (tanpa ponsel).",
      "hasil.metacetak": "Profil {0} · kartu cetak, tanpa tanda tangan ponsel · diperiksa dalam {1} ms",
      "hasil.wajah": "Foto pemilik KTP digital", "hasil.wajahcatatan": "Cocokkan wajah ini dengan orang di depan Anda.", "hasil.lagi": "Periksa yang lain",
      "hasil.meta": "Profil {0} · ditandatangani ponsel {1} · diperiksa dalam {2} ms",
      "hasil.tanpagambar": "Tidak ada kode QR yang terbaca di gambar ini.",
      "klaim.nama": "Nama", "klaim.nik": "NIK", "klaim.tanggal_lahir": "Tanggal lahir", "klaim.jenis_kelamin": "Jenis kelamin",
      "klaim.age_over_17": "Berusia 17 tahun ke atas", "klaim.age_over_21": "Berusia 21 tahun ke atas", "ya": "Ya", "tidak": "Tidak",
      "L": "Laki-laki", "P": "Perempuan",
      "err.kamera": "Kamera tidak dapat dibuka: {0}. Pilih gambar atau tempel teksnya.", "err.wasm": "Pemeriksa tidak dapat dimuat: {0}",
      "lalu.detik": "baru saja", "lalu.menit": "{0} menit lalu", "lalu.jam": "{0} jam lalu", "lalu.hari": "{0} hari lalu",
    },
    en: {
      "judul": "Verify a Digital ID",
      "periksa.judul": "Scan the digital ID QR", "periksa.intro": "Ask the holder to open their Digital ID Wallet and show its QR code, or to show their printed card. The check runs on this phone, with no network too.",
      "periksa.kamera": "Scan with the camera", "periksa.henti": "Stop the camera", "periksa.gambar": "Or pick an image of the QR code",
      "periksa.teks": "Or paste the QR code's text (IKD1:…)", "periksa.tombol": "Verify",
      "tantangan.judul": "Challenge (recommended)", "tantangan.intro": "A challenge proves the QR was made just now on its holder's phone, not recorded. Show this code; the holder enters it in the wallet, then scan the new QR.",
      "tantangan.buat": "Make a challenge", "tantangan.hapus": "No challenge", "tantangan.alt": "Challenge QR code for the wallet",
      "percaya.judul": "Trust data", "percaya.perbarui": "Update now",
      "percaya.umur": "Issuer keys and status lists updated {0} (valid until {1}).", "percaya.belum": "No trust data yet: connect to the internet once to download it.",
      "percaya.basi": "The trust data expired {0}: connect to the internet and update. Until then no digital ID is declared valid.",
      "percaya.gagal": "Cannot update (no network?); using the saved data.",
      "hasil.sah": "VALID", "hasil.tidak": "NOT VALID", "hasil.basi": "UPDATE NEEDED",
      "hasil.sahalasan": "Signed by Dukcapil, from its holder's phone, not revoked.",
      "hasil.sahcetak": "VALID — printed card: compare the face", "hasil.cetakalasan": "Signed by Dukcapil, not revoked. This is a printed card with no phone: only the face proves its holder.",
      "hasil.cetakwajah": "Printed card: make sure this face is the person in front of you.", "hasil.cetaktidak": "Printed card (no phone).",
      "hasil.metacetak": "Profile {0} · printed card, no phone signature · checked in {1} ms",
      "hasil.wajah": "Photo of the digital ID's holder", "hasil.wajahcatatan": "Compare this face with the person in front of you.", "hasil.lagi": "Verify another",
      "hasil.meta": "Profile {0} · signed by the phone {1} · checked in {2} ms",
      "hasil.tanpagambar": "No QR code could be read in this image.",
      "klaim.nama": "Name", "klaim.nik": "NIK", "klaim.tanggal_lahir": "Date of birth", "klaim.jenis_kelamin": "Sex",
      "klaim.age_over_17": "Aged 17 or over", "klaim.age_over_21": "Aged 21 or over", "ya": "Yes", "tidak": "No",
      "L": "Male", "P": "Female",
      "err.kamera": "The camera cannot be opened: {0}. Pick an image or paste the text.", "err.wasm": "The verifier cannot be loaded: {0}",
      "lalu.detik": "just now", "lalu.menit": "{0} minutes ago", "lalu.jam": "{0} hours ago", "lalu.hari": "{0} days ago",
    },
  };

  let trust = null; // {jws, iat, validUntil} (milliseconds)
  let nonce = "";
  let last = null;  // the last result, redrawn on a language switch

  function ago(ms) {
    const s = Math.max(0, (Date.now() - ms) / 1000);
    if (s < 60) return A.t("lalu.detik");
    if (s < 3600) return A.t("lalu.menit", Math.floor(s / 60));
    if (s < 86400) return A.t("lalu.jam", Math.floor(s / 3600));
    return A.t("lalu.hari", Math.floor(s / 86400));
  }

  function when(ms) {
    return new Date(ms).toLocaleString(A.lang() === "en" ? "en-GB" : "id-ID", { timeZone: "Asia/Jakarta", dateStyle: "medium", timeStyle: "short" });
  }

  function error(text) {
    $("pesan").textContent = text || "";
    $("pesan").hidden = !text;
  }

  // parseTrust reads the times of a trust list JWS (the verifier checks
  // its signature; this is only for the page to say how old it is).
  function parseTrust(jws) {
    const p = JSON.parse(new TextDecoder().decode(A.unb64u(jws.split(".")[1])));
    return { jws, iat: p.iat * 1000, validUntil: p.valid_until * 1000 };
  }

  function drawTrust() {
    const el = $("percaya");
    if (!trust) { el.textContent = A.t("percaya.belum"); return; }
    el.textContent = Date.now() > trust.validUntil
      ? A.t("percaya.basi", ago(trust.validUntil))
      : A.t("percaya.umur", ago(trust.iat), when(trust.validUntil));
  }

  // refresh fetches the trust list anew; with no network it keeps the one saved.
  async function refresh() {
    try {
      const res = await fetch(TRUST_URL, { cache: "no-cache" });
      if (!res.ok) throw new Error(res.statusText);
      const got = parseTrust(await res.text());
      // An older list than the one kept would hide later revocations.
      if (!trust || got.iat >= trust.iat) {
        trust = got;
        await db.set("percaya", trust);
      }
    } catch (e) {
      if (trust) error(A.t("percaya.gagal"));
    }
    drawTrust();
  }

  function claimText(k, v) {
    if (typeof v === "boolean") return A.t(v ? "ya" : "tidak");
    if (k === "jenis_kelamin") return A.t(v);
    if (k === "tanggal_lahir") return new Date(v + "T00:00:00Z").toLocaleDateString(A.lang() === "en" ? "en-GB" : "id-ID", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
    return String(v);
  }

  function draw(r, ms) {
    last = { r, ms };
    const box = $("putusan");
    const stale = r.reason === "trust_list_stale";
    // A printed card (assisted mode) has no phone signature: it says so,
    // valid or not, and the face is the only proof of its holder.
    const printed = !!r.printed;
    box.className = "putusan " + (r.valid ? "sah" : stale ? "basi" : "tidak") + (printed ? " cetak" : "");
    box.dataset.reason = r.reason || "valid";
    box.dataset.printed = printed ? "1" : "";
    $("putusan-judul").textContent = A.t(r.valid ? (printed ? "hasil.sahcetak" : "hasil.sah") : stale ? "hasil.basi" : "hasil.tidak");
    $("putusan-alasan").textContent = r.valid ? A.t(printed ? "hasil.cetakalasan" : "hasil.sahalasan")
      : (A.lang() === "en" ? r.message_en : r.message_id) + (printed ? " " + A.t("hasil.cetaktidak") : "");
    const dl = $("data");
    dl.replaceChildren();
    const claims = r.claims || {};
    for (const k of ["nama", "nik", "tanggal_lahir", "jenis_kelamin", "age_over_17", "age_over_21"]) {
      if (!(k in claims)) continue;
      const dt = document.createElement("dt");
      dt.textContent = A.t("klaim." + k);
      const dd = document.createElement("dd");
      dd.textContent = claimText(k, claims[k]);
      dd.dataset.claim = k;
      dl.append(dt, dd);
    }
    dl.hidden = !dl.children.length;
    const face = r.valid && typeof claims.foto === "string" && claims.foto.startsWith("data:image/");
    $("wajah").hidden = $("wajah-catatan").hidden = !face;
    $("wajah-catatan").textContent = A.t(printed ? "hasil.cetakwajah" : "hasil.wajahcatatan");
    if (face) $("wajah").src = claims.foto;
    else $("wajah").removeAttribute("src");
    $("hasil-meta").textContent = !r.format ? "" : printed ? A.t("hasil.metacetak", r.profile, ms.toFixed(0))
      : A.t("hasil.meta", r.profile || r.format, r.signed_at ? when(Date.parse(r.signed_at)) : "–", ms.toFixed(0));
    $("hasil").dataset.ms = ms.toFixed(1);
    $("hasil").hidden = false;
    $("hasil").scrollIntoView();
  }

  // check verifies a decoded QR text and shows the answer; the time from
  // the text to the answer on screen is measured.
  async function check(text) {
    error("");
    $("hasil").hidden = true; // never the last person's answer for this one
    last = null;
    const t0 = performance.now();
    let r;
    try {
      r = await window.ikd.verify(text.trim(), trust ? trust.jws : "", nonce, Date.now());
    } catch (e) {
      error(A.t("err.wasm", e.message));
      return;
    }
    draw(r, performance.now() - t0);
    drawTrust();
  }

  function makeNonce() {
    const abc = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    const b = crypto.getRandomValues(new Uint8Array(8));
    nonce = Array.from(b, (x) => abc[x % abc.length]).join("");
    $("tantangan").textContent = nonce;
    const qr = qrcode(0, "M");
    qr.addData(nonce, "Alphanumeric");
    qr.make();
    $("tantangan-qr").src = qr.createDataURL(6, 4);
    $("tantangan").hidden = $("tantangan-qr").hidden = $("tantangan-hapus").hidden = false;
  }

  function clearNonce() {
    nonce = "";
    $("tantangan").hidden = $("tantangan-qr").hidden = $("tantangan-hapus").hidden = true;
  }

  function wire() {
    const scanner = new A.Scanner($("kamera"));
    const stopped = () => { $("kamera-henti").hidden = true; $("kamera-mulai").hidden = false; };
    $("kamera-mulai").addEventListener("click", () => {
      $("kamera-mulai").hidden = true;
      $("kamera-henti").hidden = false;
      scanner.start((text) => { stopped(); check(text); })
        .catch((e) => { stopped(); error(A.t("err.kamera", e.message)); });
    });
    $("kamera-henti").addEventListener("click", () => { scanner.stop(); stopped(); });
    $("gambar").addEventListener("change", async () => {
      const f = $("gambar").files[0];
      if (!f) return;
      const text = await scanner.fromFile(f).catch(() => null);
      $("gambar").value = "";
      if (text === null) error(A.t("hasil.tanpagambar"));
      else check(text);
    });
    $("form-teks").addEventListener("submit", (ev) => { ev.preventDefault(); check($("teks").value); });
    $("lagi").addEventListener("click", () => { $("hasil").hidden = true; $("teks").value = ""; window.scrollTo(0, 0); });
    $("tantangan-buat").addEventListener("click", makeNonce);
    $("tantangan-hapus").addEventListener("click", clearNonce);
    $("perbarui").addEventListener("click", () => { error(""); refresh(); });
    window.addEventListener("online", refresh);
  }

  document.addEventListener("DOMContentLoaded", async () => {
    A.texts(TEXTS, () => { drawTrust(); if (last) draw(last.r, last.ms); });
    A.worker("/verifikasi/sw.js");
    wire();
    trust = (await db.get("percaya")) || null;
    drawTrust();
    window.ikd.load().catch((e) => error(A.t("err.wasm", e.message)));
    if (navigator.onLine) await refresh();
    setInterval(drawTrust, 60000);
    document.body.dataset.ready = "1";
  });
})();
