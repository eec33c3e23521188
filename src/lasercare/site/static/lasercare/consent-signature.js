// Consent: the signature pad. A <canvas> drawn with pointer events (mouse, finger or stylus alike) that writes
// the strokes into the form's hidden field as SVG path data of M/L commands in the pad's own units, which the
// server validates strictly (consent/signature.py) and draws again on the signed consent.
(function () {
  "use strict";

  var MAX_POINTS = 3900; // under the server's limit, so a long signature is cut short rather than refused
  var MIN_STEP = 1.5; // pad units between recorded points: enough for a smooth line, few enough to store

  function round(value) {
    return Math.round(value * 10) / 10;
  }

  function setUp(pad) {
    var form = pad.closest("form");
    var field = form.querySelector("[data-signature-field]");
    var canvas = pad.querySelector("canvas");
    var clear = pad.querySelector("[data-signature-clear]");
    var width = Number(pad.dataset.width);
    var height = Number(pad.dataset.height);
    var context = canvas.getContext("2d");
    var strokes = []; // each a list of [x, y] in pad units
    var current = null;
    var count = 0;

    pad.hidden = false;

    function fit() {
      // The canvas keeps the pad's proportions at whatever width the page gives it, sharp on dense screens.
      var ratio = window.devicePixelRatio || 1;
      var shown = canvas.getBoundingClientRect();
      canvas.width = Math.round(shown.width * ratio);
      canvas.height = Math.round(shown.width * (height / width) * ratio);
      redraw();
    }

    function redraw() {
      var scale = canvas.width / width;
      context.setTransform(1, 0, 0, 1, 0, 0);
      context.clearRect(0, 0, canvas.width, canvas.height);
      context.setTransform(scale, 0, 0, scale, 0, 0);
      context.lineWidth = 2.5;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#1b1f24";
      strokes.forEach(function (stroke) {
        context.beginPath();
        stroke.forEach(function (point, index) {
          if (index === 0) {
            context.moveTo(point[0], point[1]);
          } else {
            context.lineTo(point[0], point[1]);
          }
        });
        if (stroke.length === 1) {
          context.lineTo(stroke[0][0] + 0.1, stroke[0][1]);
        }
        context.stroke();
      });
    }

    function write() {
      field.value = strokes
        .map(function (stroke) {
          return stroke
            .map(function (point, index) {
              return (index === 0 ? "M" : "L") + point[0] + " " + point[1];
            })
            .join("");
        })
        .join("");
    }

    function read() {
      // After a refused submission the form comes back with what was drawn: draw it again if it is plain path data.
      var text = field.value || "";
      if (!/^(?:[ML]\d+(?:\.\d+)? \d+(?:\.\d+)?)+$/.test(text)) {
        field.value = "";
        return;
      }
      var pattern = /([ML])(\d+(?:\.\d+)?) (\d+(?:\.\d+)?)/g;
      var found;
      while ((found = pattern.exec(text)) !== null) {
        if (found[1] === "M" || strokes.length === 0) {
          strokes.push([]);
        }
        strokes[strokes.length - 1].push([Number(found[2]), Number(found[3])]);
        count += 1;
      }
    }

    function at(event) {
      var box = canvas.getBoundingClientRect();
      var x = ((event.clientX - box.left) / box.width) * width;
      var y = ((event.clientY - box.top) / box.height) * height;
      return [round(Math.min(Math.max(x, 0), width)), round(Math.min(Math.max(y, 0), height))];
    }

    function add(point) {
      var last = current[current.length - 1];
      if (last && Math.hypot(point[0] - last[0], point[1] - last[1]) < MIN_STEP) {
        return;
      }
      if (count >= MAX_POINTS) {
        return;
      }
      current.push(point);
      count += 1;
    }

    canvas.addEventListener("pointerdown", function (event) {
      if (event.button !== 0 && event.pointerType === "mouse") {
        return;
      }
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      current = [];
      strokes.push(current);
      add(at(event));
      redraw();
    });

    canvas.addEventListener("pointermove", function (event) {
      if (current === null) {
        return;
      }
      event.preventDefault();
      var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
      (events.length ? events : [event]).forEach(function (each) {
        add(at(each));
      });
      redraw();
    });

    function end() {
      if (current === null) {
        return;
      }
      current = null;
      write();
    }

    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);

    clear.addEventListener("click", function () {
      strokes = [];
      current = null;
      count = 0;
      field.value = "";
      redraw();
    });

    read();
    fit();
    window.addEventListener("resize", fit);
  }

  function start() {
    document.querySelectorAll("[data-signature-pad]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
