// A request's small map: the reported point and, when linked, the asset's shape. A request
// reported in words only has no point: the map opens on the municipality (its outline drawn, as
// on every map without base tiles) and staff tap the spot to set the pin (the "Set the pin" form,
// whose latitude/longitude the pin writes; the form can also move an existing pin).
// django-leaflet calls window.cityRequestDetailMap(map) once the map exists.
window.cityRequestDetailMap = function (map) {
  "use strict";
  var data = JSON.parse(document.getElementById("request-map-data").textContent);
  var editor = document.querySelector("[data-location-editor]");
  var point = data.point ? L.latLng(data.point[0], data.point[1]) : null;
  var bounds = point ? L.latLngBounds([point]) : null;
  if (data.asset) {
    var layer = L.geoJSON(data.asset, {
      style: { color: "#14395b", weight: 4 },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { radius: 7, color: "#14395b", fillOpacity: 0.6 });
      }
    }).addTo(map);
    layer.bindTooltip(data.asset.properties.code + " " + data.asset.properties.name);
    bounds = bounds ? bounds.extend(layer.getBounds()) : layer.getBounds();
  }
  var marker = point ? L.marker(point, { draggable: Boolean(editor), autoPan: true }).addTo(map) : null;
  if (!bounds) {
    window.CityMapBase.frame(map, data.outline, data.centre, 15);
  } else if (bounds.getNorthEast().equals(bounds.getSouthWest())) {
    map.setView(bounds.getCenter(), 17);
  } else {
    map.fitBounds(bounds.pad(0.3), { maxZoom: 18 });
  }
  if (!editor) return;

  var latInput = editor.querySelector("[name=latitude]");
  var lonInput = editor.querySelector("[name=longitude]");
  function round6(value) { return Math.round(value * 1e6) / 1e6; }
  function write(latlng) {
    latInput.value = round6(latlng.lat);
    lonInput.value = round6(latlng.lng);
    map.getContainer().setAttribute("data-pin", latInput.value + "," + lonInput.value);
  }
  function place(latlng) {
    if (marker) {
      marker.setLatLng(latlng);
    } else {
      marker = L.marker(latlng, { draggable: true, autoPan: true }).addTo(map);
      marker.on("dragend", function () { editor.open = true; write(marker.getLatLng()); });
    }
    write(latlng);
  }
  if (marker) marker.on("dragend", function () { editor.open = true; write(marker.getLatLng()); });
  // A tap sets the pin while the form is open (always, for a request without one), so a stray
  // tap while reading the map moves nothing.
  map.on("click", function (event) {
    if (!editor.open) return;
    place(event.latlng);
  });
  [latInput, lonInput].forEach(function (input) {
    input.addEventListener("change", function () {
      var lat = parseFloat(latInput.value), lon = parseFloat(lonInput.value);
      if (!isFinite(lat) || !isFinite(lon)) return;
      place(L.latLng(lat, lon));
      map.setView([lat, lon], Math.max(map.getZoom(), 16));
    });
  });
};

// The action bar (at the bottom of a phone's screen): "Comment" and "Photo" open their form
// (a closed <details> would hide it) and put the cursor in it, so the keyboard or the camera
// is one tap away. Without JavaScript the links still jump to the forms.
(function () {
  "use strict";
  var bar = document.querySelector("[data-action-bar]");
  if (!bar) { return; }
  bar.addEventListener("click", function (event) {
    var link = event.target.closest("[data-bar-open]");
    if (!link) { return; }
    var section = document.getElementById(link.getAttribute("data-bar-open"));
    if (!section) { return; }
    event.preventDefault();
    section.open = true;
    // The pin is set on the map above its form: bring the map into view, and no keyboard over it.
    var pin = section.hasAttribute("data-location-editor");
    (pin ? document.getElementById("request-detail-map") : section).scrollIntoView({ block: "start" });
    var field = section.querySelector("textarea, input[type=file], select, input:not([type=hidden])");
    if (field && field.type !== "file" && !pin) { field.focus({ preventScroll: true }); }
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "#" + section.id);
    }
  });
})();
