// New service request: pick the place on the map (tap, drag the pin, or "use my location"),
// keep the latitude/longitude fields in step, and accept a suggested asset code.
// django-leaflet calls window.cityRequestPickMap(map) once the map exists.
(function () {
  "use strict";
  var latInput = document.getElementById("id_latitude");
  var lonInput = document.getElementById("id_longitude");
  var assetInput = document.getElementById("id_asset_code");
  var noAsset = document.getElementById("id_no_asset");
  var statusBox = document.querySelector("[data-locate-status]");
  var marker = null;
  var map = null;

  function changed(input) {
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function setPoint(latlng, zoom) {
    latInput.value = latlng.lat.toFixed(6);
    lonInput.value = latlng.lng.toFixed(6);
    placeMarker(latlng, zoom);
    changed(latInput);
  }

  function placeMarker(latlng, zoom) {
    if (!map) return;
    if (!marker) {
      marker = L.marker(latlng, { draggable: true, autoPan: true }).addTo(map);
      marker.on("dragend", function () { setPoint(marker.getLatLng()); });
    } else {
      marker.setLatLng(latlng);
    }
    if (zoom) map.setView(latlng, zoom);
  }

  function typedPoint() {
    var lat = parseFloat(latInput.value), lon = parseFloat(lonInput.value);
    return isNaN(lat) || isNaN(lon) ? null : L.latLng(lat, lon);
  }

  window.cityRequestPickMap = function (m) {
    map = m;
    var centreNode = document.getElementById("request-map-centre");
    var centre = centreNode ? JSON.parse(centreNode.textContent) : null;
    var typed = typedPoint();
    if (typed) {
      placeMarker(typed, 17);
    } else if (centre) {
      map.setView(centre, 15);
    }
    map.on("click", function (e) { setPoint(e.latlng); });
  };

  [latInput, lonInput].forEach(function (input) {
    input.addEventListener("change", function () {
      var p = typedPoint();
      if (p) placeMarker(p, map ? Math.max(map.getZoom(), 16) : null);
    });
  });

  var locate = document.querySelector("[data-locate]");
  if (locate) {
    if (!("geolocation" in navigator)) {
      locate.hidden = true;
    }
    locate.addEventListener("click", function () {
      statusBox.textContent = locate.getAttribute("data-wait") || "…";
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          statusBox.textContent = "";
          setPoint(L.latLng(pos.coords.latitude, pos.coords.longitude), 18);
        },
        function () {
          statusBox.textContent = locate.getAttribute("data-failed") || "";
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }

  // "Fill in this code" in the suggestion that htmx puts under the map.
  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-use-asset]");
    if (!button) return;
    assetInput.value = button.getAttribute("data-use-asset");
    if (noAsset) noAsset.checked = false;
    assetInput.focus();
  });
})();
