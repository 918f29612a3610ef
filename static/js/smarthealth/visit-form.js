// Home-visit and ADL forms: the live Barthel total with its group, and the default date of the
// next visit (30 days after the visit, 7 for a bedbound person) until the user types their own.
// The server computes and checks everything again; this only helps the person filling the form.
//
// Without a network (issue 16) the visit form keeps the visit on the phone instead of posting
// it: IndexedDB "outbox" (offline-register.js), with its photo and the idempotency key made
// here, then goes back to the list, which sends it when the network returns. On the page the
// service worker kept for offline use (data-offline-shell) there is no person on the page: it is
// filled in from the copy of her households kept on the phone.
(function () {
  "use strict";
  var dataNode = document.getElementById("hv-adl-data");
  var config = dataNode ? JSON.parse(dataNode.textContent) : { groups: {}, bedbound: [] };
  var BE_OFFSET = 543;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // dd/mm/yyyy with a Buddhist-Era year (>= 2400) or a CE year; Thai digits accepted.
  function parseDate(text) {
    var thai = "๐๑๒๓๔๕๖๗๘๙";
    text = (text || "").trim().replace(/[๐-๙]/g, function (d) { return String(thai.indexOf(d)); });
    var m = /^(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})$/.exec(text);
    if (!m) return null;
    var year = parseInt(m[3], 10);
    var be = year >= 2400;
    if (be) year -= BE_OFFSET;
    var date = new Date(year, parseInt(m[2], 10) - 1, parseInt(m[1], 10));
    if (date.getMonth() !== parseInt(m[2], 10) - 1) return null;
    return { date: date, be: be };
  }

  function formatDate(date, be) {
    return pad(date.getDate()) + "/" + pad(date.getMonth() + 1) + "/" + (date.getFullYear() + (be ? BE_OFFSET : 0));
  }

  // --- the live ADL total -------------------------------------------------------------------
  function adlState(table) {
    var items = table.querySelectorAll(".hv-adl-item");
    var total = 0, answered = 0;
    items.forEach(function (item) {
      var checked = item.querySelector("input[type=radio]:checked");
      if (checked) { answered += 1; total += parseInt(checked.value, 10); }
    });
    return { total: total, answered: answered, count: items.length };
  }

  var listeners = [];

  document.querySelectorAll("[data-adl-table]").forEach(function (table) {
    var totalNode = table.querySelector("[data-adl-total]");
    var groupNode = table.querySelector("[data-adl-group]");
    var answeredNode = table.querySelector("[data-adl-answered]");
    function update() {
      var state = adlState(table);
      totalNode.textContent = state.answered ? String(state.total) : "–";
      var complete = state.answered === state.count;
      groupNode.textContent = complete ? config.groups[String(state.total)] || "" : "";
      groupNode.className = "hv-adl-group" + (complete ? " is-complete" : "");
      answeredNode.textContent = complete ? "" :
        answeredNode.getAttribute("data-template").replace("{n}", String(state.answered));
      table.setAttribute("data-adl-complete", complete ? "1" : "0");
      listeners.forEach(function (fn) { fn(complete ? state.total : null); });
    }
    table.addEventListener("change", update);
    table.updateAdl = update;
  });

  // --- the default next-visit date ----------------------------------------------------------
  var form = document.querySelector("[data-visit-form]");
  if (form) {
    var visited = form.querySelector("[name=visited_on]");
    var nextDue = form.querySelector("[name=next_visit_due]");
    var bedbound = form.getAttribute("data-bedbound") === "1";
    var gapNormal = parseInt(form.getAttribute("data-gap-normal"), 10);
    var gapBedbound = parseInt(form.getAttribute("data-gap-bedbound"), 10);
    // After a rejected submit the dates on the form are what the person typed: keep them.
    var touched = form.hasAttribute("data-bound");

    var suggest = function () {
      if (touched || !visited || !nextDue) return;
      var parsed = parseDate(visited.value);
      if (!parsed) return;
      var due = new Date(parsed.date.getTime());
      due.setDate(due.getDate() + (bedbound ? gapBedbound : gapNormal));
      nextDue.value = formatDate(due, parsed.be);
    };
    if (nextDue) nextDue.addEventListener("input", function () { touched = true; });
    if (visited) visited.addEventListener("input", suggest);
    listeners.push(function (total) {
      if (total === null) return;
      bedbound = config.bedbound.indexOf(total) !== -1;
      suggest();
    });
    offline(form);
  }

  // --- without a network -------------------------------------------------------------------
  function offline(form) {
    var store = window.HvOffline;
    var keyField = form.querySelector("[name=idempotency_key]");
    if (!store || !keyField) return;
    // One key per visit: a second tap, or the same visit sent from the phone's queue, is
    // recorded once by the server.
    if (!keyField.value) keyField.value = store.uuid();
    var offlinePage = form.hasAttribute("data-offline-shell");
    var errorNode = form.querySelector("[data-offline-error]");
    var match = /\/persons\/([0-9a-f-]{36})\//.exec(window.location.pathname);
    var personId = match ? match[1] : null;
    var personName = "";

    function fail(message) {
      errorNode.textContent = message;
      errorNode.hidden = false;
      errorNode.scrollIntoView({ block: "center" });
    }

    if (offlinePage) {
      store.personFromCopy(form, "households", personId).then(function (person) {
        if (!person) return;
        personName = person.name;
        // Server-rendered chips (smarthealth/visit_chips.html), escaped there.
        document.querySelectorAll("[data-copy-html]").forEach(function (node) {
          node.innerHTML = person[node.getAttribute("data-copy-html")] || "";
        });
        bedbound = Boolean(person.bedbound);
        // The page was kept on another day: the visit is today's.
        var shown = parseDate(visited && visited.value);
        if (visited) visited.value = formatDate(new Date(), shown ? shown.be : true);
        suggest();
      });
    } else {
      var nameNode = document.getElementById("hv-person-name");
      personName = nameNode ? nameNode.textContent.trim() : "";
    }

    form.addEventListener("submit", function (event) {
      if (!offlinePage && navigator.onLine) return;  // the page posts as usual
      event.preventDefault();
      if (!personId) return;
      var fields = {};
      var photo = null;
      new FormData(form).forEach(function (value, name) {
        if (name === "csrfmiddlewaretoken" || name === "idempotency_key") return;
        if (typeof value === "string") fields[name] = value;
        else if (value.size) photo = value;
      });
      var limit = parseInt(form.getAttribute("data-max-photo-bytes"), 10);
      if (photo && limit && photo.size > limit) {
        fail(form.getAttribute("data-msg-photo-too-large"));
        return;
      }
      var entry = {
        key: keyField.value, user: form.getAttribute("data-user"), person: personId,
        person_name: personName, created_at: new Date().toISOString(), fields: fields,
        photo: photo, photo_name: photo ? photo.name : "", state: "waiting",
      };
      store.put("outbox", entry).then(function () {
        if (window.sessionStorage) sessionStorage.setItem("hv-saved-offline", "1");
        window.location.href = form.getAttribute("data-list-url");
      }, function () { fail(form.getAttribute("data-msg-not-kept")); });
    });
  }

  document.querySelectorAll("[data-adl-table]").forEach(function (table) { table.updateAdl(); });
})();
