// The visits waiting to send (issue 16), on every page of a signed-in user who records home
// visits (base.html, after offline-register.js): a visit recorded without a network is sent by
// itself when the network returns, wherever the volunteer is in the app — when the page loads,
// when the browser says it is back online, when she comes back to the app, and once a minute
// while some are waiting (a phone does not always say when its signal is back).
//
// Each visit is sent once: one sender at a time across her tabs (a Web Lock), and the visit's
// idempotency key makes the server record it once however often it arrives. A visit the server
// refuses (e.g. the household was given to another volunteer) stays on the phone, marked with
// the server's own message, until she discards it on her list of households.
//
// window.HvOutbox: mine() (her waiting visits), send(everything) and the "hv-outbox" window
// event ({entries, counts, sending}) that the list page (offline-households.js) and the banner
// at the top of every other page (smarthealth/_outbox_banner.html) draw from. The caregivers'
// visits (issue 23) wait in the same outbox and are sent by the same code.
(function () {
  "use strict";
  var script = document.currentScript;
  var store = window.HvOffline;
  if (!script || !store || !store.user) return;
  var syncUrl = script.getAttribute("data-sync-url");
  var RETRY_MS = 60000;

  function text(name) { return script.getAttribute("data-msg-" + name) || ""; }

  function mine() {
    return store.waiting().catch(function () { return []; }).then(function (entries) {
      return entries.sort(function (a, b) { return a.created_at < b.created_at ? -1 : 1; });
    });
  }

  function notify(detail) {
    window.dispatchEvent(new CustomEvent("hv-outbox", { detail: detail }));
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var field = document.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  // One visit to the server → "sent", "kept" (no proper answer: try again later), "offline" or
  // "refused" (kept on the phone with the server's message).
  // A caregiver's visit (issue 23, static/js/ltc/cg-visit.js) names its own address and its
  // case; a field ticked several times (her activities) is a list.
  function sendOne(entry) {
    var body = new FormData();
    Object.keys(entry.fields).forEach(function (name) {
      [].concat(entry.fields[name]).forEach(function (value) { body.append(name, value); });
    });
    if (entry.person) body.append("person", entry.person);
    if (entry["case"]) body.append("case", entry["case"]);
    body.append("idempotency_key", entry.key);
    if (entry.photo) body.append("photo", entry.photo, entry.photo_name || "photo.jpg");
    return fetch(entry.sync_url || syncUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (answer) {
        if (response.ok && answer && answer.ok) {
          return store.remove("outbox", entry.key).then(function () { return "sent"; });
        }
        if (response.status >= 500 || response.status === 429 || (!answer && response.status !== 403)) {
          return "kept";
        }
        // Django's CSRF refusal is a page, not JSON: the session it belonged to has ended.
        var signedOut = response.status === 401 || !answer;
        entry.state = "refused";
        entry.code = signedOut ? "signed_out" : answer.code;
        entry.message = signedOut ? text("signed-out") : answer.message;
        entry.details = answer && answer.details ? answer.details : [];
        return store.put("outbox", entry).then(function () { return "refused"; });
      });
    }, function () { return "offline"; });
  }

  var running = null;
  var again = false;

  // everything: "Send now" on the list also tries the refused ones again; on its own only the
  // waiting ones and those refused because she was signed out.
  function send(everything) {
    // "Send now" during a send on its own: after it, with the refused ones too.
    if (running && everything) return running.then(function () { return send(true); });
    // The network back (or the app shown again) while a send runs: that send may have found
    // the phone offline a moment ago, so one more follows it rather than the minute's retry.
    if (running) { again = true; return running; }
    var counts = { sent: 0, kept: 0, refused: 0, offline: 0 };
    function work() {
      return mine().then(function (entries) {
        var due = entries.filter(function (entry) {
          return everything || entry.state !== "refused" || entry.code === "signed_out";
        });
        if (!due.length) return undefined;
        if (!navigator.onLine) { counts.offline = due.length; return undefined; }
        notify({ entries: entries, counts: null, sending: true });
        return due.reduce(function (previous, entry) {
          return previous.then(function () {
            if (counts.offline) return undefined;
            return sendOne(entry).then(function (result) { counts[result] += 1; });
          });
        }, Promise.resolve());
      });
    }
    var locked = navigator.locks ? navigator.locks.request("hv-outbox-send", work) : work();
    running = locked.catch(function () {}).then(mine).then(function (entries) {
      running = null;
      notify({ entries: entries, counts: counts, sending: false });
      if (again) { again = false; return send(false); }
      schedule(entries);
      return { entries: entries, counts: counts };
    });
    return running;
  }

  var timer = null;
  function schedule(entries) {
    if (timer) { clearTimeout(timer); timer = null; }
    var waiting = entries.some(function (entry) { return entry.state !== "refused"; });
    if (waiting) timer = setTimeout(function () { timer = null; send(false); }, RETRY_MS);
  }

  window.HvOutbox = {
    mine: mine,
    send: send,
    // Tell the pages what waits, without sending (e.g. just after a visit was kept).
    refresh: function () {
      return mine().then(function (entries) {
        notify({ entries: entries, counts: null, sending: false });
        return entries;
      });
    },
  };

  // --- the banner on every page but the list (which shows each visit) -------------------------
  var banner = document.querySelector("[data-outbox-banner]");
  var onList = Boolean(document.querySelector("[data-offline-page]"));
  var lastSent = 0;

  function line(className, content) {
    var node = document.createElement("p");
    node.className = className;
    node.textContent = content;
    return node;
  }

  function drawBanner(event) {
    if (!banner || onList) return;
    var detail = event.detail;
    var entries = detail.entries || [];
    var waiting = entries.filter(function (entry) { return entry.state !== "refused"; });
    var refused = entries.filter(function (entry) { return entry.state === "refused"; });
    if (detail.counts && detail.counts.sent) lastSent += detail.counts.sent;
    var body = banner.querySelector("[data-outbox-banner-body]");
    body.textContent = "";
    if (lastSent) body.appendChild(line("outbox-banner-sent", text("sent").replace("{n}", String(lastSent))));
    if (waiting.length) {
      body.appendChild(line("outbox-banner-waiting", text("waiting").replace("{n}", String(waiting.length))
        + " " + (detail.sending ? text("sending") : navigator.onLine ? text("retry") : text("offline"))));
    }
    if (refused.length) {
      var problem = document.createElement("div");
      problem.className = "outbox-banner-refused";
      problem.setAttribute("data-outbox-banner-refused", "");
      problem.appendChild(line("", text("refused").replace("{n}", String(refused.length))));
      var list = document.createElement("ul");
      refused.forEach(function (entry) {
        var item = document.createElement("li");
        item.textContent = entry.person_name + ": " + (entry.message || "");
        list.appendChild(item);
      });
      problem.appendChild(list);
      body.appendChild(problem);
    }
    banner.setAttribute("data-outbox-waiting", String(waiting.length));
    banner.setAttribute("data-outbox-sent", String(lastSent));
    banner.classList.toggle("has-refused", refused.length > 0);
    banner.querySelector("[data-outbox-banner-link]").hidden = !(waiting.length || refused.length);
    banner.hidden = !(waiting.length || refused.length || lastSent);
  }

  window.addEventListener("hv-outbox", drawBanner);
  window.addEventListener("online", function () { send(false); });
  window.addEventListener("offline", function () { window.HvOutbox.refresh(); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") send(false);
  });
  send(false);
})();
