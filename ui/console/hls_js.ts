/**
 * LL-HLS in the browser: hls.js itself (npm `hls.js`, the light build,
 * served as /assets/hls.js so no page reaches a CDN) and eyrie's player
 * around it (served as /assets/hls-player.js): `eyrieHls.play(video,
 * cameraId, onStatus)` plays `/api/cameras/<id>/hls/index.m3u8` in
 * low-latency mode, or natively where the browser plays HLS itself
 * (Safari), and starts over after a fatal error.
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

  // Plays a camera into a <video> until stop(); onStatus(text) reports progress.
  function play(video, cameraId, onStatus) {
    var status = onStatus || function () {};
    var hls = null;
    var stopped = false;
    var timer = 0;

    function start() {
      if (stopped) return;
      status("loading LL-HLS");
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
