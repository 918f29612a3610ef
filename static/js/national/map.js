// The national map (templates/national/map.html): called by django-leaflet once the map exists.
// Each municipality is a circle coloured by the chosen indicator; data from #national-points.
window.nationalMap = function (map) {
  "use strict";
  var points = JSON.parse(document.getElementById("national-points").textContent);
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
    bounds.push([p.lat, p.lon]);
  });
  if (bounds.length > 1) {
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 9 });
  } else if (bounds.length === 1) {
    map.setView(bounds[0], 9);
  }
};
