// The wallet's service worker: the app and its libraries work with no
// network; the credentials live in IndexedDB (dompet.js).
self.ikdCache = "ikd-dompet@1";
self.ikdAssets = [
  "/dompet/", "/dompet/dompet.js", "/dompet/manifest.webmanifest", "/dompet/icon-192.png", "/dompet/icon-512.png",
  "/static/ikd.css", "/static/app/app.css", "/static/app/ikd-app.js",
  "/static/vendor/jsqr/jsQR.js", "/static/vendor/qrcode/qrcode.js",
];
importScripts("/static/app/sw-core.js");
