// ldplay's offline support: a service worker that precaches the build's files (listed in
// precache.json by scripts/precache-manifest.mjs) and serves them when the network is gone.
// Pages are network-first (a new deploy shows at once), hashed assets cache-first; it only ever
// touches same-origin GET requests and never sends anything anywhere.
const PREFIX = 'ldplay-';
const scope = new URL('./', self.location.href);

async function readManifest() {
  const res = await fetch(new URL('precache.json', scope), { cache: 'no-store' });
  if (!res.ok) throw new Error(`precache.json: HTTP ${res.status}`);
  return res.json();
}

/** Caches every listed file under the manifest's version; drops the caches of older versions. */
async function precache(manifest) {
  const name = PREFIX + manifest.version;
  if (!(await caches.has(name))) {
    const cache = await caches.open(`${name}-partial`);
    await cache.addAll([scope.href, ...manifest.files.map((f) => new URL(f, scope).href)]);
    const done = await caches.open(name);
    for (const req of await cache.keys()) await done.put(req, await cache.match(req));
    await caches.delete(`${name}-partial`);
  }
  for (const key of await caches.keys()) if (key.startsWith(PREFIX) && key !== name) await caches.delete(key);
}

self.addEventListener('install', (event) => {
  event.waitUntil(readManifest().then(precache).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

async function fromCache(request) {
  for (const key of await caches.keys()) {
    if (!key.startsWith(PREFIX) || key.endsWith('-partial')) continue;
    const hit = await (await caches.open(key)).match(request, { ignoreSearch: request.mode === 'navigate' });
    if (hit) return hit;
  }
  return undefined;
}

async function navigate(event) {
  const { request } = event;
  try {
    const res = await fetch(request);
    // Online: pick up a new deploy's files in the background; waitUntil keeps the worker alive
    // until they are cached and the old version dropped (else the browser may stop it halfway).
    event.waitUntil(readManifest().then(precache).catch(() => {}));
    return res;
  } catch (err) {
    return (await fromCache(request)) ?? (await fromCache(new Request(scope.href))) ?? Promise.reject(err);
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || !request.url.startsWith(scope.href)) return;
  if (request.mode === 'navigate') { event.respondWith(navigate(event)); return; }
  event.respondWith(fromCache(request).then((hit) => hit ?? fetch(request)));
});
