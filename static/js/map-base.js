// What every map needs, whatever it shows. django-leaflet loads this on every Leaflet page (the
// "city-maps" plugin in LEAFLET_CONFIG, cityplatform/settings.py), after Leaflet and before the
// page's own script.
// - When the base map's tiles fail (offline, a weak rural network, the tile server down), a short
//   notice on the map; the map fires "citybasefailed" so a page can add its own advice.
// - The municipality's outline drawn as a fallback base (CityMapBase.outline).
// - Vector-tile layers whose features answer a click or a tap (CityMapBase.vectorTiles), and
//   popups built from text nodes (CityMapBase.el / facts / link / popup).
(function () {
  "use strict";

  var Base = {};

  // A finger is wider than a mouse pointer: on a touch screen a tap this many pixels beside a
  // feature still hits it.
  Base.tolerance = function () {
    var coarse = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
    return coarse || L.Browser.mobile ? 12 : 3;
  };

  // --- The notice when the base tiles fail -----------------------------------------------------

  var Notice = L.Control.extend({
    options: { position: "topright" },
    onAdd: function () {
      var box = L.DomUtil.create("div", "city-map-notice");
      box.setAttribute("role", "status");
      box.textContent = this.options.text;
      L.DomEvent.disableClickPropagation(box);
      return box;
    }
  });

  function watchBaseTiles(map) {
    map.eachLayer(function (layer) {
      var text = layer instanceof L.TileLayer && layer.options.cityFailedText;
      if (!text) return;
      var notice = null;
      var failedInBatch = 0;
      layer.on("loading", function () { failedInBatch = 0; });
      layer.on("tileerror", function () {
        failedInBatch += 1;
        if (notice) return;
        notice = new Notice({ text: text }).addTo(map);
        L.DomUtil.addClass(map.getContainer(), "city-map-no-base");
        map.fire("citybasefailed");
      });
      // A whole view of tiles loaded without an error: the network is back.
      layer.on("load", function () {
        if (failedInBatch || !notice) return;
        notice.remove();
        notice = null;
        L.DomUtil.removeClass(map.getContainer(), "city-map-no-base");
      });
    });
  }

  window.addEventListener("map:init", function (event) { watchBaseTiles(event.detail.map); });

  // --- The outline -----------------------------------------------------------------------------

  // `outline` is {geometry, source} from tenants/maps.py (or null). Drawn in its own pane above
  // the base tiles and below the data, letting every click through to the layers beneath.
  Base.outline = function (map, outline) {
    if (!outline || !outline.geometry) return null;
    if (!map.getPane("cityOutline")) {
      var pane = map.createPane("cityOutline");
      pane.style.zIndex = 260;
      pane.style.pointerEvents = "none";
    }
    var own = outline.source === "boundary";
    return L.geoJSON(outline.geometry, {
      pane: "cityOutline",
      interactive: false,
      style: own
        ? { color: "#0b6e4f", weight: 3, opacity: 0.9, fill: true, fillColor: "#0b6e4f", fillOpacity: 0.04 }
        : { color: "#0b6e4f", weight: 2, opacity: 0.7, dashArray: "8 6", fill: false }
    }).addTo(map);
  };

  // Frame the municipality: its own boundary when it has one, else its centre (a province is far
  // wider than a town), else leave django-leaflet's view of the whole country.
  Base.frame = function (map, outline, centre, zoom) {
    var layer = Base.outline(map, outline);
    if (layer && outline.source === "boundary") {
      map.fitBounds(layer.getBounds());
    } else if (centre) {
      map.setView(centre, zoom || 15);
    } else if (layer) {
      map.fitBounds(layer.getBounds());
    }
    return layer;
  };

  // --- Vector tiles that answer a tap ----------------------------------------------------------

  // The vendored, fixed Leaflet.VectorGrid (static/vendor/leaflet.vectorgrid/) on a canvas per
  // tile, in the overlay pane (above the outline), with the hit tolerance of the device.
  Base.vectorTiles = function (url, styles, options) {
    return L.vectorGrid.protobuf(url, L.extend({
      rendererFactory: L.canvas.tile,
      vectorTileLayerStyles: styles,
      interactive: true,
      tolerance: Base.tolerance(),
      pane: "overlayPane",
      maxNativeZoom: 19,
      // Tiles for the zoom the map lands on only, not for every zoom an animation passes.
      updateWhenZooming: false,
      fetchOptions: { credentials: "same-origin" }
    }, options || {}));
  };

  // --- Popups ----------------------------------------------------------------------------------

  // Built from DOM nodes with textContent: names typed by staff or citizens are never parsed as
  // HTML.
  Base.el = function (tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  };

  // A definition list of [label, value] rows; rows without a value are left out.
  Base.facts = function (rows) {
    var list = Base.el("dl", "map-popup-facts");
    rows.forEach(function (row) {
      if (row[1] === undefined || row[1] === null || row[1] === "") return;
      list.appendChild(Base.el("dt", "", row[0]));
      list.appendChild(Base.el("dd", "", String(row[1])));
    });
    return list;
  };

  Base.link = function (href, text, primary) {
    var a = Base.el("a", (primary === false ? "button" : "button primary") + " map-popup-link", text);
    a.href = href;
    return a;
  };

  Base.popup = function (map, latlng, content) {
    return L.popup({ maxWidth: 300, autoPanPadding: L.point(12, 12) })
      .setLatLng(latlng).setContent(content).openOn(map);
  };

  window.CityMapBase = Base;
})();
