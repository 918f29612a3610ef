// The vendored map libraries' words in the reader's language: Leaflet's zoom buttons (title and
// aria-label) and attribution link, Leaflet.draw's toolbar, tooltips and measurements, and
// django-leaflet's unsaved-change warning. The words come from the page (#map-words, rendered by
// Django from the catalogue: cityplatform/map_words.py); this runs after the libraries load and
// before any map is made, so every map and drawing tool starts with them.
(function () {
  "use strict";

  var source = document.getElementById("map-words");
  if (!source || !window.L) return;
  var words = JSON.parse(source.textContent);

  function merge(target, from) {
    Object.keys(from).forEach(function (key) {
      var value = from[key];
      if (value && typeof value === "object") {
        if (!target[key] || typeof target[key] !== "object") target[key] = {};
        merge(target[key], value);
      } else {
        target[key] = value;
      }
    });
  }

  function escapeAttribute(text) {
    return String(text).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }

  // Leaflet reads these options when a map adds its controls: the title is also the button's
  // aria-label.
  L.Control.Zoom.prototype.options.zoomInTitle = words.zoomIn;
  L.Control.Zoom.prototype.options.zoomOutTitle = words.zoomOut;
  var attribution = L.Control.Attribution.prototype.options;
  if (typeof attribution.prefix === "string") {
    attribution.prefix = attribution.prefix.replace(
      /title="[^"]*"/, 'title="' + escapeAttribute(words.attributionTitle) + '"');
  }

  if (L.drawLocal) {
    merge(L.drawLocal.draw, words.draw);
    merge(L.drawLocal.edit, words.edit);
  }

  // Leaflet.draw writes lengths and areas with English unit symbols; metric ones in the reader's.
  var units = words.units;
  var util = L.GeometryUtil;
  if (util && util.readableDistance) {
    var distance = util.readableDistance;
    util.readableDistance = function (metres, isMetric, isFeet, isNautical, precision) {
      if (isMetric !== true && isMetric !== "metric") return distance.apply(this, arguments);
      var digits = L.extend({ km: 2, m: 0 }, precision);
      return metres > 1000
        ? util.formattedNumber(metres / 1000, digits.km) + " " + units.km
        : util.formattedNumber(metres, digits.m) + " " + units.m;
    };
  }
  if (util && util.readableArea) {
    var area = util.readableArea;
    util.readableArea = function (squareMetres, isMetric, precision) {
      if (isMetric !== true) return area.apply(this, arguments);
      var digits = L.extend({ km: 2, ha: 2, m: 0 }, precision);
      return squareMetres >= 10000
        ? util.formattedNumber(squareMetres / 10000, digits.ha) + " " + units.ha
        : util.formattedNumber(squareMetres, digits.m) + " " + units.m2;
    };
  }

  if (L.GeometryField) L.GeometryField.unsavedText = words.unsaved;
})();
