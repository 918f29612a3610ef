// The household location: a Leaflet point picker on the household form (tap to place, drag to
// adjust, "use my location"), or a fixed pin on the household page. Called by django-leaflet
// once the map exists; settings come from the json_script block "household-map-settings".
window.registryHouseholdMap = function (map) {
  "use strict";
  var settings = JSON.parse(document.getElementById("household-map-settings").textContent);
  var latInput = document.querySelector("[data-picker-lat]");
  var lonInput = document.querySelector("[data-picker-lon]");
  var status = document.querySelector("[data-location-status]");
  var marker = null;

  map.setView(settings.centre, settings.zoom);
  if (settings.readonly) {
    if (settings.hasPoint) L.marker(settings.centre, { keyboard: false }).addTo(map);
    return;
  }

  function say(key) {
    if (status) status.textContent = key ? status.getAttribute("data-msg-" + key) || "" : "";
  }

  function write(latlng) {
    latInput.value = latlng.lat.toFixed(6);
    lonInput.value = latlng.lng.toFixed(6);
  }

  function place(latlng, pan) {
    if (marker) {
      marker.setLatLng(latlng);
    } else {
      marker = L.marker(latlng, { draggable: true }).addTo(map);
      marker.on("dragend", function () { write(marker.getLatLng()); });
    }
    write(latlng);
    if (pan) map.setView(latlng, Math.max(map.getZoom(), 17));
  }

  function fromInputs() {
    var lat = parseFloat(latInput.value), lon = parseFloat(lonInput.value);
    if (isFinite(lat) && isFinite(lon)) place(L.latLng(lat, lon), true);
  }

  if (settings.hasPoint) place(L.latLng(settings.centre[0], settings.centre[1]), false);
  else fromInputs();  // a re-shown form after an error keeps the typed values
  map.on("click", function (event) { place(event.latlng, false); say(""); });
  latInput.addEventListener("change", fromInputs);
  lonInput.addEventListener("change", fromInputs);

  var locate = document.querySelector("[data-use-location]");
  if (locate) {
    locate.addEventListener("click", function () {
      if (!navigator.geolocation) { say("unsupported"); return; }
      say("locating");
      navigator.geolocation.getCurrentPosition(
        function (position) {
          place(L.latLng(position.coords.latitude, position.coords.longitude), true);
          say("");
        },
        function () { say("denied"); },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }
  var clear = document.querySelector("[data-clear-location]");
  if (clear) {
    clear.addEventListener("click", function () {
      if (marker) { map.removeLayer(marker); marker = null; }
      latInput.value = "";
      lonInput.value = "";
    });
  }
};
