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
  // Sign-up questions shown "only if" an earlier answer was chosen: hidden until it is.
  // Without this script they all show with a note, and the server decides what counts.
  document.querySelectorAll("[data-show-if-field]").forEach(function (box) {
    var form = box.closest("form");
    var inputs = form.querySelectorAll('[name="' + box.dataset.showIfField + '"]');
    function update() {
      var shown = Array.prototype.some.call(inputs, function (input) {
        return input.checked && input.value === box.dataset.showIfValue;
      });
      box.hidden = !shown;
    }
    inputs.forEach(function (input) { input.addEventListener("change", update); });
    update();
  });
  // A double-clicked submit sends the form once.
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  });
})();
