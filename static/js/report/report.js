// The "report a problem" map: tap to drop a pin, drag it, or use the phone's location. The pin
// writes the latitude/longitude inputs that the form posts (they also work without the map).
// django-leaflet calls window.reportMap once the map exists.
(function () {
  "use strict";

  function round6(value) { return Math.round(value * 1e6) / 1e6; }

  window.reportMap = function (map) {
    var config = JSON.parse(document.getElementById("report-map-config").textContent);
    var latInput = document.querySelector("[data-report-lat]");
    var lonInput = document.querySelector("[data-report-lon]");
    var status = document.querySelector("[data-report-map-status]");
    var locate = document.querySelector("[data-report-locate]");
    var marker = null;

    function say(message, isError) {
      status.textContent = message || "";
      status.classList.toggle("is-error", Boolean(isError));
    }

    function place(latlng, zoom) {
      if (marker) {
        marker.setLatLng(latlng);
      } else {
        marker = L.marker(latlng, { draggable: true, autoPan: true, keyboard: true }).addTo(map);
        marker.on("dragend", function () { write(marker.getLatLng()); });
      }
      write(latlng);
      if (zoom) map.setView(latlng, Math.max(map.getZoom(), zoom));
    }

    function write(latlng) {
      latInput.value = round6(latlng.lat);
      lonInput.value = round6(latlng.lng);
      map.getContainer().setAttribute("data-pin", latInput.value + "," + lonInput.value);
      // static/js/report/checks.js checks the place and looks for reports nearby.
      document.dispatchEvent(new CustomEvent("report:pin", {
        detail: { map: map, lat: parseFloat(latInput.value), lon: parseFloat(lonInput.value) },
      }));
    }

    function fromInputs() {
      var lat = parseFloat(latInput.value), lon = parseFloat(lonInput.value);
      return isFinite(lat) && isFinite(lon) ? L.latLng(lat, lon) : null;
    }

    // The municipality's outline (static/js/map-base.js), so the map still says where the town
    // is when its base tiles do not load.
    window.CityMapBase.outline(map, config.outline);
    var initial = fromInputs();
    if (initial) {
      map.setView(initial, 17);
      place(initial);
    } else {
      map.setView(config.centre, config.zoom);
    }

    // No base map (offline, a weak network): say so beside the map and offer the other ways to
    // say where, the phone's location and the address or a landmark.
    var noBase = document.querySelector("[data-report-no-base]");
    if (noBase) {
      var gps = noBase.querySelector("[data-report-use-gps]");
      gps.addEventListener("click", function () { if (locate) locate.click(); });
      noBase.querySelector("[data-report-type-address]").addEventListener("click", function () {
        var address = document.querySelector("[name=address_text]");
        address.scrollIntoView({ block: "center" });
        address.focus();
      });
      map.on("citybasefailed", function () {
        gps.hidden = !locate || locate.hidden;
        noBase.hidden = false;
      });
    }

    map.on("click", function (event) {
      place(event.latlng);
      say(status.getAttribute("data-msg-placed"));
    });

    [latInput, lonInput].forEach(function (input) {
      input.addEventListener("change", function () {
        var latlng = fromInputs();
        if (latlng) place(latlng, 16);
      });
    });

    if (!locate) return;
    if (!("geolocation" in navigator)) {
      locate.hidden = true;
      return;
    }
    locate.addEventListener("click", function () {
      say(locate.getAttribute("data-msg-locating"));
      locate.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        locate.disabled = false;
        place(L.latLng(position.coords.latitude, position.coords.longitude), 18);
        say(locate.getAttribute("data-msg-found"));
      }, function (error) {
        locate.disabled = false;
        var denied = error && error.code === 1;
        say(locate.getAttribute(denied ? "data-msg-denied" : "data-msg-unavailable"), true);
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  };

  // After a failed submit, bring the error summary into view (it is far down on a phone).
  document.addEventListener("DOMContentLoaded", function () {
    var errors = document.getElementById("report-errors");
    if (errors) errors.focus();
  });
})();
