// ikd-app.js: what the resident's wallet (/dompet/) and the public
// verifier page (/verifikasi/) share, with no library and no build step:
//
//   ikdApp.texts(catalogue)        the page's language (Bahasa Indonesia
//                                  first, English by a remembered switch)
//   ikdApp.t(key, ...args)         a text in the current language
//   ikdApp.store(db)               a small key-value store in IndexedDB
//   ikdApp.b64u / unb64u           base64url
//   ikdApp.base45(bytes)           RFC 9285
//   ikdApp.cbor(value)             deterministic CBOR of the few types ikd signs
//   ikdApp.Scanner                 QR codes from the camera or an image (jsQR)
//   ikdApp.worker(path)            registers the app's service worker
(function () {
  "use strict";

  const LANG_KEY = "ikd.lang";
  let catalogue = { id: {}, en: {} };

  function lang() {
    return localStorage.getItem(LANG_KEY) === "en" ? "en" : "id";
  }

  // t returns key's text in the current language, {0}, {1}… replaced.
  function t(key, ...args) {
    const s = catalogue[lang()][key] ?? catalogue.id[key] ?? key;
    return s.replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i)] ?? ""));
  }

  // apply writes the texts into every element that names one:
  // data-t (text), data-t-placeholder, data-t-aria (aria-label), data-t-alt.
  function apply(root) {
    const l = lang();
    document.documentElement.lang = l;
    for (const el of (root || document).querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
    for (const el of (root || document).querySelectorAll("[data-t-placeholder]")) el.placeholder = t(el.dataset.tPlaceholder);
    for (const el of (root || document).querySelectorAll("[data-t-aria]")) el.setAttribute("aria-label", t(el.dataset.tAria));
    for (const el of (root || document).querySelectorAll("[data-t-alt]")) el.alt = t(el.dataset.tAlt);
    for (const el of document.querySelectorAll("[data-lang-switch]")) {
      el.textContent = l === "en" ? "Bahasa Indonesia" : "English";
      el.lang = l === "en" ? "id" : "en";
    }
  }

  // texts installs the app's catalogue and the language switch; onChange
  // runs after every switch, for texts the app writes itself.
  function texts(cat, onChange) {
    catalogue = cat;
    for (const el of document.querySelectorAll("[data-lang-switch]")) {
      el.addEventListener("click", () => {
        localStorage.setItem(LANG_KEY, lang() === "en" ? "id" : "en");
        apply();
        if (onChange) onChange();
      });
    }
    apply();
  }

  // store opens a key-value object store in IndexedDB. Values are
  // structured clones: a non-extractable CryptoKey is kept as it is.
  function store(dbName) {
    const open = new Promise((resolve, reject) => {
      const req = indexedDB.open(dbName, 1);
      req.onupgradeneeded = () => req.result.createObjectStore("kv");
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    function run(mode, fn) {
      return open.then((db) => new Promise((resolve, reject) => {
        const tx = db.transaction("kv", mode);
        const req = fn(tx.objectStore("kv"));
        tx.oncomplete = () => resolve(req.result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      }));
    }
    return {
      get: (k) => run("readonly", (s) => s.get(k)),
      set: (k, v) => run("readwrite", (s) => s.put(v, k)),
      del: (k) => run("readwrite", (s) => s.delete(k)),
      clear: () => run("readwrite", (s) => s.clear()),
    };
  }

  function b64u(bytes) {
    let s = "";
    for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function unb64u(text) {
    const s = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
    return Uint8Array.from(s, (c) => c.charCodeAt(0));
  }

  const B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

  // base45 encodes bytes as RFC 9285 text.
  function base45(bytes) {
    let out = "";
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      let n = bytes[i] * 256 + bytes[i + 1];
      out += B45[n % 45] + B45[Math.floor(n / 45) % 45] + B45[Math.floor(n / 2025)];
    }
    if (bytes.length % 2) {
      const n = bytes[bytes.length - 1];
      out += B45[n % 45] + B45[Math.floor(n / 45)];
    }
    return out;
  }

  // cbor encodes unsigned integers, byte strings (Uint8Array), text,
  // arrays and Maps with integer keys (written in ascending order, as
  // RFC 8949 §4.2.1 deterministic encoding sorts them), and {tag, value}.
  function cbor(v) {
    const out = [];
    const head = (major, n) => {
      if (n < 24) out.push(major << 5 | n);
      else if (n < 0x100) out.push(major << 5 | 24, n);
      else if (n < 0x10000) out.push(major << 5 | 25, n >> 8, n & 0xff);
      else if (n < 0x100000000) out.push(major << 5 | 26, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
      else throw new Error("cbor: integer too large");
    };
    const enc = (x) => {
      if (typeof x === "number" && Number.isInteger(x) && x >= 0) head(0, x);
      else if (typeof x === "number" && Number.isInteger(x)) head(1, -1 - x);
      else if (x instanceof Uint8Array) { head(2, x.length); for (const b of x) out.push(b); }
      else if (typeof x === "string") { const b = new TextEncoder().encode(x); head(3, b.length); for (const c of b) out.push(c); }
      else if (Array.isArray(x)) { head(4, x.length); x.forEach(enc); }
      else if (x instanceof Map) {
        const keys = [...x.keys()].sort((a, b) => (a < 0) - (b < 0) || Math.abs(a) - Math.abs(b));
        head(5, keys.length);
        for (const k of keys) { enc(k); enc(x.get(k)); }
      } else if (x && x.tag !== undefined) { head(6, x.tag); enc(x.value); }
      else throw new Error("cbor: cannot encode " + typeof x);
    };
    enc(v);
    return Uint8Array.from(out);
  }

  // Scanner reads QR codes from the camera into a <video>, or from an
  // image file, with jsQR (BarcodeDetector is missing from Linux Chromium).
  class Scanner {
    constructor(video) {
      this.video = video;
      this.canvas = document.createElement("canvas");
      this.stream = null;
    }

    // start opens the back camera and calls found(text) with the first
    // code it reads, then stops.
    async start(found) {
      this.stop();
      this.stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      this.video.srcObject = this.stream;
      this.video.hidden = false;
      await this.video.play();
      const tick = () => {
        if (!this.stream) return;
        const text = this.read(this.video, this.video.videoWidth, this.video.videoHeight);
        if (text !== null) {
          this.stop();
          found(text);
          return;
        }
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    }

    stop() {
      if (this.stream) for (const tr of this.stream.getTracks()) tr.stop();
      this.stream = null;
      this.video.srcObject = null;
      this.video.hidden = true;
    }

    // fromFile reads a code from an image file; null when there is none.
    async fromFile(file) {
      const bmp = await createImageBitmap(file);
      return this.read(bmp, bmp.width, bmp.height);
    }

    read(source, w, h) {
      if (!w || !h) return null;
      const scale = Math.min(1, 1280 / Math.max(w, h));
      const cw = Math.round(w * scale), ch = Math.round(h * scale);
      this.canvas.width = cw;
      this.canvas.height = ch;
      const ctx = this.canvas.getContext("2d", { willReadFrequently: true });
      ctx.drawImage(source, 0, 0, cw, ch);
      const code = jsQR(ctx.getImageData(0, 0, cw, ch).data, cw, ch, { inversionAttempts: "attemptBoth" });
      return code ? code.data : null;
    }
  }

  // worker registers the app's service worker, which keeps it working
  // with no network.
  function worker(path) {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(path).catch((e) => console.warn("ikd: service worker", e));
    }
  }

  window.ikdApp = { texts, apply, t, lang, store, b64u, unb64u, base45, cbor, Scanner, worker };
})();
