// The report's only script (allowed by its hash in the page's CSP). It opens the
// question a grid cell points to, expands or collapses every question, and opens all
// details for printing. The report reads fine without it.
(function () {
  "use strict";
  function reveal(id) {
    var el = document.getElementById(id);
    for (var node = el; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") { node.open = true; }
    }
  }
  function fromHash() {
    if (location.hash.length > 1) { reveal(decodeURIComponent(location.hash.slice(1))); }
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest('a[href^="#"]') : null;
    if (link) { reveal(decodeURIComponent(link.getAttribute("href").slice(1))); }
  });
  window.addEventListener("hashchange", fromHash);
  fromHash();
  function setAll(open) {
    document.querySelectorAll("details.question").forEach(function (d) { d.open = open; });
  }
  document.querySelectorAll("[data-expand]").forEach(function (b) {
    b.addEventListener("click", function () { setAll(true); });
  });
  document.querySelectorAll("[data-collapse]").forEach(function (b) {
    b.addEventListener("click", function () { setAll(false); });
  });
  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) {
      d.open = true;
      openedForPrint.push(d);
    });
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (d) { d.open = false; });
    openedForPrint = [];
  });
})();
