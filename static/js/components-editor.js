// The components editor: up/down and drag-and-drop reordering in the page (the arrows also work
// without JavaScript, as submit buttons the server applies), a module switched off hides its
// menu entries and widgets, and every change refreshes the htmx preview. Nothing is saved here.
(function () {
  "use strict";
  var form = document.querySelector("[data-components-form]");
  if (!form) { return; }

  function changed() {
    form.dispatchEvent(new CustomEvent("components-moved", { bubbles: true }));
  }

  // Up / down arrows.
  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-move]");
    if (button) {
      event.preventDefault();
      var row = button.closest("[data-row]");
      if (button.dataset.move === "up" && row.previousElementSibling) {
        row.parentNode.insertBefore(row, row.previousElementSibling);
      } else if (button.dataset.move === "down" && row.nextElementSibling) {
        row.parentNode.insertBefore(row.nextElementSibling, row);
      }
      button.focus();
      changed();
      return;
    }
    if (event.target.closest("[data-preview-button]")) {
      event.preventDefault();
      changed();
    }
  });

  // Drag and drop, started from the grip only, so text in the label boxes stays selectable.
  var dragged = null;
  form.addEventListener("pointerdown", function (event) {
    var grip = event.target.closest(".cmp-grip");
    if (grip) { grip.closest("[data-row]").draggable = true; }
  });
  form.addEventListener("dragstart", function (event) {
    dragged = event.target.closest("[data-row]");
    if (!dragged) { return; }
    dragged.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", "");
  });
  form.addEventListener("dragover", function (event) {
    var over = event.target.closest("[data-row]");
    if (!dragged || !over || over === dragged || over.parentNode !== dragged.parentNode) { return; }
    event.preventDefault();
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    over.parentNode.insertBefore(dragged, after ? over.nextElementSibling : over);
  });
  form.addEventListener("drop", function (event) {
    if (dragged) { event.preventDefault(); }
  });
  form.addEventListener("dragend", function () {
    if (!dragged) { return; }
    dragged.classList.remove("is-dragging");
    dragged.draggable = false;
    dragged = null;
    changed();
  });

  // A module switched off takes its menu entries and widgets with it (the server would refuse
  // them otherwise); switched back on, what it took comes back.
  var note = form.querySelector("[data-module-note]");
  form.querySelectorAll("[data-module-toggle]").forEach(function (toggle) {
    toggle.addEventListener("change", function () {
      var key = toggle.dataset.moduleToggle;
      form.querySelectorAll('[data-row][data-module="' + key + '"]').forEach(function (row) {
        var hide = row.querySelector("[data-hide]");
        var enable = row.querySelector("[data-enable]");
        if (!toggle.checked) {
          if (hide && !hide.checked) { hide.checked = true; row.dataset.autoHidden = "1"; }
          if (enable && enable.checked) { enable.checked = false; row.dataset.autoDisabled = "1"; }
          row.classList.add("is-off");
        } else {
          if (hide && row.dataset.autoHidden) { hide.checked = false; }
          if (enable && row.dataset.autoDisabled) { enable.checked = true; }
          delete row.dataset.autoHidden;
          delete row.dataset.autoDisabled;
          row.classList.remove("is-off");
        }
      });
      if (note) { note.hidden = toggle.checked; }
    });
  });
})();
