// The console's municipality pages (templates/tenants/municipality_form.html, _edit, _created,
// _admins): the gazetteer pickers (province → district → subdistrict), the centre on a Leaflet map
// (default: the subdistrict's centre), a preview of an uploaded boundary, the web address the
// English name would give, and "copy" for a password link. Static file, no inline script (CSP).
(function () {
  "use strict";

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      });
  }

  function withParam(url, name, value) {
    return url + (url.indexOf("?") === -1 ? "?" : "&") + encodeURIComponent(name) + "=" + encodeURIComponent(value);
  }

  // --- Copy a password link ------------------------------------------------------------------
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.getElementById(button.getAttribute("data-copy-target"));
      if (!input) return;
      var done = function () { button.textContent = button.getAttribute("data-copied") || button.textContent; };
      input.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () {});
      } else if (document.execCommand && document.execCommand("copy")) {
        done();
      }
    });
  });

  var form = document.querySelector("[data-console-municipality-form]");
  if (!form) return;
  var latInput = document.getElementById("id_lat");
  var lonInput = document.getElementById("id_lon");
  var subdistrictSelect = document.getElementById("id_subdistrict_code");
  var subdistrictCentres = {};  // code → [lat, lon], from the last list fetched
  var map = null;
  var marker = null;
  var centreIsAuto = !(latInput.value && lonInput.value);

  // --- The centre on the map -----------------------------------------------------------------
  function typedPoint() {
    var lat = parseFloat(latInput.value), lon = parseFloat(lonInput.value);
    return isNaN(lat) || isNaN(lon) ? null : L.latLng(lat, lon);
  }

  function placeMarker(latlng, zoom) {
    if (!map) return;
    if (!marker) {
      marker = L.marker(latlng, { draggable: true, autoPan: true }).addTo(map);
      marker.on("dragend", function () { setCentre(marker.getLatLng(), null, false); });
    } else {
      marker.setLatLng(latlng);
    }
    if (zoom) map.setView(latlng, zoom);
  }

  function setCentre(latlng, zoom, auto) {
    latInput.value = latlng.lat.toFixed(6);
    lonInput.value = latlng.lng.toFixed(6);
    centreIsAuto = auto;
    placeMarker(latlng, zoom);
  }

  var mapNode = document.getElementById("centre-map");
  if (mapNode && window.L) {
    map = L.map(mapNode, { minZoom: 5, maxZoom: 19 }).setView([13.0, 101.0], 5);
    var tiles = mapNode.getAttribute("data-tiles-url");
    if (tiles) {
      L.tileLayer(tiles, { attribution: "&copy; OpenStreetMap", maxZoom: 19 }).addTo(map);
    }
    var boundaryNode = document.getElementById("municipality-boundary");
    if (boundaryNode) {
      var shape = JSON.parse(JSON.parse(boundaryNode.textContent));
      var layer = L.geoJSON(shape, { style: { color: "#0b6e4f", weight: 2, fillOpacity: 0.08 } }).addTo(map);
      map.fitBounds(layer.getBounds(), { maxZoom: 14 });
    }
    var typed = typedPoint();
    if (typed) placeMarker(typed, boundaryNode ? null : 13);
    map.on("click", function (e) { setCentre(e.latlng, null, false); });
    mapNode.setAttribute("data-ready", "1");
  }

  [latInput, lonInput].forEach(function (input) {
    input.addEventListener("change", function () {
      var point = typedPoint();
      centreIsAuto = false;
      if (point) placeMarker(point, map ? Math.max(map.getZoom(), 12) : null);
    });
  });

  // --- A boundary file, drawn before it is sent ----------------------------------------------
  var boundaryInput = document.getElementById("id_boundary_file");
  var uploadedLayer = null;
  if (boundaryInput && window.FileReader) {
    boundaryInput.addEventListener("change", function () {
      if (uploadedLayer && map) { map.removeLayer(uploadedLayer); uploadedLayer = null; }
      var file = boundaryInput.files && boundaryInput.files[0];
      if (!file || !map || file.size > 5 * 1024 * 1024) return;
      var reader = new FileReader();
      reader.onload = function () {
        try {
          uploadedLayer = L.geoJSON(JSON.parse(reader.result), {
            style: { color: "#d97706", weight: 2, fillOpacity: 0.1 }
          }).addTo(map);
          map.fitBounds(uploadedLayer.getBounds(), { maxZoom: 14 });
        } catch (error) {
          uploadedLayer = null;  // the server says what is wrong with the file
        }
      };
      reader.readAsText(file);
    });
  }

  // --- Province → district → subdistrict -----------------------------------------------------
  function resetSelect(select) {
    while (select.options.length > 1) select.remove(1);
    select.value = "";
  }

  function fillSelect(select, rows) {
    resetSelect(select);
    rows.forEach(function (row) {
      var option = document.createElement("option");
      option.value = row.code;
      option.textContent = row.name_th + " (" + row.code + ")";
      select.appendChild(option);
    });
  }

  function rememberCentres(rows) {
    subdistrictCentres = {};
    rows.forEach(function (row) {
      if (row.lat !== null && row.lon !== null) subdistrictCentres[row.code] = [row.lat, row.lon];
    });
  }

  form.querySelectorAll("select[data-gazetteer-next]").forEach(function (select) {
    select.addEventListener("change", function () {
      var next = document.getElementById(select.getAttribute("data-gazetteer-next"));
      // Clear every level below this one.
      var level = next;
      while (level) {
        resetSelect(level);
        level = level.hasAttribute("data-gazetteer-next")
          ? document.getElementById(level.getAttribute("data-gazetteer-next")) : null;
      }
      if (!select.value) return;
      var url = withParam(select.getAttribute("data-gazetteer-url"), select.getAttribute("data-gazetteer-param"), select.value);
      getJSON(url).then(function (data) {
        fillSelect(next, data.results);
        if (next === subdistrictSelect) rememberCentres(data.results);
        next.dispatchEvent(new Event("gazetteer:filled"));
      });
    });
  });

  function centreOfSubdistrict(code) {
    if (subdistrictCentres[code]) return Promise.resolve(subdistrictCentres[code]);
    var url = withParam(subdistrictSelect.getAttribute("data-gazetteer-centre"), "district", code.slice(0, 4));
    return getJSON(url).then(function (data) {
      rememberCentres(data.results);
      return subdistrictCentres[code] || null;
    });
  }

  if (subdistrictSelect && subdistrictSelect.hasAttribute("data-gazetteer-centre")) {
    subdistrictSelect.addEventListener("change", function () {
      var code = subdistrictSelect.value;
      if (!code) return;
      if (!centreIsAuto && typedPoint()) { namesPreview(); return; }
      centreOfSubdistrict(code).then(function (centre) {
        if (centre) setCentre(L.latLng(centre[0], centre[1]), 13, true);
      });
      namesPreview();
    });
  }

  // --- The web address the English name gives ------------------------------------------------
  var namesUrl = form.getAttribute("data-names-url");
  var preview = form.querySelector("[data-names-preview]");
  var nameEn = document.getElementById("id_name_en");
  var schemaInput = document.getElementById("id_schema_name");
  var domainInput = document.getElementById("id_domain");
  var previewTimer = null;

  function namesPreview() {
    if (!namesUrl || !nameEn) return;
    clearTimeout(previewTimer);
    previewTimer = setTimeout(function () {
      var url = withParam(namesUrl, "name_en", nameEn.value);
      if (subdistrictSelect && subdistrictSelect.value) url = withParam(url, "subdistrict", subdistrictSelect.value);
      getJSON(url).then(function (data) {
        if (schemaInput) schemaInput.placeholder = data.schema_name || "";
        if (domainInput) domainInput.placeholder = data.domain || "";
        if (preview) {
          preview.textContent = data.domain
            ? (preview.getAttribute("data-template") || "{domain}").replace("{domain}", data.domain).replace("{schema}", data.schema_name)
            : "";
        }
      });
    }, 300);
  }

  if (nameEn) {
    nameEn.addEventListener("input", namesPreview);
    if (nameEn.value) namesPreview();
  }
})();
