// The map of open service requests: red when overdue, blue when on time; bigger when urgent.
window.cityRequestMap = function (map) {
  "use strict";
  var CityMap = window.CityMap;
  var config = CityMap.config("request-map-config");
  var form = document.querySelector("[data-map-filters]");
  var SIZE = { low: 5, normal: 6, high: 8, urgent: 10 };
  var styles = {};
  styles[config.layer] = function (properties) {
    return {
      radius: SIZE[properties.priority] || 6,
      fill: true, fillColor: properties.overdue ? "#c62828" : "#1565c0", fillOpacity: 0.85,
      color: "#ffffff", weight: 2
    };
  };

  var grid = null;
  function apply(query) {
    CityMap.remember(query);
    var url = config.tiles + (query ? "?" + query : "");
    if (grid) {
      grid.setUrl(url);
      return;
    }
    grid = CityMap.tiles(url, styles);
    grid.on("click", showRequest);
    grid.addTo(map);
  }

  function showRequest(event) {
    var properties = event.layer.properties || {};
    var popup = L.popup().setLatLng(event.latlng)
      .setContent(CityMap.el("p", "map-popup-loading", properties.tracking_code))
      .openOn(map);
    CityMap.getJSON(config.popup.replace("{id}", properties.id)).then(function (item) {
      var box = CityMap.el("div", "map-popup");
      box.appendChild(CityMap.el("p", "map-popup-code", item.tracking_code));
      box.appendChild(CityMap.el("h3", "", item.category_label));
      if (item.description) box.appendChild(CityMap.el("p", "", item.description));
      box.appendChild(CityMap.facts([
        [item.labels.status, item.status_label],
        [item.labels.priority, item.priority_label],
        [item.labels.due, item.due]
      ]));
      if (item.overdue) box.classList.add("is-overdue");
      if (item.url) box.appendChild(CityMap.link(item.url, config.text.open));
      popup.setContent(box);
    }).catch(function () {
      popup.setContent(CityMap.el("p", "map-popup-error", config.text.failed));
    });
  }

  CityMap.frame(map, config.geo);
  CityMap.watchFilters(form, apply);
  apply(CityMap.query(form));
};
