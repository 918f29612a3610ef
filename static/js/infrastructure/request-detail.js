// A request's small map: the reported point and, when linked, the asset's shape.
// django-leaflet calls window.cityRequestDetailMap(map) once the map exists.
window.cityRequestDetailMap = function (map) {
  "use strict";
  var data = JSON.parse(document.getElementById("request-map-data").textContent);
  var point = L.latLng(data.point[0], data.point[1]);
  var bounds = L.latLngBounds([point]);
  if (data.asset) {
    var layer = L.geoJSON(data.asset, {
      style: { color: "#14395b", weight: 4 },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { radius: 7, color: "#14395b", fillOpacity: 0.6 });
      }
    }).addTo(map);
    layer.bindTooltip(data.asset.properties.code + " " + data.asset.properties.name);
    bounds.extend(layer.getBounds());
  }
  L.marker(point).addTo(map);
  if (bounds.getNorthEast().equals(bounds.getSouthWest())) {
    map.setView(point, 17);
  } else {
    map.fitBounds(bounds.pad(0.3), { maxZoom: 18 });
  }
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
    section.scrollIntoView({ block: "start" });
    var field = section.querySelector("textarea, input[type=file], select, input:not([type=hidden])");
    if (field && field.type !== "file") { field.focus({ preventScroll: true }); }
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "#" + section.id);
    }
  });
})();
