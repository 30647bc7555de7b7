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
  // A double-clicked submit sends the form once. A form that opens its answer in a new
  // tab (the sign-up widget) stays on screen: its button comes back after a moment.
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        window.setTimeout(function () { button.disabled = true; }, 0);
        if (form.target === "_blank") {
          window.setTimeout(function () { button.disabled = false; }, 4000);
        }
      });
    });
  });
  // Share row: the phone's own share sheet where it has one, and copying the link. Both
  // buttons stay hidden without this script; the link itself is there to select.
  document.querySelectorAll("[data-share]").forEach(function (row) {
    var link = row.querySelector("[data-share-link]");
    var status = row.querySelector("[data-share-status]");
    var native = row.querySelector("[data-share-native]");
    var copy = row.querySelector("[data-share-copy]");
    link.addEventListener("focus", function () { link.select(); });
    if (native && navigator.share) {
      native.hidden = false;
      native.querySelector("button").addEventListener("click", function () {
        navigator.share({ title: row.dataset.shareTitle, text: row.dataset.shareText })
          .catch(function () {});  // closed without sharing: nothing to say
      });
    }
    if (copy && navigator.clipboard && window.isSecureContext) {
      copy.hidden = false;
      copy.querySelector("button").addEventListener("click", function () {
        navigator.clipboard.writeText(link.value).then(function () {
          status.textContent = row.dataset.copied;
        }, function () {
          link.focus();
          status.textContent = row.dataset.copyFailed;
        });
      });
    }
  });
})();
