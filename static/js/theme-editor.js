// Theme editor: keeps each colour picker and its text field in step. The live preview itself is
// htmx (the form posts to the preview endpoint on input), so this file only syncs the inputs.
(function () {
  "use strict";
  var SIX = /^#[0-9a-f]{6}$/i;
  var THREE = /^#?([0-9a-f])([0-9a-f])([0-9a-f])$/i;

  function normalise(value) {
    value = (value || "").trim();
    if (SIX.test(value)) return value.toLowerCase();
    if (/^[0-9a-f]{6}$/i.test(value)) return ("#" + value).toLowerCase();
    var m = THREE.exec(value);
    if (m) return ("#" + m[1] + m[1] + m[2] + m[2] + m[3] + m[3]).toLowerCase();
    return null;
  }

  function bind(picker) {
    var text = document.getElementById(picker.getAttribute("data-colour-for"));
    if (!text) return;
    picker.addEventListener("input", function () {
      text.value = picker.value;
      // The picker has no name; tell htmx (listening on the form) that a field changed.
      text.dispatchEvent(new Event("input", { bubbles: true }));
    });
    text.addEventListener("input", function () {
      var colour = normalise(text.value);
      if (colour) picker.value = colour;
    });
  }

  function init() {
    var pickers = document.querySelectorAll("input[type=color][data-colour-for]");
    for (var i = 0; i < pickers.length; i++) bind(pickers[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
