// Checks on the report page as the citizen goes, so nothing they entered is lost to a refused
// submit: a category must be chosen, the photo must be a JPEG/PNG/WebP within the limit, and the
// pin must be where this municipality can act (asked of the server, the same rule as on submit).
// With a pin and a category, open reports of that category within 100 m are listed with
// "this is my problem too", which follows that report instead of sending a duplicate.
(function () {
  "use strict";

  var form = document.querySelector(".report-form");
  if (!form) return;
  var nearby = document.querySelector("[data-report-nearby]");
  var list = document.querySelector("[data-report-nearby-list]");
  var placeError = document.querySelector("[data-report-place-error]");
  var categoryError = document.querySelector("[data-report-category-error]");
  var photo = form.querySelector("input[type=file][name=photo]");
  var photoError = document.querySelector("[data-report-photo-error]");
  var pin = null;
  var map = null;
  var layer = null;
  var asked = 0;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_m, key) { return values[key]; });
  }

  function category() {
    var checked = form.querySelector("input[name=category]:checked");
    return checked ? checked.value : "";
  }

  function showPlaceError(message) {
    placeError.textContent = message || "";
    placeError.hidden = !message;
  }

  function follow(item, box) {
    var token = form.querySelector("[name=csrfmiddlewaretoken]").value;
    var body = new FormData();
    body.append("channel", box.querySelector("select").value);
    body.append("address", box.querySelector("input").value);
    body.append("csrfmiddlewaretoken", token);
    var result = box.querySelector("[data-follow-result]");
    fetch(item.follow_url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token },
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (answer) {
      if (answer.ok) {
        result.classList.remove("error");
        result.textContent = fill(nearby.getAttribute("data-msg-following"), { code: item.code });
        box.querySelector("form").hidden = true;
      } else {
        var errors = answer.data.errors || {};
        result.classList.add("error");
        result.textContent = Object.keys(errors).map(function (k) { return errors[k].join(" "); }).join(" ");
      }
    }).catch(function () {
      result.classList.add("error");
      result.textContent = placeError.getAttribute("data-msg-offline") || "";
    });
  }

  function option(value, label) {
    var element = document.createElement("option");
    element.value = value;
    element.textContent = label;
    return element;
  }

  function render(results) {
    list.textContent = "";
    if (layer) layer.clearLayers();
    nearby.hidden = results.length === 0;
    results.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "report-nearby-item";
      li.setAttribute("data-nearby-code", item.code);
      var title = document.createElement("p");
      var code = document.createElement("strong");
      code.textContent = item.code;
      title.appendChild(code);
      title.appendChild(document.createTextNode(" · " + item.category + " · " + item.status + " · "
        + fill(nearby.getAttribute("data-msg-metres"), { metres: item.distance_m })));
      li.appendChild(title);
      var details = document.createElement("details");
      var summary = document.createElement("summary");
      summary.className = "button";
      summary.textContent = nearby.getAttribute("data-msg-follow");
      details.appendChild(summary);
      var inner = document.createElement("form");
      inner.className = "form report-follow";
      var select = document.createElement("select");
      select.setAttribute("aria-label", nearby.getAttribute("data-msg-follow"));
      select.appendChild(option("email", nearby.getAttribute("data-msg-email")));
      select.appendChild(option("sms", nearby.getAttribute("data-msg-sms")));
      var address = document.createElement("input");
      address.type = "text";
      address.setAttribute("aria-label", nearby.getAttribute("data-msg-address"));
      address.placeholder = nearby.getAttribute("data-msg-address");
      var send = document.createElement("button");
      send.type = "submit";
      send.className = "button primary";
      send.textContent = nearby.getAttribute("data-msg-send");
      inner.appendChild(select);
      inner.appendChild(address);
      inner.appendChild(send);
      details.appendChild(inner);
      var result = document.createElement("p");
      result.setAttribute("data-follow-result", "");
      result.setAttribute("role", "status");
      details.appendChild(result);
      inner.addEventListener("submit", function (event) {
        event.preventDefault();
        follow(item, details);
      });
      li.appendChild(details);
      list.appendChild(li);
      if (map && window.L) {
        if (!layer) layer = L.layerGroup().addTo(map);
        L.circleMarker([item.lat, item.lon], { radius: 8, color: "#b45309" })
          .bindTooltip(item.code).addTo(layer);
      }
    });
  }

  function check() {
    if (!pin) return;
    var ask = ++asked;
    var url = nearby.getAttribute("data-url") + "?" + new URLSearchParams({
      lat: pin.lat, lon: pin.lon, category: category(),
    }).toString();
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (ask !== asked) return; // a later pin move answered already
        showPlaceError(data.place_error);
        render(data.results || []);
      })
      .catch(function () { /* offline: the submit checks the place again */ });
  }

  document.addEventListener("report:pin", function (event) {
    pin = { lat: event.detail.lat, lon: event.detail.lon };
    map = event.detail.map;
    check();
  });

  form.addEventListener("change", function (event) {
    if (event.target.name === "category") {
      categoryError.hidden = true;
      check();
    }
  });

  if (photo) {
    photo.addEventListener("change", function () {
      var file = photo.files && photo.files[0];
      var message = "";
      if (file) {
        var types = (photo.getAttribute("data-types") || "").split(",");
        if (types.indexOf(file.type) < 0) {
          message = photo.getAttribute("data-msg-type");
        } else if (file.size > parseInt(photo.getAttribute("data-max-bytes"), 10)) {
          message = photo.getAttribute("data-msg-too-large");
        }
      }
      photoError.textContent = message;
      photoError.hidden = !message;
      if (message) photo.value = ""; // not sent: the citizen picks another
    });
  }

  form.addEventListener("submit", function (event) {
    if (!category()) {
      event.preventDefault();
      categoryError.hidden = false;
      categoryError.scrollIntoView({ block: "center" });
      var first = form.querySelector("input[name=category]");
      if (first) first.focus();
    } else if (!placeError.hidden) {
      event.preventDefault();
      placeError.scrollIntoView({ block: "center" });
    }
  });
})();
