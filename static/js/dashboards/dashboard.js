// The dashboard and the disaster view: a print button, the hotspot map and the disaster map.
// Maps are called by django-leaflet (callback="window.city…Map"); data comes from json_script.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  // Requests per grid cell: darker = more; the counts come from the aggregate table.
  window.cityHotspotMap = function (map) {
    var config = data("hotspot-data");
    if (!config) return;
    var max = 1;
    config.cells.forEach(function (cell) { max = Math.max(max, cell.count); });
    var layer = L.featureGroup();
    config.cells.forEach(function (cell) {
      var share = cell.count / max;
      L.rectangle(cell.bounds, {
        weight: 0.5, color: "#7f1d1d", fillColor: "#b3261e", fillOpacity: 0.15 + 0.65 * share
      }).bindTooltip(String(cell.count)).addTo(layer);
    });
    layer.addTo(map);
    if (config.cells.length) map.fitBounds(layer.getBounds(), { padding: [12, 12] });
    else if (config.centre) map.setView(config.centre, 14);
  };

  var HAZARD = { flood: "#1565c0", drain: "#00838f", road: "#6d4c41", drain_poor: "#8d6e00" };

  // Hazards with their zone, and the households at risk (health roles only get this map).
  window.cityDisasterMap = function (map) {
    var config = data("disaster-data");
    if (!config) return;
    var layer = L.featureGroup();
    config.hazards.forEach(function (hazard) {
      var colour = HAZARD[hazard.kind] || "#555";
      L.geoJSON(hazard.zone, { style: { color: colour, weight: 1, fillOpacity: 0.08, dashArray: "4 3" } })
        .addTo(layer);
      L.geoJSON(hazard.geometry, {
        style: { color: colour, weight: 4 },
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, { radius: 6, color: "#fff", weight: 2, fillColor: colour, fillOpacity: 1 });
        }
      }).bindTooltip(hazard.label).addTo(layer);
    });
    config.households.forEach(function (household) {
      L.circleMarker(household.at, {
        radius: 6, color: "#fff", weight: 1.5, fillOpacity: 1,
        fillColor: household.bedbound ? "#b3261e" : "#f08a00"
      }).bindTooltip(household.label).addTo(layer);
    });
    layer.addTo(map);
    if (config.households.length || config.hazards.length) map.fitBounds(layer.getBounds(), { padding: [16, 16] });
    else if (config.centre) map.setView(config.centre, 14);
  };
})();
