// Door check-in: scan ticket QR codes with the camera and check them in.
// Uses the browser's BarcodeDetector where it exists, the vendored jsQR otherwise.
// Without JavaScript the page still works: type a code or search by name.
(function () {
  "use strict";
  // Door links: a "Copy link" button beside each link's read-only field. Hidden until
  // JavaScript runs; without it the field can still be selected and copied by hand.
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
    var field = document.getElementById(button.dataset.copy);
    if (!field) { return; }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      function done() {
        button.textContent = button.dataset.textCopied;
        window.setTimeout(function () { button.textContent = label; }, 2000);
      }
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          if (document.execCommand("copy")) { done(); }
        });
      } else if (document.execCommand("copy")) {
        done();
      }
    });
  });

  var scanner = document.getElementById("scanner");
  if (!scanner) { return; }
  var form = document.getElementById("scan-form");
  var input = document.getElementById("scan-code");
  var result = document.getElementById("scan-result");
  var startButton = document.getElementById("scan-start");
  var video = document.getElementById("scan-video");
  var canvas = document.getElementById("scan-canvas");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var lastCode = null;
  var lastTime = 0;
  var busy = false;
  var detector = null;

  function show(data) {
    if (data.result !== "idle") {
      result.classList.remove("scan-idle", "scan-ok", "scan-already", "scan-error");
      result.classList.add(
        data.result === "ok" ? "scan-ok" : data.result === "already" ? "scan-already" : "scan-error"
      );
      result.textContent = data.display;
    }
    if (data.counts) {
      Object.keys(data.counts).forEach(function (key) {
        var node = document.querySelector('[data-count="' + key + '"]');
        if (node) { node.textContent = data.counts[key]; }
      });
    }
    if (data.result !== "idle" && navigator.vibrate) { navigator.vibrate(data.result === "ok" ? 80 : [60, 60, 60]); }
  }

  // A door link that was withdrawn or ran out answers 410: reload to show why.
  function answer(response) {
    if (response.status === 410) {
      window.location.reload();
      return new Promise(function () {});
    }
    return response.json();
  }

  function check(code) {
    var now = Date.now();
    if (busy || !code || (code === lastCode && now - lastTime < 3000)) { return; }
    busy = true;
    lastCode = code;
    lastTime = now;
    var body = new URLSearchParams();
    body.append("code", code);
    fetch(scanner.dataset.scanUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" },
      body: body,
      credentials: "same-origin"
    })
      .then(answer)
      .then(show)
      .catch(function () {
        show({ result: "error", display: scanner.dataset.textOffline });
      })
      .finally(function () { busy = false; });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    check(input.value.trim());
    input.value = "";
  });

  function scanFrame() {
    if (video.readyState >= 2) {
      if (detector) {
        detector.detect(video).then(function (codes) {
          if (codes.length) { check(codes[0].rawValue); }
        }).catch(function () {});
      } else if (window.jsQR) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        var context = canvas.getContext("2d", { willReadFrequently: true });
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var image = context.getImageData(0, 0, canvas.width, canvas.height);
        var code = window.jsQR(image.data, image.width, image.height, {
          inversionAttempts: "dontInvert"
        });
        if (code && code.data) { check(code.data); }
      }
    }
    window.setTimeout(scanFrame, 200);
  }

  function start() {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        startButton.hidden = true;
        return video.play();
      })
      .then(function () {
        if ("BarcodeDetector" in window) {
          window.BarcodeDetector.getSupportedFormats().then(function (formats) {
            if (formats.indexOf("qr_code") !== -1) {
              detector = new window.BarcodeDetector({ formats: ["qr_code"] });
            }
          }).catch(function () {}).finally(scanFrame);
        } else {
          scanFrame();
        }
      })
      .catch(function () {
        show({ result: "error", display: scanner.dataset.textNoCamera });
      });
  }

  // Other phones check people in too: refresh the counters every 10 seconds.
  window.setInterval(function () {
    fetch(scanner.dataset.countsUrl, { credentials: "same-origin" })
      .then(answer)
      .then(function (counts) { show({ result: "idle", display: result.textContent, counts: counts }); })
      .catch(function () {});
  }, 10000);

  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    startButton.hidden = false;
    startButton.addEventListener("click", start);
  }
})();
