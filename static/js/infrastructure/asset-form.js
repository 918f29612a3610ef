// Asset create / edit form: show the attribute fields of the chosen type, say how to draw it,
// place a point at the phone's location, and let people type coordinates instead of drawing.
(function () {
  "use strict";
  var form = document.querySelector("[data-asset-form]");
  if (!form) return;
  var typeSelect = form.querySelector("[name=asset_type]");
  var hints = JSON.parse(document.getElementById("asset-draw-hints").textContent);
  var hint = form.querySelector("[data-draw-hint]");
  var defaultHint = hint.textContent;
  var pointTypes = (form.getAttribute("data-point-types") || "").split(" ");
  var status = form.querySelector("[data-location-status]");
  var locateButton = form.querySelector("[data-use-location]");
  var rawButton = form.querySelector("[data-show-raw]");
  var map = null;
  var geometryField = null;

  function showAttributes() {
    var chosen = typeSelect.value;
    form.querySelectorAll("[data-attributes-for]").forEach(function (section) {
      var active = section.getAttribute("data-attributes-for") === chosen;
      section.hidden = !active;
      // Hidden groups are not sent: the server only reads the chosen type's fields anyway.
      section.querySelectorAll("input, select, textarea").forEach(function (input) { input.disabled = !active; });
    });
    hint.textContent = hints[chosen] || defaultHint;
  }
  typeSelect.addEventListener("change", showAttributes);
  showAttributes();

  // django-leaflet announces the map, then the geometry field it carries.
  window.addEventListener("map:init", function (event) {
    map = event.detail.map;
    map.on("map:loadfield", function (e) { geometryField = e.field; });
  });

  if (navigator.geolocation && locateButton) {
    locateButton.hidden = false;
    locateButton.addEventListener("click", function () {
      status.textContent = form.getAttribute("data-msg-locating");
      navigator.geolocation.getCurrentPosition(function (position) {
        var latlng = L.latLng(position.coords.latitude, position.coords.longitude);
        if (!map) return;
        if (geometryField && pointTypes.indexOf(typeSelect.value) !== -1) {
          geometryField.onCreated({ layer: L.marker(latlng) });
          status.textContent = form.getAttribute("data-msg-placed");
        } else {
          status.textContent = form.getAttribute("data-msg-centred");
        }
        map.setView(latlng, 18);
      }, function () {
        status.textContent = form.getAttribute("data-msg-failed");
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  if (rawButton) {
    rawButton.addEventListener("click", function () {
      var raw = document.getElementById(rawButton.getAttribute("aria-controls"));
      raw.hidden = !raw.hidden;
      raw.classList.add("asset-geometry-raw");
      if (!raw.hidden) raw.focus();
    });
  }
})();
