/**
 * The browser's WHEP player (served as /assets/whep.js): offers to receive
 * video, posts the offer, plays the answer's stream with the smallest jitter
 * buffer the browser allows, DELETEs its session when it stops, and starts
 * over when the picture stops (actor restart, network change).
 *
 * Plain JavaScript kept in a TS module so a compiled binary serves it.
 *
 * @module
 */
export const WHEP_JS = String.raw`"use strict";
(function () {
  var RETRY_MS = 2000;
  var FROZEN_MS = 5000;

  function whepUrl(cameraId) {
    return "/api/cameras/" + encodeURIComponent(cameraId) + "/whep";
  }

  // One session: resolves with { pc, location } once the answer is applied.
  async function connect(video, cameraId) {
    var pc = new RTCPeerConnection();
    pc.addTransceiver("video", { direction: "recvonly" });
    pc.ontrack = function (e) {
      video.srcObject = new MediaStream([e.track]);
    };
    await pc.setLocalDescription(await pc.createOffer());
    var res = await fetch(whepUrl(cameraId), {
      method: "POST",
      headers: { "content-type": "application/sdp" },
      body: pc.localDescription.sdp,
    });
    if (res.status !== 201) {
      pc.close();
      var why = res.statusText;
      try { why = (await res.json()).error; } catch (_e) { /* not JSON */ }
      var error = new Error(why);
      error.retryMs = 1000 * Number(res.headers.get("retry-after") || 0);
      throw error;
    }
    var location = res.headers.get("location");
    await pc.setRemoteDescription({ type: "answer", sdp: await res.text() });
    pc.getReceivers().forEach(function (r) {
      // Live view: play frames as soon as they decode.
      if ("jitterBufferTarget" in r) r.jitterBufferTarget = 0;
      if ("playoutDelayHint" in r) r.playoutDelayHint = 0;
    });
    return { pc: pc, location: location };
  }

  // Plays a camera into a <video> until stop(); onStatus(text) reports progress.
  function play(video, cameraId, onStatus) {
    var session = null;
    var stopped = false;
    var watchdog = 0;
    var lastFrames = -1;
    var lastChange = Date.now();
    var status = onStatus || function () {};

    function end() {
      if (session === null) return;
      var s = session;
      session = null;
      s.pc.close();
      if (s.location) fetch(s.location, { method: "DELETE", keepalive: true }).catch(function () {});
    }

    async function start() {
      if (stopped) return;
      status("connecting");
      try {
        session = await connect(video, cameraId);
        lastFrames = -1;
        lastChange = Date.now();
        status("waiting for the first frame");
      } catch (e) {
        status("cannot play: " + e.message + "; retrying");
        // Spread retries, so viewers refused together do not come back together.
        setTimeout(start, (e.retryMs || RETRY_MS) + Math.random() * 500);
      }
    }

    async function check() {
      if (session === null) return;
      var frames = 0;
      (await session.pc.getStats()).forEach(function (s) {
        if (s.type === "inbound-rtp" && s.kind === "video") frames = s.framesDecoded || 0;
      });
      if (frames !== lastFrames) {
        if (lastFrames <= 0 && frames > 0) status("");
        lastFrames = frames;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > FROZEN_MS) {
        status("no picture for " + Math.round(FROZEN_MS / 1000) + " s; reconnecting");
        end();
        start();
      }
    }

    start();
    watchdog = setInterval(check, 1000);
    addEventListener("pagehide", end);
    return {
      get pc() { return session === null ? null : session.pc; },
      stop: function () {
        stopped = true;
        clearInterval(watchdog);
        end();
      },
    };
  }

  window.eyrieWhep = { play: play, connect: connect };
})();
`;
