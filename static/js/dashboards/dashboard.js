// The dashboard and the disaster view: a print button, the hotspot map and the disaster map.
// Maps are called by django-leaflet (callback="window.city…Map"); data comes from json_script
// (dashboards/maps.py). A tap on any square, hazard or household opens a popup saying what it is,
// with a link to its page for those who may open it; the municipality's outline is drawn under
// them (CityMapBase, static/js/map-base.js, comes with Leaflet).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // Phones: each chart shows its table (dashboards.css hides the SVG while the table is open).
  var narrow = window.matchMedia("(max-width: 599.98px)");
  function tablesForPhones() {
    document.querySelectorAll("details[data-chart-table]").forEach(function (details) {
      if (narrow.matches) details.open = true;
    });
  }
  tablesForPhones();
  if (narrow.addEventListener) narrow.addEventListener("change", tablesForPhones);

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function frame(map, config, layer) {
    var Base = window.CityMapBase;
    Base.outline(map, config.outline);
    if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { padding: [16, 16] });
    else Base.frame(map, null, config.centre, 14);
  }

  // Requests per grid cell: darker = more; the counts come from the aggregate table.
  window.cityHotspotMap = function (map) {
    var Base = window.CityMapBase;
    var config = data("hotspot-data");
    if (!config) return;
    var max = 1;
    config.cells.forEach(function (cell) { max = Math.max(max, cell.count); });
    var layer = L.featureGroup();
    config.cells.forEach(function (cell) {
      var share = cell.count / max;
      var square = L.rectangle(cell.bounds, {
        weight: 0.5, color: "#7f1d1d", fillColor: "#b3261e", fillOpacity: 0.15 + 0.65 * share
      }).bindTooltip(String(cell.count)).addTo(layer);
      square.on("click", function () {
        var box = Base.el("div", "map-popup");
        box.appendChild(Base.el("p", "map-popup-kind", config.text.kind));
        box.appendChild(Base.facts([[config.text.count, cell.count]]));
        if (config.requestMap) {
          var centre = square.getBounds().getCenter();
          var at = [config.zoom, centre.lat.toFixed(5), centre.lng.toFixed(5)].join("/");
          box.appendChild(Base.link(config.requestMap + "#" + at, config.text.open));
        }
        Base.popup(map, square.getBounds().getCenter(), box);
      });
    });
    layer.addTo(map);
    frame(map, config, layer);
  };

  var HAZARD = { flood: "#1565c0", drain: "#00838f", road: "#6d4c41", drain_poor: "#8d6e00" };

  // Every reader: a circle per community with its count. Health roles also get the hazards with
  // their zone and the households at risk.
  window.cityDisasterMap = function (map) {
    var Base = window.CityMapBase;
    var config = data("disaster-data");
    if (!config) return;
    var layer = L.featureGroup();

    function popupFor(kind, title, rows, url, linkText) {
      return function (event) {
        var box = Base.el("div", "map-popup");
        box.appendChild(Base.el("p", "map-popup-kind", kind));
        box.appendChild(Base.el("h3", "", title));
        if (rows.length) box.appendChild(Base.facts(rows));
        if (url) box.appendChild(Base.link(url, linkText));
        Base.popup(map, event.latlng, box);
      };
    }

    (config.communities || []).forEach(function (community) {
      var label = community.name + ": " + community.count;
      L.circleMarker(community.at, {
        radius: 10 + Math.min(14, Math.sqrt(community.households || 1) * 2), color: "#7f1d1d", weight: 1.5,
        fillColor: "#b3261e", fillOpacity: 0.25
      }).bindTooltip(label, { permanent: !config.households.length, direction: "top" })
        .on("click", popupFor(config.text.community, community.name,
          [[config.text.households, community.count]], null, ""))
        .addTo(layer);
    });
    config.hazards.forEach(function (hazard) {
      var colour = HAZARD[hazard.kind] || "#555";
      L.geoJSON(hazard.zone, {
        interactive: false, style: { color: colour, weight: 1, fillOpacity: 0.08, dashArray: "4 3" }
      }).addTo(layer);
      L.geoJSON(hazard.geometry, {
        style: { color: colour, weight: 4 },
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, { radius: 7, color: "#fff", weight: 2, fillColor: colour, fillOpacity: 1 });
        }
      }).bindTooltip(hazard.label)
        .on("click", popupFor(config.text.hazard, hazard.label, [], hazard.url, config.text.openHazard))
        .addTo(layer);
    });
    config.households.forEach(function (household) {
      L.circleMarker(household.at, {
        radius: 7, color: "#fff", weight: 1.5, fillOpacity: 1,
        fillColor: household.bedbound ? "#b3261e" : "#f08a00"
      }).bindTooltip(household.label)
        .on("click", popupFor(config.text.household, household.label,
          [[config.text.nearest, household.kind]], household.url, config.text.openHousehold))
        .addTo(layer);
    });
    layer.addTo(map);
    frame(map, config, layer);
  };
})();
