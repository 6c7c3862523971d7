// sw-core.js: the service worker both installable apps share. The app's
// own sw.js sets self.ikdCache (a cache name) and self.ikdAssets (what the
// app needs with no network), then imports this file. Assets are served
// from the cache at once and refreshed from the network behind (stale
// while revalidate), so the app opens in airplane mode and picks up a new
// version on the next visit. API calls and personal data are never
// cached: they pass straight to the network.
self.addEventListener("install", (ev) => {
  ev.waitUntil(caches.open(self.ikdCache).then((c) => c.addAll(self.ikdAssets)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (ev) => {
  ev.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith("ikd-") && n !== self.ikdCache && n.split("@")[0] === self.ikdCache.split("@")[0]).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (ev) => {
  const url = new URL(ev.request.url);
  if (ev.request.method !== "GET" || url.origin !== location.origin) return;
  const shared = (self.ikdShared || []).includes(url.pathname);
  if (!shared && !self.ikdAssets.includes(url.pathname)) return;
  ev.respondWith(caches.open(self.ikdCache).then(async (cache) => {
    const cached = await cache.match(ev.request, { ignoreSearch: true });
    const fresh = fetch(ev.request).then((res) => {
      if (res.ok) cache.put(ev.request, res.clone());
      return res;
    });
    if (cached) {
      ev.waitUntil(fresh.catch(() => {}));
      return cached;
    }
    return fresh;
  }));
});
