// ConvLens report: offline interactivity only (no network). Overlay opacity sliders, class
// switchers and the sidebar's current-section highlight.
(function () {
  "use strict";
  document.querySelectorAll("figure").forEach(function (figure) {
    var slider = figure.querySelector(".opacity-control input");
    if (slider) {
      slider.addEventListener("input", function () {
        figure.style.setProperty("--overlay-opacity", String(slider.value / 100));
      });
    }
    var buttons = figure.querySelectorAll(".variant-switcher button");
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var chosen = button.getAttribute("data-variant");
        buttons.forEach(function (other) { other.classList.toggle("active", other === button); });
        figure.querySelectorAll(".panels").forEach(function (panels) {
          panels.hidden = panels.getAttribute("data-variant") !== chosen;
        });
      });
    });
  });
  var links = Array.prototype.slice.call(document.querySelectorAll(".sidebar a"));
  var targets = links.map(function (link) {
    return document.getElementById(link.getAttribute("href").slice(1));
  });
  function highlight() {
    var current = 0;
    targets.forEach(function (target, index) {
      if (target && target.getBoundingClientRect().top < 120) { current = index; }
    });
    links.forEach(function (link, index) { link.classList.toggle("current", index === current); });
  }
  if (links.length) {
    window.addEventListener("scroll", highlight, { passive: true });
    highlight();
  }
})();
