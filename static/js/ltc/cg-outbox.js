// The caregiver's visits waiting to send (issue 23), like the volunteers' outbox of issue 16 but
// kept in localStorage: a visit saved on a page opened with a network that has none by the time
// she taps "Save" is kept on the phone, and sent by itself when the network returns (on the
// "online" event, when a page of hers loads, and once a minute while some are waiting). Its
// idempotency key makes the server record it once however often it arrives. A visit the server
// refuses stays on the phone, counted as refused.
//
// window.LtcOutbox: keep(form), send(); a [data-ltc-outbox] element shows what is waiting.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var user = script.getAttribute("data-user") || "";
  var KEY = "ltc-outbox:" + user;
  var MAX_PHOTO_BYTES = 2 * 1024 * 1024; // localStorage holds about 5 MB per site
  var sending = false;

  function text(name) { return script.getAttribute("data-msg-" + name) || ""; }
  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(entries) { localStorage.setItem(KEY, JSON.stringify(entries)); }

  function show() {
    var box = document.querySelector("[data-ltc-outbox]");
    if (!box) return;
    var entries = load();
    var refused = entries.filter(function (e) { return e.refused; }).length;
    if (!entries.length) { box.hidden = true; return; }
    box.hidden = false;
    box.textContent = text("waiting").replace("{n}", entries.length) +
      (refused ? " " + text("refused").replace("{n}", refused) : "") +
      (navigator.onLine ? "" : " " + text("offline"));
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var field = document.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function dataUrlBlob(url) {
    var parts = url.split(","), mime = parts[0].split(":")[1].split(";")[0];
    var bytes = atob(parts[1]), array = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) array[i] = bytes.charCodeAt(i);
    return new Blob([array], { type: mime });
  }

  // The form's fields (and its photo, when small enough) kept on the phone; resolves when kept.
  function keep(form) {
    var fields = [], photo = null;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit") return;
      if (el.type === "file") { photo = el.files && el.files[0]; return; }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      fields.push([el.name, el.value]);
    });
    var entry = { url: form.action || location.href, fields: fields, created_at: new Date().toISOString() };
    function store(photoUrl) {
      if (photoUrl) { entry.photo = photoUrl; entry.photo_name = photo.name; }
      var entries = load();
      entries.push(entry);
      save(entries);
      show();
    }
    if (!photo || photo.size > MAX_PHOTO_BYTES) { store(null); return Promise.resolve(entry); }
    return new Promise(function (resolve) {
      var reader = new FileReader();
      reader.onload = function () { store(reader.result); resolve(entry); };
      reader.onerror = function () { store(null); resolve(entry); };
      reader.readAsDataURL(photo);
    });
  }

  function sendOne(entry) {
    var body = new FormData();
    entry.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    if (entry.photo) body.append("photo", dataUrlBlob(entry.photo), entry.photo_name || "photo.jpg");
    return fetch(entry.url, { method: "POST", body: body, credentials: "same-origin",
                              headers: { "X-CSRFToken": csrfToken() } })
      .then(function (response) {
        // A saved visit answers with the redirect to her list; a refused one with its page again.
        if (response.ok && response.redirected) return "sent";
        if (response.status >= 500 || response.status === 429) return "kept";
        return "refused";
      }, function () { return "offline"; });
  }

  function send() {
    if (sending || !navigator.onLine) { show(); return Promise.resolve(); }
    var entries = load().filter(function (e) { return !e.refused; });
    if (!entries.length) { show(); return Promise.resolve(); }
    sending = true;
    var sent = 0;
    return entries.reduce(function (chain, entry) {
      return chain.then(function () {
        return sendOne(entry).then(function (result) {
          var all = load();
          var index = all.findIndex(function (e) { return e.created_at === entry.created_at; });
          if (index < 0) return;
          if (result === "sent") { all.splice(index, 1); sent += 1; }
          if (result === "refused") all[index].refused = true;
          save(all);
        });
      });
    }, Promise.resolve()).then(function () {
      sending = false;
      show();
      var box = document.querySelector("[data-ltc-outbox-sent]");
      if (box && sent) { box.hidden = false; box.textContent = text("sent").replace("{n}", sent); }
    });
  }

  window.LtcOutbox = { keep: keep, send: send };
  window.addEventListener("online", send);
  window.addEventListener("offline", show);
  setInterval(function () { if (load().length) send(); }, 60000);
  send();
})();
