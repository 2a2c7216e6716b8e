/**
 * LL-HLS in the browser: hls.js itself (npm `hls.js`, the light build,
 * served as /assets/hls.js so no page reaches a CDN) and eyrie's player
 * around it (served as /assets/hls-player.js): `eyrieHls.play(video,
 * cameraId, onStatus)` plays `/api/cameras/<id>/hls/index.m3u8` in
 * low-latency mode, or natively where the browser plays HLS itself
 * (Safari), and starts over after a fatal error. hls.js is loaded on the
 * first play, not with the page.
 *
 * @module
 */
import HLS_LIGHT from "hls.js/dist/hls.light.min.js" with { type: "text" };

/** hls.js 1.7 (light build: no subtitles, alternate audio or DRM, which eyrie never sends). */
export const HLS_JS: string = HLS_LIGHT;

export const HLS_PLAYER_JS = String.raw`"use strict";
(function () {
  var RETRY_MS = 2000;

  function hlsUrl(cameraId) {
    return "/api/cameras/" + encodeURIComponent(cameraId) + "/hls/index.m3u8";
  }

  // hls.js is 390 KB: loaded on first use, so pages that play WebRTC never fetch it.
  var loading = null;
  function loadHls() {
    loading = loading || new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = "/assets/hls.js";
      s.onload = resolve;
      s.onerror = function () {
        loading = null;
        reject(new Error("hls.js did not load"));
      };
      document.head.appendChild(s);
    });
    return loading;
  }

  // Plays a camera into a <video> until stop(); onStatus(text) reports progress.
  function play(video, cameraId, onStatus) {
    var status = onStatus || function () {};
    var hls = null;
    var stopped = false;
    var timer = 0;

    async function start() {
      if (stopped) return;
      status("loading LL-HLS");
      if (!window.Hls && (window.MediaSource || window.ManagedMediaSource)) {
        try {
          await loadHls();
        } catch (_e) { /* then the browser's own HLS, if any */ }
        if (stopped) return;
      }
      if (!window.Hls || !window.Hls.isSupported()) {
        if (video.canPlayType("application/vnd.apple.mpegurl")) {
          video.src = hlsUrl(cameraId);
          video.play().catch(function () {});
          return;
        }
        status("this browser plays neither MSE nor HLS");
        return;
      }
      hls = new window.Hls({
        lowLatencyMode: true,
        backBufferLength: 4,
        // A camera that restarts comes back within seconds: keep asking meanwhile.
        manifestLoadingMaxRetry: 3,
        levelLoadingMaxRetry: 6,
        fragLoadingMaxRetry: 6,
      });
      hls.on(window.Hls.Events.FRAG_BUFFERED, function () { status(""); });
      hls.on(window.Hls.Events.ERROR, function (_e, data) {
        if (!data.fatal) return;
        status("LL-HLS failed (" + data.details + "); retrying");
        hls.destroy();
        hls = null;
        timer = setTimeout(start, RETRY_MS + Math.random() * 500);
      });
      hls.loadSource(hlsUrl(cameraId));
      hls.attachMedia(video);
      video.play().catch(function () {});
    }

    start();
    return {
      get hls() { return hls; },
      stop: function () {
        stopped = true;
        clearTimeout(timer);
        if (hls !== null) hls.destroy();
        hls = null;
        video.removeAttribute("src");
        video.load();
      },
    };
  }

  window.eyrieHls = { play: play };
})();
`;
