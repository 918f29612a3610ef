// The national map (templates/national/map.html): called by django-leaflet once the map exists.
// Each municipality is a circle coloured by the chosen indicator (#national-points); a click or a
// tap opens a popup with its name, kind, value and snapshot date and a link to its console page.
// Under the circles, each municipality's outline (its boundary, else its province's) as a
// fallback base (#national-map-config; CityMapBase comes with Leaflet, static/js/map-base.js).
window.nationalMap = function (map) {
  "use strict";
  var Base = window.CityMapBase;
  var points = JSON.parse(document.getElementById("national-points").textContent);
  var config = JSON.parse(document.getElementById("national-map-config").textContent);
  var text = config.text;

  Object.keys(config.outlines).forEach(function (key) { Base.outline(map, config.outlines[key]); });

  function popupFor(p) {
    var box = Base.el("div", "map-popup");
    box.appendChild(Base.el("p", "map-popup-kind", p.kind));
    box.appendChild(Base.el("h3", "", p.name));
    box.appendChild(Base.facts([
      [text.indicator, p.value + (p.note ? " — " + p.note : "")],
      [text.snapshot, p.date || text.notPublished]
    ]));
    if (p.url) box.appendChild(Base.link(p.url, text.open));
    return box;
  }

  var bounds = [];
  points.forEach(function (p) {
    var marker = L.circleMarker([p.lat, p.lon], {
      radius: 10, color: "#333", weight: 1, fillColor: p.colour, fillOpacity: 0.9
    }).addTo(map);
    var tip = document.createElement("span");
    var name = document.createElement("strong");
    name.textContent = p.name;
    tip.appendChild(name);
    tip.appendChild(document.createElement("br"));
    tip.appendChild(document.createTextNode(p.value + (p.note ? " — " + p.note : "")));
    marker.bindTooltip(tip);
    marker.on("click", function () { Base.popup(map, marker.getLatLng(), popupFor(p)); });
    bounds.push([p.lat, p.lon]);
  });
  if (bounds.length > 1) {
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 9 });
  } else if (bounds.length === 1) {
    map.setView(bounds[0], 9);
  }
};
