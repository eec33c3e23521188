// The upload form says that it is working (an upload and its analysis take a few seconds) and cannot be sent
// twice. Without this script the form works the same, silently.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-photo-upload]").forEach(function (form) {
      var status = form.querySelector("[data-upload-status]");
      form.addEventListener("submit", function () {
        var button = form.querySelector("button[type=submit]");
        if (button) { button.disabled = true; }
        if (status) { status.hidden = false; }
      });
    });
  });
})();
