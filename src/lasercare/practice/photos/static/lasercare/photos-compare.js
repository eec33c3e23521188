// The comparison slider: the range input moves the edge between the before and the after photo. Without this
// script the slider stays hidden and the page shows the photos side by side.
(function () {
  "use strict";
  function words(value) {
    if (value <= 0) { return "all after"; }
    if (value >= 100) { return "all before"; }
    return value + "% before, " + (100 - value) + "% after";
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-photo-slider]").forEach(function (section) {
      var input = section.querySelector("[data-slider-input]");
      var frame = section.querySelector(".photo-slider");
      if (!input || !frame) { return; }
      function show() {
        frame.style.setProperty("--reveal", input.value + "%");
        input.setAttribute("aria-valuetext", words(Number(input.value)));
      }
      input.addEventListener("input", show);
      show();
      section.hidden = false;
    });
  });
})();
