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

  var layer = CityMap.tileLayer(map, styles, showRequest);
  function apply(query) {
    CityMap.remember(query);
    layer.show(CityMap.withQuery(config.tiles, query));
  }

  function showRequest(event) {
    var properties = event.layer.properties || {};
    if (properties.id === undefined) return;
    CityMap.popupFrom(map, event.latlng, properties.tracking_code,
      config.popup.replace("{id}", properties.id), function (item) {
        var box = CityMap.el("div", "map-popup");
        box.appendChild(CityMap.el("p", "map-popup-kind", config.text.kind));
        box.appendChild(CityMap.el("h3", "", item.category_label));
        box.appendChild(CityMap.el("p", "map-popup-code", item.tracking_code));
        if (item.description) box.appendChild(CityMap.el("p", "", item.description));
        box.appendChild(CityMap.facts([
          [item.labels.status, item.status_label],
          [item.labels.priority, item.priority_label],
          [item.labels.due, item.due],
          [item.labels.address, item.address]
        ]));
        if (item.overdue) box.classList.add("is-overdue");
        if (item.url) box.appendChild(CityMap.link(item.url, config.text.open));
        return box;
      }, config.text.failed);
  }

  CityMap.start(map, config.geo, form, apply);
};
