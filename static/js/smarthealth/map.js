// The health map: household points from vector tiles (id + need only), coloured by need,
// filtered by the legend's checkboxes; a click fetches the household's popup (names) from
// the server, which checks access and writes the audit row. Called by django-leaflet.
window.cityHealthMap = function (map) {
  "use strict";
  var config = JSON.parse(document.getElementById("health-map-config").textContent);
  // Leaflet >= 1.8 removed fakeStop, which VectorGrid's click handling still calls; 1.9 has no
  // _fakeStop either, so mark the DOM event the way Leaflet's own layers check it (_stopped).
  L.DomEvent.fakeStop = L.DomEvent.fakeStop || L.DomEvent._fakeStop || function (event) {
    event._stopped = true;
  };

  // Tiles carry the need as its level (rules.NEED_LEVELS); the legend maps levels to colours.
  var colours = {};
  config.needs.forEach(function (need) {
    colours[need.level] = need.colour;
  });

  if (config.centre) map.setView(config.centre, 15);

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
  var layer = L.vectorGrid.protobuf(tileUrl(), {
    rendererFactory: L.canvas.tile,
    vectorTileLayerStyles: layerStyles,
    interactive: true,
    maxNativeZoom: 19,
    getFeatureId: function (feature) { return feature.properties.id; }
  }).addTo(map);

  layer.on("click", function (event) {
    var id = event.layer && event.layer.properties && event.layer.properties.id;
    if (!id) return;
    var popup = L.popup({ maxWidth: 320 }).setLatLng(event.latlng)
      .setContent('<p class="muted">…</p>').openOn(map);
    fetch(config.popup.replace("{id}", String(id)), {
      credentials: "same-origin",
      headers: { "Accept": "text/html" }
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.text();
    }).then(function (html) {
      // Server-rendered and escaped by Django's templates.
      popup.setContent(html);
    }).catch(function () {
      popup.setContent('<p class="error">' + form.getAttribute("data-error") + "</p>");
    });
  });

  form.addEventListener("change", function () { layer.setUrl(tileUrl()); });
  form.querySelector("[data-need-all]").addEventListener("click", function () {
    boxes.forEach(function (box) { box.checked = true; });
    layer.setUrl(tileUrl());
  });
};
