// Called by django-leaflet once the home page map exists: the municipality's outline (its
// boundary, else its province's when the page sends `outline` as tenants/maps.py builds it) and
// its centre. CityMapBase comes with Leaflet (static/js/map-base.js).
window.cityHomeMap = function (map) {
  "use strict";
  var data = JSON.parse(document.getElementById("municipality-geo").textContent);
  var outline = data.outline || (data.boundary ? { geometry: data.boundary, source: "boundary" } : null);
  window.CityMapBase.frame(map, outline, data.centre, 14);
  L.circleMarker(data.centre, { radius: 8, color: "#0b6e4f", fillOpacity: 0.8 })
    .addTo(map)
    .bindTooltip(data.name);
};
