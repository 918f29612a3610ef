// Care lists: the print page opens the browser's print dialog once it has loaded; its button
// (and the list's print link when JavaScript runs) print again. No inline handlers (CSP).
(function () {
  "use strict";
  var page = document.querySelector("[data-care-autoprint]");
  if (page) {
    window.addEventListener("load", function () { window.print(); });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-care-print-now]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
})();
