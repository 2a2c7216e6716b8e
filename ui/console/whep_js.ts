/**
 * The browser's WHEP player (served as /assets/whep.js): asks the endpoint
 * for its ICE servers (`OPTIONS`, `Link: <url>; rel="ice-server"`), offers
 * to receive video, posts the offer, trickles its candidates with `PATCH`
 * and adds the ones eyrie sends back, plays the answer's stream with the
 * smallest jitter buffer the browser allows, DELETEs its session when it
 * stops, and starts over when the picture stops (actor restart, network
 * change).
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

  // RTCIceServer entries from WHEP Link headers (fetch joins several with ", ").
  function iceServersOf(link) {
    var out = [];
    var re = /<([^>]+)>([^<]*)/g;
    var m;
    while ((m = re.exec(link || "")) !== null) {
      var params = {};
      m[2].replace(/;\s*([a-z-]+)="((?:[^"\\]|\\.)*)"/g, function (_all, k, v) {
        params[k] = v.replace(/\\(.)/g, "$1");
      });
      if (params.rel !== "ice-server") continue;
      var server = { urls: m[1] };
      if (params.username !== undefined) {
        server.username = params.username;
        server.credential = params.credential || "";
      }
      out.push(server);
    }
    return out;
  }

  // Asked once per 30 s (TURN REST credentials live at least 60 s): reconnects need no extra
  // request. Only an answer is kept: a refusal (no such camera, not running) is asked again.
  var cached = { at: 0, servers: [] };
  async function iceServers(cameraId) {
    if (Date.now() - cached.at < 30000) return cached.servers;
    try {
      var res = await fetch(whepUrl(cameraId), { method: "OPTIONS" });
      if (!res.ok) return [];
      cached = { at: Date.now(), servers: iceServersOf(res.headers.get("link")) };
      return cached.servers;
    } catch (_e) {
      return [];
    }
  }

  // Sends the browser's candidates as they come (RFC 8840 fragments), adds eyrie's from the reply.
  function trickle(pc) {
    var queue = [];
    var at = null;
    var sending = false;
    async function flush() {
      if (at === null || sending || queue.length === 0) return;
      sending = true;
      var batch = queue.splice(0, queue.length);
      var mid = batch[0].sdpMid || "0";
      var body = "a=ice-ufrag:" + (/a=ice-ufrag:(.*)/.exec(pc.localDescription.sdp) || ["", ""])[1].trim() +
        "\r\na=ice-pwd:" + (/a=ice-pwd:(.*)/.exec(pc.localDescription.sdp) || ["", ""])[1].trim() +
        "\r\nm=video 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:" + mid + "\r\n" +
        batch.map(function (c) { return c === END ? "a=end-of-candidates" : "a=" + c.candidate; }).join("\r\n") + "\r\n";
      try {
        var res = await fetch(at, { method: "PATCH", headers: { "content-type": "application/trickle-ice-sdpfrag" }, body: body });
        if (res.status === 200) {
          var text = await res.text();
          var rmid = (/a=mid:(.*)/.exec(text) || ["", mid])[1].trim();
          (text.match(/^a=candidate:.*$/gm) || []).forEach(function (line) {
            pc.addIceCandidate({ candidate: line.slice(2).trim(), sdpMid: rmid }).catch(function () {});
          });
        }
      } catch (_e) { /* the checks find their way without it */ }
      sending = false;
      flush();
    }
    var END = {};
    pc.onicecandidate = function (e) {
      queue.push(e.candidate && e.candidate.candidate ? e.candidate : END);
      flush();
    };
    return function (location) {
      at = location;
      flush();
    };
  }

  // One session: resolves with { pc, location } once the answer is applied. options:
  // { iceTransportPolicy } (tests force "relay"), { stream } ("auto", "main" or "sub": which of
  // the camera's streams; the server's default is auto).
  async function connect(video, cameraId, options) {
    var servers = await iceServers(cameraId);
    var pc = new RTCPeerConnection({
      iceServers: servers,
      iceTransportPolicy: (options && options.iceTransportPolicy) || "all",
    });
    pc.addTransceiver("video", { direction: "recvonly" });
    // The camera's sound when it has some (answered inactive when not); the tile starts muted.
    pc.addTransceiver("audio", { direction: "recvonly" });
    var media = new MediaStream();
    pc.ontrack = function (e) {
      media.addTrack(e.track);
      video.srcObject = media;
    };
    // An ICE-lite eyrie (no servers) finds the browser by its checks: nothing to trickle.
    var sendTo = servers.length > 0 ? trickle(pc) : function () {};
    await pc.setLocalDescription(await pc.createOffer());
    var query = options && options.stream ? "?stream=" + encodeURIComponent(options.stream) : "";
    var res = await fetch(whepUrl(cameraId) + query, {
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
    sendTo(location);
    pc.getReceivers().forEach(function (r) {
      // Live view: play frames as soon as they decode.
      if ("jitterBufferTarget" in r) r.jitterBufferTarget = 0;
      if ("playoutDelayHint" in r) r.playoutDelayHint = 0;
    });
    return { pc: pc, location: location };
  }

  // Plays a camera into a <video> until stop(); onStatus(text) reports progress.
  function play(video, cameraId, onStatus, options) {
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
        session = await connect(video, cameraId, options);
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

  window.eyrieWhep = { play: play, connect: connect, iceServersOf: iceServersOf };
})();
`;
