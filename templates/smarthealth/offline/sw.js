// The service worker of the volunteer's offline visits (issue 16), served at /sw.js by
// smarthealth.views.offline_app.service_worker, which fills CONFIG in.
//
// What it keeps (Cache Storage, one cache named after this version): the two offline pages
// (the list and the visit form WITHOUT anyone's data) and the static files they load. Names,
// last visits and waiting visits are never here: they live in IndexedDB (offline-register.js).
// Each page is fetched, and kept, only when the volunteer's list page asks for it online
// (message "cache-offline-pages"), so a signed-out browser never keeps a sign-in redirect.
// When a navigation to her list or to a visit form fails (no network), the kept page answers.
// Sign-out clears it all (Clear-Site-Data, and offline-register.js on the sign-in page).
"use strict";
{% autoescape off %}var CONFIG = {{ config }};{% endautoescape %}
var PREFIX = "hv-offline-";
var ASSETS = new Set(CONFIG.assets);
// Other modules' offline pages (offline_app.register_offline_pages): the caregiver's list and
// visit form (ltc, issue 23), each group with its two pages and the addresses they stand in for.
var GROUPS = CONFIG.groups || {};

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PREFIX) === 0 && name !== CONFIG.cache;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

// Keep one address: only a page answered as itself (not a redirect to the sign-in page, not an
// error) is kept.
function keep(cache, url, fresh) {
  return fetch(url, { credentials: "same-origin", cache: fresh ? "no-store" : "default" }).then(function (response) {
    if (!response.ok || response.redirected || response.type !== "basic") return false;
    return cache.put(url, response).then(function () { return true; });
  });
}

// The pages every time (they carry her name in the header and the form's CSRF token); a static
// file once per version of the worker (their names change with their content in production).
function keepAll(group) {
  var kept = group && GROUPS[group] ? GROUPS[group].pages : CONFIG.pages;
  return caches.open(CONFIG.cache).then(function (cache) {
    var pages = [kept.list, kept.visit].map(function (url) {
      return keep(cache, url, true).catch(function () { return false; });
    });
    var assets = CONFIG.assets.map(function (url) {
      return cache.match(url).then(function (kept) {
        return kept ? true : keep(cache, url, false);
      }).catch(function () { return false; });
    });
    return Promise.all(pages.concat(assets));
  }).then(function (results) {
    // The pages are what matter: without them nothing works offline.
    return results[0] === true && results[1] === true;
  });
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "cache-offline-pages") return;
  var reply = event.source;
  var group = data.group || "";
  event.waitUntil(keepAll(group).then(function (ok) {
    if (reply) reply.postMessage({ type: "offline-pages-cached", ok: ok, group: group });
  }));
});

function offlinePageFor(path) {
  if (path === CONFIG.list_path) return CONFIG.pages.list;
  if (path.indexOf(CONFIG.visit_prefix) === 0 && path.slice(-CONFIG.visit_suffix.length) === CONFIG.visit_suffix) {
    var id = path.slice(CONFIG.visit_prefix.length, path.length - CONFIG.visit_suffix.length);
    if (/^[0-9a-f-]{36}$/.test(id)) return CONFIG.pages.visit;
  }
  var found = null;
  Object.keys(GROUPS).forEach(function (name) {
    GROUPS[name].routes.forEach(function (route) {
      if (!found && new RegExp(route.pattern).test(path)) found = route.page;
    });
  });
  return found;
}

function fromCache(url) {
  return caches.open(CONFIG.cache).then(function (cache) { return cache.match(url); })
    .then(function (response) { return response || Response.error(); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    var page = offlinePageFor(url.pathname);
    if (!page) return;
    // The network first, always: the server's own list when there is one.
    event.respondWith(fetch(request).catch(function () { return fromCache(page); }));
    return;
  }
  if (ASSETS.has(url.pathname)) {
    event.respondWith(fetch(request).catch(function () { return fromCache(url.pathname); }));
  }
});
