// Shared by the infrastructure maps (asset map, open-requests map): configuration from a
// json_script block, framing on the municipality with its outline, vector-tile layers that follow
// the filters, and popups. Builds on static/js/map-base.js (CityMapBase, loaded with Leaflet) and
// the vendored, fixed Leaflet.VectorGrid.
(function () {
  "use strict";

  var Base = window.CityMapBase;
  var CityMap = {};

  // On a phone the map gets the screen; the filters open from their summary line.
  var panel = document.querySelector("[data-map-panel]");
  if (panel && window.matchMedia("(max-width: 899px)").matches) panel.open = false;

  CityMap.config = function (id) {
    return JSON.parse(document.getElementById(id).textContent);
  };

  // The municipality's outline (its boundary, else its province's) as a fallback base, framed:
  // the boundary when it is known, else the centre; the whole country otherwise.
  CityMap.frame = function (map, geo) {
    Base.frame(map, geo.outline, geo.centre, 15);
    if (geo.centre && !(geo.outline && geo.outline.source === "boundary")) {
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
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") +
      window.location.hash);
  };

  CityMap.tiles = function (url, styles) {
    return Base.vectorTiles(url, styles);
  };

  CityMap.getJSON = function (url) {
    return window.fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      });
  };

  CityMap.el = Base.el;
  CityMap.facts = Base.facts;
  CityMap.link = Base.link;

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

  // A popup that says `loading` at once, then shows build(data) for the JSON at `source` (a URL,
  // or the promise of a fetch already under way), or `failed` when that cannot be fetched.
  CityMap.popupFrom = function (map, latlng, loading, source, build, failed) {
    var popup = Base.popup(map, latlng, CityMap.el("p", "map-popup-loading", loading));
    var data = typeof source === "string" ? CityMap.getJSON(source) : source;
    return data.then(function (answer) {
      popup.setContent(build(answer));
      popup.update();
    }).catch(function () {
      popup.setContent(CityMap.el("p", "map-popup-error", failed));
    });
  };

  // Move the map to `latlng` at `zoom`, then call `then`: a short flight when the place is near
  // the current view, a jump when it is far (a flight across the country would fetch tiles at
  // every zoom it passes, on a phone's slow network).
  CityMap.goTo = function (map, latlng, zoom, then) {
    map.once("moveend", then);
    var near = map.getBounds().pad(1).contains(latlng);
    if (near) map.flyTo(latlng, zoom, { duration: 0.6 });
    else map.setView(latlng, zoom, { animate: false });
  };

  // A link may open the map on a place: #z/lat/lon (the dashboard's hotspot map links here).
  CityMap.viewFromHash = function (map) {
    var parts = window.location.hash.replace(/^#/, "").split("/").map(Number);
    if (parts.length !== 3 || parts.some(function (n) { return !isFinite(n); })) return false;
    map.setView([parts[1], parts[2]], Math.max(1, Math.min(parts[0], 19)));
    return true;
  };

  // Frame the municipality, follow the filter form and show what it asks for now.
  CityMap.start = function (map, geo, form, apply) {
    CityMap.frame(map, geo);
    CityMap.viewFromHash(map);
    CityMap.watchFilters(form, apply);
    apply(CityMap.query(form));
  };

  window.CityMap = CityMap;
})();
