// The asset map: one vector-tile layer per asset type, coloured by condition; grid clusters
// (circles sized by count) below each type's detail zoom; a tap on an asset opens its popup (the
// details come from the server by id, the tiles carry only id, condition and `pending`). Lines
// and areas known only by a point ("line not drawn yet") are dashed rings. Under it all, faintly,
// the municipality's outline and its road and drain network, so the map still reads when the base
// map does not load. A search box (code, name, street) flies to an asset and opens its popup.
window.cityAssetMap = function (map) {
  "use strict";
  var Base = window.CityMapBase;
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
      // The tile names a feature's type only once, as its layer; VectorGrid hands the same
      // properties object to the feature a tap returns, so note the type there for the popup.
      properties.asset_type = type;
      var colour = COLOURS[properties.condition] || COLOURS.good;
      if (properties.count !== undefined) {
        return {
          radius: Math.min(6 + 3 * Math.log2(properties.count + 1), 24),
          fill: true, fillColor: colour, fillOpacity: 0.7, color: "#ffffff", weight: 2
        };
      }
      if (properties.pending) {
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

  // --- The fallback base: the road and drain network, whatever the filters ---------------------

  function addBase() {
    if (!map.getPane("cityBase")) {
      var pane = map.createPane("cityBase");
      pane.style.zIndex = 250; // above the base tiles, below the outline (260) and the data (400)
      pane.style.pointerEvents = "none";
    }
    var baseStyles = {
      road: { weight: 4, color: "#9aa5a0", opacity: 0.55 },
      drain: { weight: 2, color: "#7f9fb0", opacity: 0.5 }
    };
    Base.vectorTiles(config.base, baseStyles, {
      interactive: false, pane: "cityBase", minZoom: config.baseMinZoom
    }).addTo(map);
  }

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
        // With its thousands separator (1,822), as the page wrote it: Thai and English group alike.
        if (cell) cell.textContent = Number(data.counts[type]).toLocaleString("en-US");
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

  // --- Popups ----------------------------------------------------------------------------------

  function assetBox(asset) {
    var box = CityMap.el("div", "map-popup");
    box.appendChild(CityMap.el("p", "map-popup-kind", asset.type_label));
    box.appendChild(CityMap.el("h3", "", asset.name));
    box.appendChild(CityMap.el("p", "map-popup-code", asset.code));
    box.appendChild(CityMap.facts([
      [asset.labels.condition, asset.condition_label],
      [asset.labels.status, asset.status_label],
      [asset.labels.community, asset.community]
    ]));
    if (asset.line_pending) box.appendChild(CityMap.el("p", "map-popup-pending", asset.pending_label));
    if (asset.url) box.appendChild(CityMap.link(asset.url, config.text.open));
    if (asset.draw_url) box.appendChild(CityMap.link(asset.draw_url, asset.draw_label, false));
    return box;
  }

  function openAsset(id, latlng, details) {
    return CityMap.popupFrom(map, latlng, config.text.loading,
      details || config.popup.replace("{id}", id), assetBox, config.text.failed);
  }

  // A cluster: what it holds, and a way in (zoom towards it, or the list of that type).
  function clusterBox(properties) {
    var box = CityMap.el("div", "map-popup map-popup-cluster");
    var type = properties.asset_type;
    box.appendChild(CityMap.el("p", "map-popup-kind", config.text.group));
    box.appendChild(CityMap.el("h3", "", config.labels.types[type] || ""));
    box.appendChild(CityMap.facts([
      [config.labels.count, properties.count + " " + config.text.assets],
      [config.labels.worst, config.labels.conditions[properties.condition]]
    ]));
    box.appendChild(CityMap.el("p", "muted", config.text.zoomIn));
    if (type) {
      box.appendChild(CityMap.link(config.list + "?asset_type=" + encodeURIComponent(type),
        config.text.inList, false));
    }
    return box;
  }

  function showFeature(event) {
    var properties = event.layer.properties || {};
    if (properties.count !== undefined) {
      Base.popup(map, event.latlng, clusterBox(properties));
      var zoom = Math.min(map.getZoom() + 2, config.detailZoom[properties.asset_type] || 16);
      map.setView(event.latlng, Math.max(zoom, map.getZoom()));
      return;
    }
    if (properties.id !== undefined) openAsset(properties.id, event.latlng);
  }

  // --- Search ----------------------------------------------------------------------------------

  function startSearch() {
    var searchForm = document.querySelector("[data-map-search]");
    if (!searchForm) return;
    var input = searchForm.querySelector("input[type=search]");
    var list = searchForm.querySelector("[data-map-search-results]");
    var status = searchForm.querySelector("[data-map-search-status]");
    var asked = 0;
    var timer = null;

    function say(text) { status.textContent = text || ""; }

    function go(result) {
      list.textContent = "";
      say("");
      input.value = result.code + " " + result.name;
      var at = L.latLng(result.at[0], result.at[1]);
      var detail = config.detailZoom[result.asset_type] || 16;
      var zoom = result.point ? 18 : Math.min(Math.max(map.getBoundsZoom(L.latLngBounds(result.bounds)), detail), 18);
      // The details travel while the map moves.
      var details = CityMap.getJSON(config.popup.replace("{id}", result.id));
      details.catch(function () { /* said in the popup */ });
      CityMap.goTo(map, at, zoom, function () { openAsset(result.id, at, details); });
    }

    function show(data, ticket) {
      if (ticket !== asked) return; // an older answer that came in late
      list.textContent = "";
      if (!data.results.length) {
        say(config.text.searchNone);
        return;
      }
      say(config.text.searchSome.replace("%(count)s", data.results.length));
      data.results.forEach(function (result) {
        var item = CityMap.el("li");
        var button = CityMap.el("button", "");
        button.type = "button";
        button.appendChild(CityMap.el("strong", "", result.code));
        button.appendChild(document.createTextNode(" " + result.name));
        button.appendChild(CityMap.el("span", "muted", result.type_label + " · " + result.condition_label));
        button.addEventListener("click", function () { go(result); });
        item.appendChild(button);
        list.appendChild(item);
      });
    }

    function search(thenGo) {
      var q = input.value.trim();
      asked += 1;
      var ticket = asked;
      if (q.length < 2) {
        list.textContent = "";
        say("");
        return;
      }
      say(config.text.searching);
      CityMap.getJSON(config.search + "?q=" + encodeURIComponent(q)).then(function (data) {
        if (thenGo && data.results.length === 1 && ticket === asked) {
          go(data.results[0]);
          return;
        }
        show(data, ticket);
      }).catch(function () { say(config.text.searchFailed); });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { search(false); }, 300);
    });
    searchForm.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      search(true);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { list.textContent = ""; say(""); }
    });
  }

  addBase();
  startSearch();
  CityMap.start(map, config.geo, form, apply);
};
