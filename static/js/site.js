// Small enhancements; every page works without this file.
(function () {
  "use strict";
  // Move focus to the error summary so screen reader and keyboard users hear what to fix.
  // Focus again after load: scrolling to the form's #fragment would otherwise undo it.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    window.addEventListener("load", function () {
      window.requestAnimationFrame(function () { summary.focus(); });
    });
  }
  // A double-clicked submit sends the form once.
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  });
})();
