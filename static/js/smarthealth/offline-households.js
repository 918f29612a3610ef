// The volunteer's list of households (my_households.html), with or without a network (issue 16).
// Online: saves the copy of her households on the phone (IndexedDB, via offline-register.js) and
// asks the service worker to keep the two offline pages. Offline (the page the worker kept):
// draws her households from that copy. Both: each visit waiting to send, and what became of it
// (offline-outbox.js sends them from any page: on load, when the network returns, and here with
// "Send now"). A visit the server refuses stays on the phone with the server's message until she
// discards it here.
(function () {
  "use strict";
  var page = document.querySelector("[data-offline-page]");
  var store = window.HvOffline;
  var outboxApi = window.HvOutbox;
  if (!page || !store || !outboxApi) return;
  var user = page.getAttribute("data-user");
  var offlinePage = page.hasAttribute("data-offline-shell");
  // The caregiver's list of her people (issue 23, ltc/cg_home.html) is drawn by this script too:
  // its copy under its own key, its two offline pages kept as the worker's group "cg".
  var copyKey = page.getAttribute("data-copy-key") || "households";
  var group = page.getAttribute("data-offline-group") || "";
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
      return store.put("copy", copy, copyKey).then(function () {
        copySaved = true;
        markReady(copy.saved_at_text);
      });
    }).catch(function () {});
  }

  function keepOfflinePages() {
    if (pagesKept) return;
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "offline-pages-cached" && event.data.ok &&
          (event.data.group || "") === group) {
        pagesKept = true;
        markReady();
      }
    });
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage({ type: "cache-offline-pages", group: group });
    });
  }

  function drawCopy() {
    var container = page.querySelector("[data-offline-households]");
    return store.get("copy", copyKey).catch(function () { return null; }).then(function (copy) {
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
      container.innerHTML = (copy.cards || copy.households).join("");
    });
  }

  // --- the visits waiting to send -------------------------------------------------------------
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

  function drawOutbox(entries) {
    var ready = entries ? Promise.resolve(entries) : outboxApi.mine();
    return ready.then(function (entries) {
      list.textContent = "";
      entries.forEach(function (entry) { list.appendChild(entryItem(entry)); });
      outbox.querySelector("[data-outbox-count]").textContent = String(entries.length);
      outbox.hidden = entries.length === 0 && !outboxStatus.textContent;
      return entries;
    });
  }

  // Sending is offline-outbox.js's, on every page; this list shows each visit and what happened.
  // A send's result arrives twice (its event, and the promise of the send this page asked for):
  // shown once.
  var shownCounts = null;
  function show(detail) {
    var counts = detail.counts;
    if (counts && counts === shownCounts) return;
    if (counts) shownCounts = counts;
    if (detail.sending) {
      outboxStatus.textContent = outboxText("sending");
    } else if (counts) {
      var lines = [];
      if (counts.sent) lines.push(outboxText("sent").replace("{n}", String(counts.sent)));
      if (counts.offline) lines.push(outboxText("offline"));
      if (counts.kept) lines.push(outboxText("server-error"));
      if (lines.length || outboxStatus.textContent === outboxText("sending")) {
        outboxStatus.textContent = lines.join(" ");
      }
    }
    drawOutbox(detail.entries).then(function (left) {
      if (!counts) return;
      page.setAttribute("data-outbox-idle", String(left.length));
      // Back online on the page kept for offline use: show the server's list again.
      if (counts.sent && offlinePage && navigator.onLine) window.location.reload();
      else if (counts.sent && !offlinePage) saveCopy();
    });
  }
  window.addEventListener("hv-outbox", function (event) { show(event.detail); });

  sendButton.addEventListener("click", function () { outboxApi.send(true).then(show); });
  window.addEventListener("offline", function () { outboxStatus.textContent = outboxText("offline"); });

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
  // What waits now; offline-outbox.js sends it (on load, when the network returns) and tells.
  outboxApi.send(false).then(show);
})();
