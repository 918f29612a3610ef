// Offline visits (issue 16), on every page of a municipality's site (base.html):
// - window.HvOffline: the phone's IndexedDB store (database "cityplatform-offline"): "copy" holds
//   the copy of the volunteer's households (one record, "households"), "outbox" the visits she
//   recorded without a network, one record per visit keyed by its idempotency key;
// - registers the service worker (/sw.js) for users who record home visits;
// - signed out (the sign-in page and any page for a signed-out visitor): deletes the offline
//   pages (Cache Storage) and the copy of the households. Visits not yet sent are kept (they are
//   her work, shown again only to her once she signs in); signing out on purpose deletes them
//   too (Clear-Site-Data), after this script asks when some are still waiting.
// README "ข้อมูลบนโทรศัพท์ / What the phone stores".
(function () {
  "use strict";
  var script = document.currentScript;
  var DB_NAME = "cityplatform-offline";
  var DB_VERSION = 1;
  var CACHE_PREFIX = "hv-offline-";

  function openDb() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
      var request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("copy")) db.createObjectStore("copy");
        if (!db.objectStoreNames.contains("outbox")) db.createObjectStore("outbox", { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
      request.onblocked = function () { reject(new Error("IndexedDB blocked")); };
    });
  }

  // One transaction on one store; `work(store)` may return a request whose result is resolved.
  function run(storeName, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(storeName, mode);
        var request = work(tx.objectStore(storeName));
        tx.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  // A random (version 4) UUID; crypto.randomUUID exists only on https pages.
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function deleteCaches() {
    if (!window.caches) return Promise.resolve();
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf(CACHE_PREFIX) === 0; })
        .map(function (name) { return caches.delete(name); }));
    });
  }

  // Whether the database exists, without creating it (a citizen's visit must not leave one).
  function dbExists() {
    if (!window.indexedDB) return Promise.resolve(false);
    if (!indexedDB.databases) return Promise.resolve(true);
    return indexedDB.databases().then(function (list) {
      return list.some(function (db) { return db.name === DB_NAME; });
    });
  }

  var user = script ? script.getAttribute("data-user") || "" : "";

  window.HvOffline = {
    user: user,
    uuid: uuid,
    get: function (store, key) { return run(store, "readonly", function (s) { return s.get(key); }); },
    all: function (store) { return run(store, "readonly", function (s) { return s.getAll(); }); },
    put: function (store, value, key) {
      return run(store, "readwrite", function (s) { return key === undefined ? s.put(value) : s.put(value, key); });
    },
    remove: function (store, key) { return run(store, "readwrite", function (s) { return s.delete(key); }); },
    // The person `id` of the copy `copyKey` kept on the phone for the form's user, her fields
    // written into the page's [data-copy] nodes; null when the copy does not hold her (the form
    // is hidden and its data-msg-not-in-copy said instead). The volunteer's and the caregiver's
    // offline visit pages both start so.
    personFromCopy: function (form, copyKey, id) {
      return window.HvOffline.get("copy", copyKey).catch(function () { return null; }).then(function (copy) {
        var person = copy && String(copy.user) === form.getAttribute("data-user") && id ? copy.persons[id] : null;
        if (!person) {
          form.hidden = true;
          var card = document.querySelector("[data-offline-person]");
          card.textContent = "";
          var message = document.createElement("p");
          message.className = "form-errors";
          message.setAttribute("role", "alert");
          message.textContent = form.getAttribute("data-msg-not-in-copy");
          card.appendChild(message);
          return null;
        }
        document.querySelectorAll("[data-copy]").forEach(function (node) {
          node.textContent = person[node.getAttribute("data-copy")] || "";
          node.hidden = !node.textContent;
        });
        return person;
      });
    },
    // The visits of this user still on the phone.
    waiting: function () {
      return dbExists().then(function (exists) {
        if (!exists) return [];
        return window.HvOffline.all("outbox").then(function (entries) {
          return entries.filter(function (entry) { return entry.user === user; });
        });
      });
    },
    // The copy of the households and the offline pages (not the visits waiting to send).
    forgetCopy: function () {
      return deleteCaches().then(dbExists).then(function (exists) {
        if (!exists) return undefined;
        return run("copy", "readwrite", function (s) { return s.clear(); });
      });
    },
    forgetAll: function () {
      return deleteCaches().then(function () {
        return new Promise(function (resolve) {
          if (!window.indexedDB) { resolve(); return; }
          var request = indexedDB.deleteDatabase(DB_NAME);
          request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
        });
      });
    },
  };

  if (!script) return;

  if (script.hasAttribute("data-signed-out")) {
    window.HvOffline.forgetCopy().catch(function () {});
    return;
  }

  var workerUrl = script.getAttribute("data-sw");
  if (workerUrl && "serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(workerUrl, { scope: "/" }).catch(function () {});
  }

  // Signing out deletes the visits still waiting (Clear-Site-Data): say so first.
  document.querySelectorAll('form[action$="/accounts/logout/"]').forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.hasAttribute("data-confirmed")) return;
      event.preventDefault();
      window.HvOffline.waiting().catch(function () { return []; }).then(function (entries) {
        var question = (script.getAttribute("data-msg-sign-out") || "").replace("{n}", String(entries.length));
        if (entries.length && !window.confirm(question)) return;
        form.setAttribute("data-confirmed", "");
        // Also for a browser that ignores Clear-Site-Data.
        return window.HvOffline.forgetAll().catch(function () {}).then(function () { form.submit(); });
      });
    });
  });
})();
