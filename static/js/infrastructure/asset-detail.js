// Asset detail page: draw the asset's shape on the small map (django-leaflet calls this back).
window.cityAssetDetailMap = function (map) {
  "use strict";
  var data = JSON.parse(document.getElementById("asset-geometry").textContent);
  var colours = { good: "#1e7b34", fair: "#b07d00", poor: "#d9480f", out_of_service: "#b3261e" };
  var colour = colours[data.condition] || "#0b6e4f";
  var layer = L.geoJSON(data.geometry, {
    style: { color: colour, weight: 5, opacity: 0.9, fillOpacity: 0.25 },
    pointToLayer: function (feature, latlng) {
      if (data.line_pending) {
        // Known only by its point: the same dashed ring as on the asset map.
        return L.circleMarker(latlng, { radius: 10, color: colour, weight: 3, dashArray: "4 3",
          fillColor: "#fff", fillOpacity: 0.85 });
      }
      return L.circleMarker(latlng, { radius: 9, color: "#fff", weight: 2, fillColor: colour, fillOpacity: 0.9 });
    }
  }).addTo(map);
  if (data.geometry.type === "Point") {
    map.setView(layer.getBounds().getCenter(), 17);
  } else {
    map.fitBounds(layer.getBounds(), { maxZoom: 18, padding: [20, 20] });
  }
};
