// The handover form's "扫码" button: read a micro-grid's stairwell QR into the destination
// field (the server resolves the poster's URL, webapp/checkpoints/queries.scanned_code).
// The browser's BarcodeDetector does the decoding: from the camera when the page may use it,
// else from a photo taken with the file input; where there is no BarcodeDetector the button
// stays hidden and the field is typed. No inline script or style (CSP): classes and `hidden`.
(function () {
  "use strict";

  function setUp(box) {
    var input = document.getElementById(box.getAttribute("data-scan"));
    if (!input || !("BarcodeDetector" in window)) return;
    var detector;
    try {
      detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    } catch (e) {
      return; // QR codes not supported here
    }
    var button = box.querySelector("button");
    var photo = box.querySelector("input[type=file]");
    var video = box.querySelector("video");
    var status = box.querySelector("[role=status]");
    var stream = null;
    var canFilm = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);

    function say(text) {
      status.textContent = text || "";
    }

    function stop() {
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      stream = null;
      video.hidden = true;
    }

    function found(codes) {
      if (!codes || !codes.length) return false;
      input.value = codes[0].rawValue;
      stop();
      say(box.getAttribute("data-found"));
      input.focus();
      return true;
    }

    function look() {
      if (!stream) return;
      detector.detect(video).then(function (codes) {
        if (!found(codes)) window.setTimeout(look, 250);
      }, function () { window.setTimeout(look, 500); });
    }

    function film() {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (s) {
          stream = s;
          video.srcObject = s;
          video.hidden = false;
          return video.play().then(look);
        }, function () {
          // No camera or refused: a photo of the QR does as well.
          canFilm = false;
          photo.click();
        });
    }

    photo.addEventListener("change", function () {
      var file = photo.files && photo.files[0];
      if (!file || !window.createImageBitmap) return;
      window.createImageBitmap(file).then(function (image) {
        return detector.detect(image);
      }).then(function (codes) {
        if (!found(codes)) say(box.getAttribute("data-none"));
      }, function () { say(box.getAttribute("data-none")); });
      photo.value = "";
    });

    button.addEventListener("click", function () {
      say("");
      if (stream) stop();
      else if (canFilm) film();
      else photo.click();
    });
    box.hidden = false;
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-scan]"), setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
