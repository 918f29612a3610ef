// Called by django-leaflet once the home page map exists: centre it on the municipality.
window.cityHomeMap = function (map) {
  "use strict";
  var data = JSON.parse(document.getElementById("municipality-geo").textContent);
  if (data.boundary) {
    var layer = L.geoJSON(data.boundary, { style: { color: "#0b6e4f", weight: 2, fillOpacity: 0.08 } }).addTo(map);
    map.fitBounds(layer.getBounds());
  } else {
    map.setView(data.centre, 14);
  }
  L.circleMarker(data.centre, { radius: 8, color: "#0b6e4f", fillOpacity: 0.8 })
    .addTo(map)
    .bindTooltip(data.name);
};
