{% autoescape off %}/* e-Surat service worker, release {{ version }} (esurat/pwa/views.py serves it from /sw.js).
 *
 * What it keeps on the device, for reading offline:
 *   - the offline page and the assets every page uses (at install);
 *   - the inbox and "Perlu tindakan saya" as last seen online (network first);
 *   - the last {{ max_letters }} letters opened: their page, and their dispose / review screen.
 * What it never keeps: a response marked no-store or X-Esurat-Secret (a secret letter's page), a
 * secret letter's subject in a list (replaced between its marks), a page that answered with the
 * login screen (a logged-out user: everything kept is dropped then), anything but a GET.
 * It also shows Web Push messages and opens their link when tapped.
 */
"use strict";

const VERSION = {{ version_json }};
const ASSETS = "esurat-assets-" + VERSION;
const LISTS = "esurat-lists";
const LETTERS = "esurat-letters";
const MAX_LETTERS = {{ max_letters }};
const PRECACHE = {{ precache_json }};
const OFFLINE = {{ offline_json }};
const LOGIN = {{ login_json }};
const INBOX = {{ inbox_json }};
const LIST_PATHS = {{ lists_json }};
const LETTER_PATTERNS = {{ letter_patterns_json }}.map((p) => new RegExp(p));
const STATIC_PREFIX = {{ static_prefix_json }};
const PLACEHOLDER = {{ placeholder_json }};
const ICON = {{ icon_json }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(ASSETS)
      // Without the session cookie: the stored offline page names nobody.
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { credentials: "omit" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names
        .filter((name) => name.startsWith("esurat-assets-") && name !== ASSETS)
        .map((name) => caches.delete(name))))
      .then(() => self.clients.claim())
  );
});

function letterCode(url) {
  const path = new URL(url).pathname;
  for (const pattern of LETTER_PATTERNS) {
    const match = pattern.exec(path);
    if (match) return match[1];
  }
  return null;
}

function storeFor(url) {
  if (LIST_PATHS.includes(url.pathname)) return LISTS;
  if (letterCode(url.href)) return LETTERS;
  return null;
}

async function forget() {
  await Promise.all([caches.delete(LISTS), caches.delete(LETTERS)]);
}

async function trim(cache) {
  // Keys come back oldest first (each page is deleted and put again when seen).
  const keys = await cache.keys();
  const order = [];
  for (const request of keys) {
    const code = letterCode(request.url);
    const at = order.indexOf(code);
    if (at >= 0) order.splice(at, 1);
    order.push(code);
  }
  const stale = new Set(order.slice(0, Math.max(0, order.length - MAX_LETTERS)));
  await Promise.all(keys.filter((r) => stale.has(letterCode(r.url))).map((r) => cache.delete(r)));
}

async function keep(request, response, store) {
  if (!response.ok || response.redirected || response.type !== "basic") return;
  const control = response.headers.get("Cache-Control") || "";
  if (/no-store/i.test(control) || response.headers.get("X-Esurat-Secret")) return;
  const type = response.headers.get("Content-Type") || "";
  if (!type.startsWith("text/html")) return;
  const text = (await response.text())
    .replace(/<!--esurat:secret-->[\s\S]*?<!--\/esurat:secret-->/g, PLACEHOLDER);
  const copy = new Response(text, {
    status: 200, headers: { "Content-Type": type, "X-Esurat-Stored": new Date().toISOString() },
  });
  const cache = await caches.open(store);
  await cache.delete(request.url);
  await cache.put(request.url, copy);
  if (store === LETTERS) await trim(cache);
}

async function networkFirst(event, store) {
  const request = event.request;
  try {
    const response = await fetch(request);
    if (response.redirected && new URL(response.url).pathname === LOGIN) {
      await forget(); // the session ended: nothing of it stays on the device
    } else if (store) {
      event.waitUntil(keep(request, response.clone(), store));
    }
    return response;
  } catch (error) {
    if (store) {
      const hit = await caches.match(request.url);
      if (hit) return hit;
    }
    if (request.mode === "navigate") {
      const page = await caches.match(OFFLINE);
      if (page) return page;
    }
    throw error;
  }
}

async function staleWhileRevalidate(event) {
  const cache = await caches.open(ASSETS);
  const hit = await cache.match(event.request);
  const fresh = fetch(event.request).then((response) => {
    if (response.ok && response.type === "basic") cache.put(event.request, response.clone());
    return response;
  });
  if (hit) {
    event.waitUntil(fresh.catch(() => null));
    return hit;
  }
  return fresh;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(staleWhileRevalidate(event));
    return;
  }
  // An htmx partial is not a page: it must not stand in for one offline.
  const partial = request.headers.get("HX-Request") && !request.headers.get("HX-Boosted");
  const store = partial ? null : storeFor(url);
  if (request.mode === "navigate" || store) event.respondWith(networkFirst(event, store));
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "forget") event.waitUntil(forget());
});

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  event.waitUntil(self.registration.showNotification(data.title || "e-Surat", {
    body: data.body || "", icon: ICON, badge: ICON, lang: "id", tag: data.tag || undefined,
    data: { url: data.url || INBOX },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  let target = new URL((event.notification.data && event.notification.data.url) || INBOX,
                       self.location.origin);
  if (target.origin !== self.location.origin) target = new URL(INBOX, self.location.origin);
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    for (const client of windows) {
      if ("navigate" in client) {
        await client.navigate(target.href);
        return client.focus();
      }
    }
    return self.clients.openWindow(target.href);
  })());
});
{% endautoescape %}
