// The volunteer's list of households (my_households.html), with or without a network (issue 16).
// Online: saves the copy of her households on the phone (IndexedDB, via offline-register.js) and
// asks the service worker to keep the two offline pages. Offline (the page the worker kept):
// draws her households from that copy. Both: the visits waiting to send, sent on load, when the
// network returns and with "Send now", one at a time, each with its idempotency key (the server
// records a visit once however often it is sent). A visit the server refuses stays on the phone
// with the server's message until she discards it.
(function () {
  "use strict";
  var page = document.querySelector("[data-offline-page]");
  var store = window.HvOffline;
  if (!page || !store) return;
  var user = page.getAttribute("data-user");
  var offlinePage = page.hasAttribute("data-offline-shell");
  var statusNode = page.querySelector("[data-offline-status]");
  var outbox = page.querySelector("[data-outbox]");
  var list = outbox.querySelector("[data-outbox-list]");
  var outboxStatus = outbox.querySelector("[data-outbox-status]");
  var sendButton = outbox.querySelector("[data-outbox-send]");

  function pageText(name) { return page.getAttribute("data-msg-" + name) || ""; }
  function outboxText(name) { return outbox.getAttribute("data-msg-" + name) || ""; }

  // --- the copy of her households -------------------------------------------------------------
  var copySaved = false;
  var pagesKept = !("serviceWorker" in navigator) || !window.isSecureContext;

  function markReady(savedAtText) {
    if (savedAtText) statusNode.textContent = pageText("copy-saved").replace("{time}", savedAtText);
    if (copySaved && pagesKept) page.setAttribute("data-offline-ready", "");
  }

  function saveCopy() {
    return fetch(page.getAttribute("data-copy-url"), {
      credentials: "same-origin", headers: { Accept: "application/json" },
    }).then(function (response) {
      if (!response.ok) throw new Error("copy " + response.status);
      return response.json();
    }).then(function (copy) {
      if (String(copy.user) !== user) return undefined;
      return store.put("copy", copy, "households").then(function () {
        copySaved = true;
        markReady(copy.saved_at_text);
      });
    }).catch(function () {});
  }

  function keepOfflinePages() {
    if (pagesKept) return;
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "offline-pages-cached" && event.data.ok) {
        pagesKept = true;
        markReady();
      }
    });
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage({ type: "cache-offline-pages" });
    });
  }

  function drawCopy() {
    var container = page.querySelector("[data-offline-households]");
    return store.get("copy", "households").catch(function () { return null; }).then(function (copy) {
      if (!copy || String(copy.user) !== user) {
        var empty = document.createElement("section");
        empty.className = "card";
        empty.textContent = pageText("no-copy");
        container.appendChild(empty);
        return;
      }
      statusNode.textContent = pageText("copy-saved").replace("{time}", copy.saved_at_text);
      // Markup rendered by the server (smarthealth/_my_household.html, escaped there), kept as
      // it came: the same list the volunteer sees online.
      container.innerHTML = copy.households.join("");
    });
  }

  // --- the visits waiting to send -------------------------------------------------------------
  function mine() {
    return store.all("outbox").catch(function () { return []; }).then(function (entries) {
      return entries.filter(function (entry) { return entry.user === user; })
        .sort(function (a, b) { return a.created_at < b.created_at ? -1 : 1; });
    });
  }

  function entryItem(entry) {
    var item = document.createElement("li");
    item.setAttribute("data-outbox-entry", entry.key);
    var name = document.createElement("strong");
    name.textContent = entry.person_name;
    item.appendChild(name);
    var facts = [entry.fields.visited_on];
    if (entry.photo) facts.push(outboxText("photo"));
    item.appendChild(document.createTextNode(" · " + facts.join(" · ")));
    if (entry.state === "refused") {
      var problem = document.createElement("div");
      problem.className = "message message-error";
      problem.setAttribute("data-outbox-refused", "");
      var text = document.createElement("p");
      text.textContent = entry.message || outboxText("refused");
      problem.appendChild(text);
      if (entry.details && entry.details.length) {
        var details = document.createElement("ul");
        entry.details.forEach(function (line) {
          var li = document.createElement("li");
          li.textContent = line;
          details.appendChild(li);
        });
        problem.appendChild(details);
      }
      var discard = document.createElement("button");
      discard.type = "button";
      discard.className = "button";
      discard.textContent = outboxText("discard");
      discard.addEventListener("click", function () {
        if (!window.confirm(outboxText("discard-confirm"))) return;
        store.remove("outbox", entry.key).then(drawOutbox);
      });
      problem.appendChild(discard);
      item.appendChild(problem);
    } else {
      var waiting = document.createElement("div");
      waiting.className = "muted";
      waiting.textContent = outboxText("waiting");
      item.appendChild(waiting);
    }
    return item;
  }

  function drawOutbox() {
    return mine().then(function (entries) {
      list.textContent = "";
      entries.forEach(function (entry) { list.appendChild(entryItem(entry)); });
      outbox.querySelector("[data-outbox-count]").textContent = String(entries.length);
      outbox.hidden = entries.length === 0 && !outboxStatus.textContent;
      return entries;
    });
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var field = document.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  // One visit to the server → "sent", "kept" (no answer: try again later) or "refused".
  function sendOne(entry) {
    var body = new FormData();
    Object.keys(entry.fields).forEach(function (name) { body.append(name, entry.fields[name]); });
    body.append("person", entry.person);
    body.append("idempotency_key", entry.key);
    if (entry.photo) body.append("photo", entry.photo, entry.photo_name || "photo.jpg");
    return fetch(page.getAttribute("data-sync-url"), {
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
        entry.message = signedOut ? outboxText("signed-out") : answer.message;
        entry.details = answer && answer.details ? answer.details : [];
        return store.put("outbox", entry).then(function () { return "refused"; });
      });
    }, function () { return "offline"; });
  }

  var sending = false;

  // everything: "Send now" also tries the refused ones again; on its own only the waiting ones
  // and those refused because she was signed out.
  function send(everything) {
    if (sending) return Promise.resolve();
    if (!navigator.onLine) {
      return mine().then(function (entries) {
        if (entries.length) outboxStatus.textContent = outboxText("offline");
        return drawOutbox();
      });
    }
    sending = true;
    var counts = { sent: 0, kept: 0, refused: 0, offline: 0 };
    function work() {
      return mine().then(function (entries) {
        var due = entries.filter(function (entry) {
          return everything || entry.state !== "refused" || entry.code === "signed_out";
        });
        if (due.length) outboxStatus.textContent = outboxText("sending");
        return due.reduce(function (previous, entry) {
          return previous.then(function () {
            if (counts.offline) return undefined;
            return sendOne(entry).then(function (result) { counts[result] += 1; });
          });
        }, Promise.resolve());
      });
    }
    // One sender at a time across the volunteer's tabs (the key would save a double send anyway).
    var locked = navigator.locks ? navigator.locks.request("hv-outbox-send", work) : work();
    return locked.then(function () {
      var lines = [];
      if (counts.sent) lines.push(outboxText("sent").replace("{n}", String(counts.sent)));
      if (counts.offline) lines.push(outboxText("offline"));
      if (counts.kept) lines.push(outboxText("server-error"));
      outboxStatus.textContent = lines.join(" ");
      return drawOutbox();
    }).then(function (left) {
      sending = false;
      page.setAttribute("data-outbox-idle", String(left.length));
      // Back online on the page kept for offline use: show the server's list again.
      if (counts.sent && offlinePage && navigator.onLine) window.location.reload();
      else if (counts.sent && !offlinePage) saveCopy();
    }, function () { sending = false; });
  }

  sendButton.addEventListener("click", function () { send(true); });
  window.addEventListener("online", function () { send(false); });
  window.addEventListener("offline", function () { outboxStatus.textContent = ""; drawOutbox(); });

  // Just kept on the phone by the visit form (visit-form.js).
  if (window.sessionStorage && sessionStorage.getItem("hv-saved-offline")) {
    sessionStorage.removeItem("hv-saved-offline");
    outboxStatus.textContent = pageText("saved-offline");
  }
  if (offlinePage) {
    drawCopy();
  } else if (navigator.onLine) {
    saveCopy();
    keepOfflinePages();
  }
  drawOutbox().then(function () { return send(false); });
})();
