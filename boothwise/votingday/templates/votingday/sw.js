{% autoescape off %}/* boothwise service worker for the marking page (served by votingday.views.service_worker).
 *
 * Keeps exactly two kinds of thing, nothing more:
 *   - the static files the marking page needs (cache-first, refreshed on each release);
 *   - marking pages the user opened (network-first, the saved copy when offline; the
 *     page carries the booth's roll, so serials resolve to names offline).
 * Marks themselves wait in IndexedDB (votingday/outbox.js), never in this cache.
 * Everything else goes to the network untouched. Logging out empties the page cache.
 */
"use strict";

const VERSION = "{{ version }}";
const ASSETS_CACHE = "bw-votingday-assets-" + VERSION;
const PAGE_CACHE = "{{ page_cache }}";
const ASSETS = {{ assets_json }};
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
          .filter((key) => key.startsWith("bw-votingday-assets-") && key !== ASSETS_CACHE)
          .map((key) => caches.delete(key)),
      ),
    ).then(() => self.clients.claim()),
  );
});

function isMarkPage(url) {
  return url.pathname.startsWith(SCOPE) && /\/parts\/\d+\/mark\/$/.test(url.pathname);
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
  if (request.mode === "navigate" && isMarkPage(url)) {
    event.respondWith(networkFirst(request));
  }
});
{% endautoescape %}
