/**
 * The latency page's script (served as /assets/latency.js): plays one
 * camera (WebRTC, or LL-HLS with `?player=hls`), reads the capture time stamped into each presented frame
 * (requestVideoFrameCallback, a canvas of the stamp's corner) and shows
 * Date.now() minus it, p50 and p95 over the last samples. Same machine, same
 * clock: the figure is glass to glass, minus the sensor's own exposure.
 * `window.eyrieLatency` holds the figures for scripts (the bench, tests).
 *
 * @module
 */
export const LATENCY_JS = String.raw`"use strict";
(function () {
  var WINDOW = 600;
  var samples = [];
  var out = { camera: null, via: null, count: 0, misses: 0, p50: null, p95: null, last: null, samples: samples };
  window.eyrieLatency = out;

  function pct(sorted, p) {
    return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  }

  function show() {
    var sorted = samples.slice().sort(function (a, b) { return a - b; });
    out.p50 = sorted.length ? pct(sorted, 0.5) : null;
    out.p95 = sorted.length ? pct(sorted, 0.95) : null;
    document.getElementById("p50").textContent = out.p50 === null ? "–" : out.p50 + " ms";
    document.getElementById("p95").textContent = out.p95 === null ? "–" : out.p95 + " ms";
    document.getElementById("count").textContent = out.count + " frames read, " + out.misses + " without a stamp";
  }

  function reader(video) {
    var canvas = document.createElement("canvas");
    var ctx = canvas.getContext("2d", { willReadFrequently: true });
    function onFrame() {
      var now = Date.now();
      var cell = eyrieTimecodeCell(video.videoWidth, video.videoHeight);
      if (cell > 0) {
        var w = 8 * cell;
        var h = 6 * cell;
        if (canvas.width !== w || canvas.height !== h) {
          canvas.width = w;
          canvas.height = h;
        }
        ctx.drawImage(video, 0, 0, w, h, 0, 0, w, h);
        var stamp = eyrieReadStamp(ctx.getImageData(0, 0, w, h).data, w * 4, cell);
        var latency = stamp === null ? null : now - stamp;
        if (latency === null || latency < 0 || latency > 60000) {
          out.misses++;
        } else {
          out.count++;
          out.last = latency;
          samples.push(latency);
          if (samples.length > WINDOW) samples.shift();
        }
      }
      video.requestVideoFrameCallback(onFrame);
    }
    video.requestVideoFrameCallback(onFrame);
  }

  // What the heading says: measuring, or what the camera lacks for it.
  function hint(cam) {
    var text = !cam ? ""
      : cam.timecode ? "measuring (frames carry their capture time)"
      : "cannot measure: set timecode = true on this camera";
    document.getElementById("hint").textContent = text;
  }

  async function main() {
    var params = new URLSearchParams(location.search);
    var id = params.get("camera");
    var cams = await (await fetch("/api/cameras")).json();
    var h264 = cams.filter(function (c) { return c.codec === "h264"; });
    if (!id) {
      // The first camera that stamps its frames, else the first H.264 one (the hint says why not).
      var stamped = h264.filter(function (c) { return c.timecode; });
      if (h264.length === 0) {
        document.getElementById("status").textContent = "No H.264 camera to measure.";
        return;
      }
      id = (stamped[0] || h264[0]).id;
    }
    hint(cams.filter(function (c) { return c.id === id; })[0]);
    out.camera = id;
    document.getElementById("camera").textContent = id;
    var video = document.getElementById("video");
    // ?player=hls measures LL-HLS instead of WebRTC.
    var via = params.get("player") === "hls" ? window.eyrieHls : window.eyrieWhep;
    out.via = params.get("player") === "hls" ? "hls" : "webrtc";
    window.eyrieLatency.player = via.play(video, id, function (t) {
      document.getElementById("status").textContent = t;
    });
    reader(video);
    setInterval(show, 500);
  }
  main();
})();
`;
