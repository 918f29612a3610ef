// The caregiver's visit form: "Check in" and "Check out" note the time and, when the phone
// allows it, the location into the form's hidden fields. A visit is still saved without them.
// Without a network when she taps "Save", the visit is kept on the phone (cg-outbox.js) and sent
// when the network returns; its idempotency key, made here, lets the server record it once.
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
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }
  if (field("idempotency_key") && !field("idempotency_key").value) field("idempotency_key").value = uuid();
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
  form.addEventListener("submit", function (event) {
    if (navigator.onLine || !window.LtcOutbox) return;
    event.preventDefault();
    window.LtcOutbox.keep(form).then(function () {
      var kept = document.querySelector("[data-ltc-kept]");
      if (kept) kept.hidden = false;
      form.reset();
      form.hidden = true;
    });
  });
})();
