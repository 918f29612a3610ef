// The asset map: one vector-tile layer per asset type, coloured by condition; grid clusters
// (circles sized by count) below each type's detail zoom; popups with a link to the asset.
// Lines and areas known only by a point ("line not drawn yet") are dashed rings.
window.cityAssetMap = function (map) {
  "use strict";
  var CityMap = window.CityMap;
  var config = CityMap.config("asset-map-config");
  var form = document.querySelector("[data-map-filters]");
  var COLOURS = { good: "#1e7b34", fair: "#d98e04", poor: "#c62828", out_of_service: "#4a4a4a" };
  // Line weight and dashes tell the network types apart; size tells point types apart.
  var LOOKS = {
    road: { weight: 5 }, bridge: { weight: 7, radius: 8 }, drain: { weight: 3, dashArray: "6 4" },
    water_pipe: { weight: 2, dashArray: "2 5" }, building: { weight: 1.5, radius: 7 },
    streetlight: { radius: 4 }, cctv: { radius: 5 }, hydrant: { radius: 5 }, waste_bin: { radius: 4 }
  };

  function styleFor(type) {
    var look = LOOKS[type] || {};
    return function (properties) {
      var colour = COLOURS[properties.condition] || COLOURS.good;
      if (properties.count !== undefined) {
        return {
          radius: Math.min(6 + 3 * Math.log2(properties.count + 1), 24),
          fill: true, fillColor: colour, fillOpacity: 0.7, color: "#ffffff", weight: 2
        };
      }
      if (properties.line_pending) {
        // A road, drain… known only by its point: a white dot in a dashed ring of its condition.
        return {
          radius: 8, color: colour, weight: 3, dashArray: "4 3", opacity: 1,
          fill: true, fillColor: "#ffffff", fillOpacity: 0.85
        };
      }
      return {
        color: properties.condition === "out_of_service" ? COLOURS.out_of_service : colour,
        weight: look.weight || 1.5, dashArray: look.dashArray || null, radius: look.radius || 5,
        fill: true, fillColor: colour, fillOpacity: type === "building" ? 0.45 : 0.9, opacity: 0.95
      };
    };
  }

  var styles = {};
  Object.keys(config.detailZoom).forEach(function (type) { styles[type] = styleFor(type); });

  function checkedTypes() {
    return Array.prototype.map.call(form.querySelectorAll("input[name=type]:checked"), function (box) {
      return box.value;
    });
  }

  // The legend's numbers follow the filters (condition, status, community); ticking a layer on
  // or off changes only the total.
  function refreshCounts(query) {
    CityMap.getJSON(CityMap.withQuery(config.counts, query)).then(function (data) {
      Object.keys(data.counts).forEach(function (type) {
        var cell = document.querySelector("[data-map-count='" + type + "']");
        if (cell) cell.textContent = data.counts[type];
      });
      var total = document.querySelector("[data-map-total]");
      if (total) total.textContent = data.total_text;
    }).catch(function () { /* the numbers stay as they were; the map itself still works */ });
  }

  var layer = CityMap.tileLayer(map, styles, showFeature);
  var shown = null;
  function apply(query) {
    CityMap.remember(query);
    if (shown !== null && shown !== query) refreshCounts(query);
    shown = query;
    if (!checkedTypes().length) {
      layer.hide();
      return;
    }
    layer.show(CityMap.withQuery(config.tiles, query));
  }

  function showFeature(event) {
    var properties = event.layer.properties || {};
    if (properties.count !== undefined) {
      // A cluster: say how many, and zoom towards it.
      L.popup().setLatLng(event.latlng)
        .setContent(CityMap.el("p", "map-popup-cluster",
          properties.count + " " + config.text.assets + " · " + config.text.zoomIn))
        .openOn(map);
      map.setView(event.latlng, Math.min(map.getZoom() + 2, config.detailZoom.streetlight));
      return;
    }
    CityMap.popupFrom(map, event.latlng, properties.code + " " + properties.name,
      config.popup.replace("{id}", properties.id), function (asset) {
        var box = CityMap.el("div", "map-popup");
        box.appendChild(CityMap.el("p", "map-popup-code", asset.code));
        box.appendChild(CityMap.el("h3", "", asset.name));
        box.appendChild(CityMap.facts([
          [asset.labels.type, asset.type_label],
          [asset.labels.condition, asset.condition_label],
          [asset.labels.status, asset.status_label],
          [asset.labels.community, asset.community]
        ]));
        if (asset.line_pending) box.appendChild(CityMap.el("p", "map-popup-pending", asset.pending_label));
        if (asset.url) box.appendChild(CityMap.link(asset.url, config.text.open));
        if (asset.draw_url) {
          var draw = CityMap.link(asset.draw_url, asset.draw_label);
          draw.className = "button map-popup-link";
          box.appendChild(draw);
        }
        return box;
      }, config.text.failed);
  }

  CityMap.start(map, config.geo, form, apply);
};
