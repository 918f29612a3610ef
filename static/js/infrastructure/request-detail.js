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
