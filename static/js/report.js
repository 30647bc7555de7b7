// The report's video: a link until the visitor asks to play it here; only then is the
// player (YouTube's privacy-enhanced one, or Vimeo's with do-not-track) loaded.
(function () {
  "use strict";
  document.querySelectorAll(".video-consent").forEach(function (box) {
    var button = box.querySelector(".video-load");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var frame = document.createElement("div");
      frame.className = "video-frame";
      var iframe = document.createElement("iframe");
      iframe.src = box.dataset.videoSrc + (box.dataset.videoSrc.indexOf("?") < 0 ? "?" : "&") + "autoplay=1";
      iframe.title = box.dataset.videoTitle;
      iframe.allow = "autoplay; fullscreen; picture-in-picture";
      iframe.setAttribute("allowfullscreen", "");
      iframe.referrerPolicy = "strict-origin-when-cross-origin";
      frame.appendChild(iframe);
      box.replaceWith(frame);
      iframe.focus();
    });
  });
})();
