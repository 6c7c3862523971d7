// The verifier page's service worker: the page, its libraries and the
// WebAssembly verifier work with no network; the trust list is kept in
// IndexedDB (verifikasi.js).
self.ikdCache = "ikd-verifikasi@1";
self.ikdAssets = [
  "/verifikasi/", "/verifikasi/verifikasi.js", "/verifikasi/manifest.webmanifest", "/verifikasi/icon-192.png", "/verifikasi/icon-512.png",
  "/static/ikd.css", "/static/app/app.css", "/static/app/ikd-app.js",
  "/static/vendor/jsqr/jsQR.js", "/static/vendor/qrcode/qrcode.js",
  "/static/verify/loader.js", "/static/verify/wasm_exec.js", "/static/verify/ikd-verify.wasm",
];
importScripts("/static/app/sw-core.js");
