// Small enhancements; every page works without this file.
(function () {
  "use strict";
  // Move focus to the error summary so screen reader and keyboard users hear what to fix.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
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
