/**
 * The live tiles' sound extras (served as /assets/talk.js), added by
 * tile.js to the tiles of cameras that have them:
 *
 * - a **level meter** of the camera's sound: a WebAudio AnalyserNode on the
 *   received audio track, its RMS in dBFS (−60 … 0 dB shown as 0 … 1) on a
 *   `<meter>`, ten times a second. Browsers start an AudioContext only after
 *   a gesture on the page, so the meter moves from the first click or key
 *   press (the Unmute button's click is one); until then it says so.
 * - a **push-to-talk** button for a camera with a speaker: hold it (mouse,
 *   touch, or Space/Enter) and the microphone goes to
 *   `POST /api/cameras/:id/talk`; let go and the session's Location is
 *   deleted. It shows who holds the speaker when someone else does, and a
 *   speaker that is offline with its cause.
 *
 * Tiles of cameras without sound or speaker are unchanged (both hidden).
 * Text from the server goes through textContent only.
 *
 * @module
 */
export const TALK_JS = String.raw`"use strict";
(function () {
  var tiles = {};
  var context = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // One AudioContext for the page; browsers keep it suspended until a gesture.
  function audioContext() {
    if (context === null) {
      var C = window.AudioContext || window.webkitAudioContext;
      if (!C) return null;
      context = new C();
    }
    if (context.state === "suspended") context.resume().catch(function () {});
    return context;
  }
  ["pointerdown", "keydown"].forEach(function (t) {
    addEventListener(t, function () { if (context) context.resume().catch(function () {}); }, true);
  });

  function talkUrl(id) {
    return "/api/cameras/" + encodeURIComponent(id) + "/talk";
  }

  function hasSpeaker(cam) {
    return !!cam.talk && cam.talk.state !== "none";
  }

  // The meter follows the video's audio track (whep.js puts it in video.srcObject).
  function meterLoop(t) {
    var data = null;
    setInterval(function () {
      var stream = t.video.srcObject;
      var track = stream && stream.getAudioTracks ? stream.getAudioTracks()[0] : null;
      if (!track || t.meter.hidden) return;
      if (t.track !== track) {
        var ctx = audioContext();
        if (ctx === null) return;
        if (t.source) t.source.disconnect();
        t.track = track;
        t.source = ctx.createMediaStreamSource(new MediaStream([track]));
        t.analyser = ctx.createAnalyser();
        t.analyser.fftSize = 2048;
        t.source.connect(t.analyser);
        data = new Float32Array(t.analyser.fftSize);
      }
      if (context.state !== "running") {
        t.meter.title = "sound level: click anywhere on the page to measure it";
        return;
      }
      t.analyser.getFloatTimeDomainData(data);
      var sq = 0;
      for (var i = 0; i < data.length; i++) sq += data[i] * data[i];
      var rms = Math.sqrt(sq / data.length);
      var db = rms > 0 ? 20 * Math.log10(rms) : -Infinity;
      var level = Math.max(0, Math.min(1, (db + 60) / 60));
      t.meter.value = level;
      t.meter.dataset.db = isFinite(db) ? db.toFixed(1) : "-inf";
      t.meter.title = "sound level " + (isFinite(db) ? db.toFixed(0) + " dBFS" : "silent");
    }, 100);
  }

  async function startTalk(t) {
    if (t.session || t.starting) return;
    t.starting = true;
    t.wanted = true;
    t.button.setAttribute("aria-pressed", "true");
    t.button.textContent = "Talking…";
    var mic = null;
    var pc = null;
    try {
      mic = await navigator.mediaDevices.getUserMedia({ audio: true });
      if (!t.wanted) throw null;
      var servers = [];
      var opts = await fetch(talkUrl(t.id), { method: "OPTIONS" });
      if (opts.ok && window.eyrieWhep) servers = window.eyrieWhep.iceServersOf(opts.headers.get("link"));
      pc = new RTCPeerConnection({ iceServers: servers });
      pc.addTransceiver(mic.getAudioTracks()[0], { direction: "sendonly" });
      await pc.setLocalDescription(await pc.createOffer());
      // No trickle for talk: the offer carries the candidates gathered in the first 2 s.
      await new Promise(function (r) {
        if (pc.iceGatheringState === "complete") return r();
        pc.addEventListener("icegatheringstatechange", function () {
          if (pc.iceGatheringState === "complete") r();
        });
        setTimeout(r, 2000);
      });
      var res = await fetch(talkUrl(t.id), {
        method: "POST",
        headers: { "content-type": "application/sdp" },
        body: pc.localDescription.sdp,
      });
      if (res.status !== 201) {
        var why = res.statusText;
        try { why = (await res.json()).error; } catch (_e) { /* not JSON */ }
        t.say("cannot talk: " + why);
        throw null;
      }
      var location = res.headers.get("location");
      await pc.setRemoteDescription({ type: "answer", sdp: await res.text() });
      t.session = { pc: pc, mic: mic, location: location };
      t.say("");
      if (!t.wanted) stopTalk(t);
    } catch (e) {
      if (e) t.say("cannot talk: " + (e.message || e));
      if (pc) pc.close();
      if (mic) mic.getTracks().forEach(function (x) { x.stop(); });
      idle(t);
    } finally {
      t.starting = false;
    }
  }

  function stopTalk(t) {
    t.wanted = false;
    var s = t.session;
    if (!s) return;
    t.session = null;
    s.pc.close();
    s.mic.getTracks().forEach(function (x) { x.stop(); });
    if (s.location) fetch(s.location, { method: "DELETE", keepalive: true }).catch(function () {});
    idle(t);
  }

  function idle(t) {
    t.button.setAttribute("aria-pressed", "false");
    t.button.textContent = "Hold to talk";
  }

  // Adds the meter and the talk button to a tile's controls bar; say(text) is the tile's status line.
  function attach(cam, video, bar, say) {
    var t = { id: cam.id, video: video, say: say, session: null, starting: false, wanted: false };
    t.meter = el("meter", "level");
    t.meter.min = 0;
    t.meter.max = 1;
    t.meter.value = 0;
    t.meter.setAttribute("aria-label", "Sound level of " + cam.id);
    t.button = el("button", "talk", "Hold to talk");
    t.button.type = "button";
    t.button.setAttribute("aria-pressed", "false");
    t.button.setAttribute("aria-label", "Talk through the speaker of " + cam.id);
    t.holder = el("span", "talk-holder");
    t.holder.setAttribute("role", "status");
    var b = t.button;
    // The button keeps the pointer until it is let go, wherever it moves meanwhile.
    b.addEventListener("pointerdown", function (e) {
      e.preventDefault();
      try { b.setPointerCapture(e.pointerId); } catch (_e) { /* no capture: pointerup still ends it */ }
      startTalk(t);
    });
    ["pointerup", "pointercancel", "lostpointercapture"].forEach(function (ev) {
      b.addEventListener(ev, function () { stopTalk(t); });
    });
    b.addEventListener("keydown", function (e) {
      if ((e.key === " " || e.key === "Enter") && !e.repeat) { e.preventDefault(); startTalk(t); }
    });
    b.addEventListener("keyup", function (e) { if (e.key === " " || e.key === "Enter") stopTalk(t); });
    b.addEventListener("blur", function () { stopTalk(t); });
    addEventListener("pagehide", function () { stopTalk(t); });
    bar.appendChild(t.meter);
    bar.appendChild(t.button);
    bar.appendChild(t.holder);
    tiles[cam.id] = t;
    update(cam);
    meterLoop(t);
    return t;
  }

  // Shows what /api/cameras says now: whether there is sound and a speaker, and who holds it.
  function update(cam) {
    var t = tiles[cam.id];
    if (!t) return;
    t.meter.hidden = !(window.eyrieTiles && window.eyrieTiles.hasSound(cam));
    var talk = cam.talk || { state: "none" };
    t.button.hidden = !hasSpeaker(cam);
    t.holder.hidden = t.button.hidden;
    var text = "";
    if (talk.state === "held" && !t.session && !t.starting) text = "speaker held by " + talk.holder;
    else if (talk.state === "offline") text = "speaker offline: " + (talk.cause || "");
    t.holder.textContent = text;
  }

  window.eyrieTalk = { attach: attach, update: update, hasSpeaker: hasSpeaker };
})();
`;
