// Swagger UI's own words (buttons, headings, labels) in the reader's language on the API docs page.
// Swagger UI has no string table: its texts are written into its React components. React keeps
// each text in a DOM text node and only ever sets that node's value again (or replaces the node)
// when its own text changes, so changing the node's value in place is safe: a watcher puts the
// reader's word in every text node, title, aria-label and placeholder whose whole text (spaces
// aside) is one of the known English words. The words come from the page (#swagger-words, made
// by Django from the catalogue: api/docs.py SWAGGER_WORDS); none for an English reader.
// Swagger UI is vendored (django-ninja's static files), so its words cannot change under us
// unnoticed: tests/browser/test_api_docs.py reads them in Chromium.
(function () {
  "use strict";

  var source = document.getElementById("swagger-words");
  var root = document.getElementById("swagger-ui");
  if (!source || !root) return;
  var data = JSON.parse(source.textContent);
  var words = data.words || {};
  // Where a parameter is sent ("query", "path"): common words, so only inside their own cell.
  var places = data.places || {};
  if (!Object.keys(words).length) return;
  var ATTRIBUTES = ["title", "aria-label", "placeholder"];

  function inPlaceCell(node) {
    var parent = node.parentNode;
    return parent && parent.classList && parent.classList.contains("parameter__in");
  }

  function translateText(node) {
    var parent = node.parentNode;
    // What the reader typed or the API answered is not the tool's words.
    if (!parent || (parent.closest && parent.closest("pre, code, textarea"))) return;
    var text = node.nodeValue;
    var key = text.trim();
    if (!key) return;
    var word = Object.prototype.hasOwnProperty.call(words, key) ? words[key]
      : (inPlaceCell(node) && Object.prototype.hasOwnProperty.call(places, key) ? places[key] : null);
    if (word === null) return;
    var value = text.replace(key, word);
    if (value !== text) node.nodeValue = value;
  }

  function translateAttributes(element) {
    ATTRIBUTES.forEach(function (name) {
      var value = element.getAttribute(name);
      if (value && Object.prototype.hasOwnProperty.call(words, value.trim())) {
        element.setAttribute(name, words[value.trim()]);
      }
    });
  }

  function translate(node) {
    if (node.nodeType === Node.TEXT_NODE) {
      translateText(node);
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    translateAttributes(node);
    if (node.matches("textarea, pre, code")) return;
    for (var child = node.firstChild; child; child = child.nextSibling) translate(child);
  }

  var observer = new MutationObserver(function (records) {
    records.forEach(function (record) {
      if (record.type === "characterData") translateText(record.target);
      else if (record.type === "attributes") translateAttributes(record.target);
      else record.addedNodes.forEach(translate);
    });
  });
  observer.observe(root, {
    childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTES,
  });
  translate(root);
})();
