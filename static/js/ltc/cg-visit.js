// The caregiver's visit form: "Check in" and "Check out" note the time and, when the phone
// allows it, the location into the form's hidden fields. A visit is still saved without them.
//
// Without a network (issue 23, as the volunteers' home visits of issue 16) the form keeps the
// visit on the phone instead of posting it: the one outbox of offline-register.js (IndexedDB
// "outbox"), with its photo and the idempotency key made here, then goes back to her list;
// offline-outbox.js sends it to ltc:visit-sync when the network returns, and the key lets the
// server record it once. On the page the service worker kept for offline use
// (data-offline-shell) there is no person on the page: it is filled in from the copy of her
// people kept on the phone (ltc:offline-copy, store "copy", key "ltc-people").
(function () {
  "use strict";
  var form = document.querySelector("[data-cg-visit-form]");
  if (!form) { return; }
  function field(name) { return form.querySelector('[name="' + name + '"]'); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function localStamp(d) {
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }
  function clock(d) { return pad(d.getHours()) + ":" + pad(d.getMinutes()); }

  form.querySelectorAll("[data-check]").forEach(function (button) {
    button.addEventListener("click", function () {
      var which = button.getAttribute("data-check");
      var now = new Date();
      field("check_" + which + "_at").value = localStamp(now);
      var status = form.querySelector('[data-check-status="' + which + '"]');
      status.textContent = button.textContent + " " + clock(now);
      button.setAttribute("aria-pressed", "true");
      if (!navigator.geolocation) { return; }
      navigator.geolocation.getCurrentPosition(function (position) {
        field("check_" + which + "_lat").value = position.coords.latitude.toFixed(6);
        field("check_" + which + "_lon").value = position.coords.longitude.toFixed(6);
      }, function () {
        status.textContent += " · " + form.getAttribute("data-msg-no-location");
      }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    });
  });

  // --- without a network -------------------------------------------------------------------
  // Only the caregiver's own visits wait in the outbox (ltc:visit-sync takes hers alone); a CM
  // recording one on her behalf does it online.
  var store = window.HvOffline;
  var keyField = field("idempotency_key");
  if (!store || !keyField) { return; }
  // One key per visit: a second tap, or the same visit sent again from the outbox, is recorded
  // once by the server.
  if (!keyField.value) { keyField.value = store.uuid(); }
  if (!form.hasAttribute("data-keeps-offline")) { return; }
  var offlinePage = form.hasAttribute("data-offline-shell");
  var errorNode = form.querySelector("[data-offline-error]");
  var match = /\/cases\/([0-9]+)\/visit\/$/.exec(window.location.pathname);
  var caseId = match ? match[1] : null;
  var nameNode = document.getElementById("cg-person-name");
  var personName = nameNode ? nameNode.textContent.trim() : "";

  function fail(message) {
    errorNode.textContent = message;
    errorNode.hidden = false;
    errorNode.scrollIntoView({ block: "center" });
  }

  if (offlinePage) {
    store.personFromCopy(form, "ltc-people", caseId).then(function (person) {
      if (!person) return;
      personName = person.name;
      // Today's rows of the plan's weekly schedule (the copy's days: 0 = Monday).
      var today = new Date();
      var rows = (person.schedule || {})[String((today.getDay() + 6) % 7)] || [];
      var schedule = document.querySelector("[data-copy-schedule]");
      var list = schedule.querySelector("ul");
      rows.forEach(function (row) {
        var item = document.createElement("li");
        item.textContent = row;
        list.appendChild(item);
      });
      schedule.hidden = rows.length === 0;
      // The page was kept on another day: the visit is today's (dd/mm/yyyy, Buddhist Era).
      var visited = field("visited_on");
      if (visited) {
        visited.value = pad(today.getDate()) + "/" + pad(today.getMonth() + 1) + "/" + (today.getFullYear() + 543);
      }
    });
  }

  form.addEventListener("submit", function (event) {
    if (!offlinePage && navigator.onLine) { return; }  // the page posts as usual
    event.preventDefault();
    if (!caseId) { return; }
    var fields = {};
    var photo = null;
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken" || name === "idempotency_key") { return; }
      if (typeof value !== "string") {
        if (value.size) { photo = value; }
        return;
      }
      // A ticked list (activities, problems) sends each value: kept as a list.
      if (Object.prototype.hasOwnProperty.call(fields, name)) {
        fields[name] = [].concat(fields[name], value);
      } else {
        fields[name] = value;
      }
    });
    var limit = parseInt(form.getAttribute("data-max-photo-bytes"), 10);
    if (photo && limit && photo.size > limit) {
      fail(form.getAttribute("data-msg-photo-too-large"));
      return;
    }
    var entry = {
      key: keyField.value, user: form.getAttribute("data-user"), "case": caseId,
      sync_url: form.getAttribute("data-sync-url"), person_name: personName,
      created_at: new Date().toISOString(), fields: fields,
      photo: photo, photo_name: photo ? photo.name : "", state: "waiting",
    };
    store.put("outbox", entry).then(function () {
      if (window.sessionStorage) { sessionStorage.setItem("hv-saved-offline", "1"); }
      window.location.href = form.getAttribute("data-list-url");
    }, function () { fail(form.getAttribute("data-msg-not-kept")); });
  });
})();
