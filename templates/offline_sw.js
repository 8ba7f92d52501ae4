{% autoescape off %}/* boothwise service worker of the {{ name }} app (boothwise.core.offline).
 *
 * Keeps exactly these kinds of thing, nothing more:
 *   - the static files the offline page needs (cache-first, refreshed on each release);
 *   - the offline pages the user opened (network-first, the saved copy when offline);
 *   - with an API prefix, the app's API GET answers (network-first).
 * Records wait in IndexedDB (static/js/outbox.js), never in this cache. Everything else
 * goes to the network untouched. Logging out empties the page cache.
 */
"use strict";

const VERSION = "{{ version }}";
const ASSETS_PREFIX = "bw-{{ name }}-assets-";
const ASSETS_CACHE = ASSETS_PREFIX + VERSION;
const PAGE_CACHE = "{{ page_cache }}";
const ASSETS = {{ assets_json }};
const API_PREFIX = "{{ api_prefix }}" ? "{{ api_prefix }}/" : "";
const LOGOUT = "{{ logout }}";
const SCOPE = new URL(self.registration.scope).pathname;
const TIMEOUT_MS = 6000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(ASSETS_CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) =>
      Promise.all(
        keys
          .filter((key) => key.startsWith(ASSETS_PREFIX) && key !== ASSETS_CACHE)
          .map((key) => caches.delete(key)),
      ),
    ).then(() => self.clients.claim()),
  );
});

function isOfflinePage(url) {
  return url.pathname.startsWith(SCOPE) && /\/parts\/\d+\/{{ page_suffix }}\/$/.test(url.pathname);
}

function marked(response) {
  // The page shows "offline" when its data came from here, not from the server.
  const headers = new Headers(response.headers);
  headers.set("X-Boothwise-Cached", "1");
  return response.blob().then(
    (body) => new Response(body, { status: response.status, statusText: response.statusText, headers }),
  );
}

function networkFirst(request) {
  const network = fetch(request).then((response) => {
    if (response.ok && !response.redirected) {
      const copy = response.clone();
      caches.open(PAGE_CACHE).then((cache) => cache.put(request, copy));
    }
    return response;
  });
  const timeout = new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS));
  const fallback = () =>
    caches.open(PAGE_CACHE).then((cache) => cache.match(request, { ignoreVary: true })).then((hit) => {
      if (hit) return marked(hit);
      return network;
    });
  return Promise.race([network, timeout.then(() => null)])
    .then((response) => response || fallback())
    .catch(fallback);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === LOGOUT) {
    event.respondWith(caches.delete(PAGE_CACHE).then(() => fetch(request)));
    return;
  }
  if (request.method !== "GET") return;
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(request, { ignoreVary: true }).then((hit) => hit || fetch(request)));
    return;
  }
  const isApi = API_PREFIX !== "" && url.pathname.startsWith(API_PREFIX);
  if ((request.mode === "navigate" && isOfflinePage(url)) || isApi) {
    event.respondWith(networkFirst(request));
  }
});
{% endautoescape %}
