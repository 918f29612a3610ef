// Shared by the infrastructure maps (asset map, open-requests map): configuration from a
// json_script block, framing on the municipality, vector-tile layers and safe popups.
(function () {
  "use strict";

  // Leaflet.VectorGrid 1.3 calls L.DomEvent.fakeStop, which Leaflet 1.8 renamed; without this
  // every click on a feature throws.
  L.DomEvent.fakeStop = L.DomEvent.fakeStop || L.DomEvent._fakeStop;

  var CityMap = {};

  // On a phone the map gets the screen; the filters open from their summary line.
  var panel = document.querySelector("[data-map-panel]");
  if (panel && window.matchMedia("(max-width: 899px)").matches) panel.open = false;

  CityMap.config = function (id) {
    return JSON.parse(document.getElementById(id).textContent);
  };

  // The municipality's boundary when it is known, else its centre; the whole country otherwise
  // (django-leaflet's default view).
  CityMap.frame = function (map, geo) {
    if (geo.boundary) {
      var outline = L.geoJSON(geo.boundary, {
        interactive: false,
        style: { color: "#0b6e4f", weight: 2, fill: false, dashArray: "6 4" }
      }).addTo(map);
      map.fitBounds(outline.getBounds());
    } else if (geo.centre) {
      map.setView(geo.centre, 15);
      L.circleMarker(geo.centre, { radius: 7, color: "#0b6e4f", weight: 2, fillOpacity: 0.2, interactive: false })
        .addTo(map);
    }
  };

  // The form's fields as a query string (the same parameters the page itself accepts).
  CityMap.query = function (form) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (value !== "") params.append(key, value);
    });
    return params.toString();
  };

  // Keep the address bar in step with the filters, so the view can be bookmarked or shared.
  CityMap.remember = function (query) {
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
  };

  CityMap.tiles = function (url, styles) {
    return L.vectorGrid.protobuf(url, {
      rendererFactory: L.canvas.tile,
      vectorTileLayerStyles: styles,
      interactive: true,
      maxNativeZoom: 19,
      fetchOptions: { credentials: "same-origin" }
    });
  };

  CityMap.getJSON = function (url) {
    return window.fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      });
  };

  // Popups are built from DOM nodes with textContent: names typed by staff or citizens are
  // never parsed as HTML.
  CityMap.el = function (tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  };

  CityMap.facts = function (rows) {
    var list = CityMap.el("dl", "map-popup-facts");
    rows.forEach(function (row) {
      if (!row[1]) return;
      list.appendChild(CityMap.el("dt", "", row[0]));
      list.appendChild(CityMap.el("dd", "", row[1]));
    });
    return list;
  };

  CityMap.link = function (href, text) {
    var a = CityMap.el("a", "button primary map-popup-link", text);
    a.href = href;
    return a;
  };

  // Submit the filter form without reloading the page: `apply` gets the new query string.
  CityMap.watchFilters = function (form, apply) {
    form.addEventListener("change", function () { apply(CityMap.query(form)); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      apply(CityMap.query(form));
    });
  };

  CityMap.withQuery = function (url, query) {
    return url + (query ? "?" + query : "");
  };

  // One vector-tile layer that follows the filters: made on the first `show`, re-pointed after,
  // so the map keeps its tiles' cache and click handler.
  CityMap.tileLayer = function (map, styles, onClick) {
    var grid = null;
    return {
      show: function (url) {
        if (grid) {
          grid.setUrl(url);
          return;
        }
        grid = CityMap.tiles(url, styles);
        grid.on("click", onClick);
        grid.addTo(map);
      },
      hide: function () {
        if (grid) { map.removeLayer(grid); grid = null; }
      }
    };
  };

  // A popup that says `loading` at once, then shows build(data) for the JSON at `url`, or
  // `failed` when that cannot be fetched.
  CityMap.popupFrom = function (map, latlng, loading, url, build, failed) {
    var popup = L.popup().setLatLng(latlng)
      .setContent(CityMap.el("p", "map-popup-loading", loading))
      .openOn(map);
    CityMap.getJSON(url).then(function (data) {
      popup.setContent(build(data));
    }).catch(function () {
      popup.setContent(CityMap.el("p", "map-popup-error", failed));
    });
  };

  // Frame the municipality, follow the filter form and show what it asks for now.
  CityMap.start = function (map, geo, form, apply) {
    CityMap.frame(map, geo);
    CityMap.watchFilters(form, apply);
    apply(CityMap.query(form));
  };

  window.CityMap = CityMap;
})();
