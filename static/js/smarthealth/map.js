// The health map: household points from vector tiles (id + need level only), coloured by need,
// filtered by the legend's checkboxes; a tap fetches the household's popup (names) from the
// server, which checks access and writes the audit row. Under them the municipality's outline, so
// the map still reads when the base map does not load. Called by django-leaflet; CityMapBase
// (static/js/map-base.js) comes with Leaflet, the fixed VectorGrid with the page.
window.cityHealthMap = function (map) {
  "use strict";
  var Base = window.CityMapBase;
  var config = JSON.parse(document.getElementById("health-map-config").textContent);

  // Tiles carry the need as its level (rules.NEED_LEVELS); the legend maps levels to colours.
  var colours = {};
  config.needs.forEach(function (need) {
    colours[need.level] = need.colour;
  });

  Base.frame(map, config.outline, config.centre, 15);

  function style(properties) {
    var level = properties.need_level || 0;
    return {
      radius: 4 + Math.min(level, 7),
      weight: 1,
      color: "#ffffff",
      fill: true,
      fillColor: colours[level] || "#9aa0a6",
      fillOpacity: 0.9
    };
  }

  var form = document.getElementById("health-map-needs");
  var boxes = form.querySelectorAll('input[name="need"]');

  function tileUrl() {
    var chosen = [];
    boxes.forEach(function (box) { if (box.checked) chosen.push(box.value); });
    // Every need ticked: no filter, so the browser can reuse cached tiles.
    if (chosen.length === boxes.length) return config.tiles;
    return config.tiles + "?need=" + encodeURIComponent(chosen.join(",") || "-");
  }

  var layerStyles = {};
  layerStyles[config.layer] = style;
  var layer = Base.vectorTiles(tileUrl(), layerStyles).addTo(map);

  function failed() {
    return Base.el("p", "map-popup-error", form.getAttribute("data-error"));
  }

  layer.on("click", function (event) {
    var id = event.layer && event.layer.properties && event.layer.properties.id;
    if (id === undefined || id === null) return;
    var popup = Base.popup(map, event.latlng, Base.el("p", "map-popup-loading", config.text.loading));
    fetch(config.popup.replace("{id}", String(id)), {
      credentials: "same-origin",
      headers: { "Accept": "text/html" }
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.text();
    }).then(function (html) {
      // Server-rendered and escaped by Django's templates (smarthealth/care_map_popup.html).
      popup.setContent(html);
      popup.update();
    }).catch(function () {
      popup.setContent(failed());
    });
  });

  form.addEventListener("change", function () { layer.setUrl(tileUrl()); });
  form.querySelector("[data-need-all]").addEventListener("click", function () {
    boxes.forEach(function (box) { box.checked = true; });
    layer.setUrl(tileUrl());
  });
};
