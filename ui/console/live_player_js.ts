/**
 * The live tile's player (served as /assets/live-player.js): WebRTC first,
 * LL-HLS when WebRTC shows no frame within a few seconds or its connection
 * fails, MJPEG as the last resort; it says which one plays, and while it
 * plays a lower one it tries the ones above every so often (a hidden probe,
 * so the picture never stops for a try) and moves back up when one gives a
 * frame. An MJPEG camera plays MJPEG only.
 *
 * `eyrieLive.play(tile, camera, onStatus, onMode)`: tile = {video, img};
 * camera = {id, codec, stream}; `stream` ("auto", "main" or "sub") is the
 * WebRTC stream it asks for (whep.js; absent: the server's default, auto). Timings can be set before the script loads in
 * `window.eyrieLiveSettings` (tests shorten them).
 *
 * @module
 */
export const LIVE_PLAYER_JS = String.raw`"use strict";
(function () {
  var S = Object.assign({
    // No first frame within this long: the next mode down. WebRTC's first frame takes ICE,
    // DTLS and a keyframe (well under a second here); LL-HLS's a segment and a part or two.
    firstFrameMs: { webrtc: 4000, hls: 8000, mjpeg: 8000 },
    // A picture that stopped this long (after it played): down one mode.
    stallMs: 6000,
    // While below the top, try the modes above this often.
    upgradeMs: 30000,
  }, window.eyrieLiveSettings || {});
  var LABEL = { webrtc: "WebRTC", hls: "LL-HLS", mjpeg: "MJPEG" };

  function mjpegUrl(id) {
    return "/api/cameras/" + encodeURIComponent(id) + "/mjpeg";
  }

  // Opens one mode on an element; returns { stop(), frames(): Promise<number>, failed(), pc? }.
  function open(mode, id, video, img, stream) {
    if (mode === "webrtc") {
      var s = { pc: null, location: null, closed: false };
      var ready = window.eyrieWhep.connect(video, id, { stream: stream }).then(function (x) {
        if (s.closed) {
          x.pc.close();
          if (x.location) fetch(x.location, { method: "DELETE" }).catch(function () {});
          return;
        }
        s.pc = x.pc;
        s.location = x.location;
      }, function () { s.refused = true; });
      return {
        get pc() { return s.pc; },
        get location() { return s.location; },
        failed: function () {
          return s.refused === true ||
            (s.pc !== null && (s.pc.connectionState === "failed" || s.pc.iceConnectionState === "failed"));
        },
        frames: async function () {
          await ready;
          if (s.pc === null) return 0;
          var n = 0;
          (await s.pc.getStats()).forEach(function (r) {
            if (r.type === "inbound-rtp" && r.kind === "video") n = r.framesDecoded || 0;
          });
          return n;
        },
        stop: function () {
          s.closed = true;
          if (s.pc !== null) s.pc.close();
          if (s.location) fetch(s.location, { method: "DELETE", keepalive: true }).catch(function () {});
          video.srcObject = null;
        },
      };
    }
    if (mode === "hls") {
      var p = window.eyrieHls.play(video, id);
      return {
        failed: function () { return false; },
        frames: function () {
          var q = video.getVideoPlaybackQuality ? video.getVideoPlaybackQuality() : null;
          return Promise.resolve(q ? q.totalVideoFrames : Math.floor(video.currentTime * 10));
        },
        stop: function () { p.stop(); },
      };
    }
    var count = 0;
    var onload = function () { count++; };
    img.addEventListener("load", onload);
    img.src = mjpegUrl(id) + "?t=" + Date.now();
    return {
      failed: function () { return false; },
      frames: function () { return Promise.resolve(count); },
      stop: function () {
        img.removeEventListener("load", onload);
        img.removeAttribute("src");
      },
    };
  }

  function play(tile, camera, onStatus, onMode) {
    var status = onStatus || function () {};
    var modes = camera.codec === "h264" ? ["webrtc", "hls", "mjpeg"] : ["mjpeg"];
    var level = 0;
    var cur = null;
    var since = 0;
    var last = 0;
    var played = false;
    var stopped = false;
    var probing = false;
    var lastUpgrade = Date.now();
    var out = {
      mode: null,
      get pc() { return cur && cur.pc ? cur.pc : null; },
      // The WHEP session's URL while WebRTC plays (its id names it in the viewer stats).
      get location() { return cur && cur.location ? cur.location : null; },
      stop: stop,
    };

    function show(mode) {
      tile.video.hidden = mode === "mjpeg";
      tile.img.hidden = mode !== "mjpeg";
    }

    function start(i) {
      if (cur !== null) cur.stop();
      level = i;
      var mode = modes[level];
      show(mode);
      cur = open(mode, camera.id, tile.video, tile.img, camera.stream);
      cur.mode = mode;
      since = Date.now();
      last = 0;
      played = false;
      out.mode = mode;
      onMode(mode, LABEL[mode]);
      status("connecting (" + LABEL[mode] + ")");
    }

    // One mode down; below the last, from the top again (nothing played: maybe everything
    // was down, and what comes back first is unknown).
    function down(why) {
      var next = level + 1 < modes.length ? level + 1 : 0;
      status(LABEL[modes[level]] + ": " + why + "; trying " + LABEL[modes[next]]);
      lastUpgrade = Date.now();
      start(next);
    }

    // Tries the modes above the current one with hidden elements; moves up to the first that plays.
    async function probeUp() {
      probing = true;
      lastUpgrade = Date.now();
      for (var i = 0; i < level && !stopped; i++) {
        var v = document.createElement("video");
        v.muted = true;
        v.autoplay = true;
        v.playsInline = true;
        v.style.cssText = "position:absolute;width:2px;height:2px;opacity:0;pointer-events:none";
        var im = document.createElement("img");
        im.hidden = true;
        document.body.append(v, im);
        var probe = open(modes[i], camera.id, v, im, camera.stream);
        var ok = false;
        var t0 = Date.now();
        while (!stopped && Date.now() - t0 < S.firstFrameMs[modes[i]] && !probe.failed()) {
          await new Promise(function (r) { setTimeout(r, 250); });
          if ((await probe.frames()) > 0) { ok = true; break; }
        }
        probe.stop();
        v.remove();
        im.remove();
        if (ok && !stopped) {
          start(i);
          break;
        }
      }
      probing = false;
    }

    async function tick() {
      if (stopped || cur === null) return;
      var c = cur;
      var n = await c.frames();
      if (c !== cur) return;
      var now = Date.now();
      // Counters an element kept from the mode before do not count as this mode's frames.
      if (c.base === undefined) c.base = last = n;
      if (n > last) {
        if (!played) status("");
        played = true;
        last = n;
        since = now;
      } else if (c.failed()) {
        down("connection failed");
        return;
      } else if (now - since > (played ? S.stallMs : S.firstFrameMs[c.mode])) {
        down(played ? "the picture stopped" : "no picture");
        return;
      }
      if (level > 0 && played && !probing && now - lastUpgrade > S.upgradeMs) probeUp();
    }

    function stop() {
      stopped = true;
      clearInterval(timer);
      if (cur !== null) cur.stop();
    }

    start(0);
    var timer = setInterval(tick, 500);
    addEventListener("pagehide", stop);
    return out;
  }

  window.eyrieLive = { play: play };
})();
`;
