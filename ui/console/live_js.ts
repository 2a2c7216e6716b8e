/**
 * The live page's script (served as /assets/live.js): one card per camera
 * with its player (live-player.js: WebRTC, else LL-HLS, else MJPEG, and the
 * mode it plays on the tile) and stats, and the actor tree from /api/health.
 * A grid of several cameras plays each camera's sub stream where it has one
 * (`[camera.sub]`); one camera, or the one-column layout, plays the main
 * stream (`auto`: the sub stream only while the link cannot carry it). The
 * tile says which stream plays, from the viewer's own session in the stats.
 * Text from the server goes through textContent only.
 *
 * @module
 */
export const LIVE_JS = String.raw`"use strict";
(function () {
  var cards = {};
  var players = {};
  var cameraCount = 0;
  var tiles = document.getElementById("cameras");

  // Which stream a camera's tile asks for: the sub stream in a grid, else auto (main first).
  function wantStream(cam) {
    if (!cam.streams || !cam.streams.sub) return "auto";
    return cameraCount > 1 && tiles.dataset.layout !== "1" ? "sub" : "auto";
  }

  function startPlayer(cam, s) {
    s.want = wantStream(cam);
    // auto is the server's default: the URL stays /whep (without a query).
    var play = Object.assign({}, cam, { stream: s.want === "auto" ? undefined : s.want });
    players[cam.id] = window.eyrieLive.play({ video: s.video, img: s.img }, play, function (t) {
      s.status.textContent = t;
    }, function (m, label) {
      s.mode.textContent = label;
      s.mode.dataset.mode = m;
    });
  }

  // A layout change (tile.js) moves grid tiles between sub and main streams: a new session each.
  tiles.addEventListener("eyrie-layout", function () {
    Object.keys(cards).forEach(function (id) {
      var s = cards[id];
      if (wantStream(s.cam) === s.want) return;
      players[id].stop();
      startPlayer(s.cam, s);
    });
  });
  window.eyrieConsole = { players: players };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function stat(grid, label) {
    var d = el("div");
    d.appendChild(el("span", "", label));
    var v = el("b", "", "–");
    d.appendChild(v);
    grid.appendChild(d);
    return v;
  }

  function card(cam) {
    var c = el("section", "card");
    c.id = "camera-" + cam.id;
    var h = el("h2", "", cam.id);
    h.appendChild(el("small", "", cam.width + "×" + cam.height + " @ " + cam.fps + " fps · " + cam.codec));
    var probe = el("a", "", "latency");
    probe.href = "/latency?camera=" + encodeURIComponent(cam.id);
    h.appendChild(el("small", "", " "));
    h.appendChild(probe);
    var mode = el("small", "mode", "");
    mode.title = "what plays now: WebRTC, else LL-HLS, else MJPEG";
    h.appendChild(mode);
    var stream = el("small", "stream", "");
    stream.title = "which of the camera's streams plays: main, or sub ([camera.sub]); auto: moves with the link";
    h.appendChild(stream);
    c.appendChild(h);
    var video = el("video");
    video.muted = true;
    video.autoplay = true;
    video.playsInline = true;
    c.appendChild(video);
    var img = el("img", "mjpeg");
    img.alt = cam.id + " (MJPEG)";
    img.hidden = true;
    c.appendChild(img);
    if (window.eyrieTiles) window.eyrieTiles.controls(cam, video);
    var state = el("div", "camera-state");
    c.appendChild(state);
    var status = el("div", "status");
    c.appendChild(status);
    var grid = el("div", "stats");
    c.appendChild(grid);
    var s = {
      fps: stat(grid, "fps"),
      bitrate: stat(grid, "bitrate"),
      encoder: stat(grid, "encoder"),
      viewers: stat(grid, "viewers"),
      drops: stat(grid, "drops"),
      latency: stat(grid, "encode latency"),
      decoded: stat(grid, "decoded here"),
      buffer: stat(grid, "jitter buffer"),
    };
    s.state = state;
    s.cam = cam;
    s.video = video;
    s.img = img;
    s.status = status;
    s.mode = mode;
    s.stream = stream;
    tiles.appendChild(c);
    cards[cam.id] = s;
    startPlayer(cam, s);
  }

  // "sub 640×360" or "main" (with "auto" when it may move): WebRTC's from its session in the
  // viewer stats; LL-HLS and MJPEG are made from the main stream.
  function streamLabel(cam, s, view) {
    var p = players[cam.id];
    if (!p || !p.mode) return ["", ""];
    var sub = cam.streams && cam.streams.sub;
    if (p.mode !== "webrtc" || !sub) return ["main", "main"];
    var sid = p.location ? p.location.split("/").pop() : null;
    var mine = (view.sessions || []).filter(function (x) { return x.id === sid; })[0];
    var which = mine ? mine.stream : s.want === "sub" ? "sub" : "main";
    var text = which === "sub" ? "sub " + sub.width + "×" + sub.height : "main";
    return [which, s.want === "auto" ? text + " (auto)" : text];
  }

  // "offline: connection refused by 127.0.0.1:8554 · next try in 32 s"
  function describeState(st) {
    if (!st) return "";
    var text = st.state + (st.cause ? ": " + st.cause : "");
    if (st.retry_at) {
      var s = Math.max(0, Math.round((Date.parse(st.retry_at) - Date.now()) / 1000));
      text += " · next try in " + s + " s";
    }
    return text;
  }

  function show(cam) {
    var s = cards[cam.id];
    if (!s) return;
    var st = cam.status || {};
    var sound = document.querySelector("#camera-" + cam.id + " button.sound");
    if (sound && window.eyrieTiles) sound.hidden = !window.eyrieTiles.hasSound(cam);
    if (window.eyrieTalk) window.eyrieTalk.update(cam);
    s.state.textContent = describeState(cam.status);
    s.state.className = "camera-state state " + (st.state === "live" ? "running" : st.state === "connecting" ? "starting" : "failed");
    var stats = cam.stats || {};
    var enc = stats.encoder || {};
    var view = stats.viewer || {};
    var camStats = stats.camera || {};
    // The sub stream's encoder: its rate follows its viewers (the main stream's never moves).
    var sub = stats["sub-encoder"] || {};
    var label = streamLabel(cam, s, view);
    s.stream.dataset.stream = label[0];
    s.stream.textContent = label[1] ? " · " + label[1] : "";
    s.fps.textContent = (enc.fps !== undefined ? enc.fps : camStats.fps !== undefined ? camStats.fps : "–") + "";
    s.bitrate.textContent = enc.bitrateKbps !== undefined
      ? enc.bitrateKbps + " kbps" + (sub.bitrateKbps !== undefined
        ? " · sub " + sub.bitrateKbps + (view.targetKbps ? " → " + view.targetKbps : "")
        : "")
      : "–";
    s.encoder.textContent = enc.element ? enc.element + (enc.hardware ? " (hw)" : "") : "–";
    s.viewers.textContent = view.maxViewers !== undefined
      ? view.viewers + " / " + view.maxViewers + (view.connecting ? " (+" + view.connecting + ")" : "")
      : cam.viewer_state === "idle" ? "idle: no viewers"
      : cam.viewer_state ? cam.viewer_state : "–";
    var drops = (enc.dropped || 0) + (view.dropped || 0) + (view.ringDrops || 0);
    s.drops.textContent = drops + "";
    s.latency.textContent = enc.latencyP50Ms !== undefined
      ? enc.latencyP50Ms + " / " + enc.latencyP95Ms + " ms"
      : "–";
  }

  async function browserStats(id) {
    var p = players[id];
    var s = cards[id];
    if (!p || !p.pc || !s) return;
    (await p.pc.getStats()).forEach(function (r) {
      if (r.type !== "inbound-rtp" || r.kind !== "video") return;
      s.decoded.textContent = (r.framesDecoded || 0) + (r.framesPerSecond ? " (" + r.framesPerSecond + " fps)" : "");
      if (r.jitterBufferEmittedCount) {
        s.buffer.textContent = Math.round(1000 * r.jitterBufferDelay / r.jitterBufferEmittedCount) + " ms";
      }
    });
  }

  function tree(actors) {
    var root = { children: {}, order: [] };
    actors.forEach(function (a) {
      var node = root;
      a.id.split("/").forEach(function (part) {
        if (!node.children[part]) {
          node.children[part] = { name: part, children: {}, order: [] };
          node.order.push(part);
        }
        node = node.children[part];
      });
      node.actor = a;
    });
    function list(node) {
      var ul = el("ul", "tree");
      node.order.forEach(function (k) {
        var n = node.children[k];
        var li = el("li");
        li.appendChild(el("span", "", n.name + " "));
        if (n.actor) {
          li.appendChild(el("span", "state " + n.actor.state, n.actor.state));
          if (n.actor.restarts > 0) li.appendChild(el("small", "", " " + n.actor.restarts + " restarts"));
        }
        if (n.order.length > 0) li.appendChild(list(n));
        ul.appendChild(li);
      });
      return ul;
    }
    return list(root);
  }

  async function refresh() {
    try {
      var cams = await (await fetch("/api/cameras")).json();
      if (cameraCount === 0) cameraCount = cams.length;
      cams.forEach(function (cam) {
        if (!cards[cam.id]) card(cam);
        show(cam);
        browserStats(cam.id);
      });
      if (cams.length === 0) tiles.textContent = "No cameras configured.";
    } catch (_e) { /* the next refresh tries again */ }
  }

  async function health() {
    try {
      var h = await (await fetch("/api/health")).json();
      var box = document.getElementById("actors");
      box.replaceChildren(
        el("p", "", "status " + h.status + " · up " + h.uptime_s + " s · " + h.version),
        tree(h.actors),
      );
      (h.problems || []).forEach(function (p) { box.appendChild(el("p", "state failed", p)); });
    } catch (_e) { /* the next refresh tries again */ }
  }

  // RTSP, MQTT and publishers, for admins (others get 403 and the panel stays hidden).
  function linkText(l) {
    if (l.state === "offline") {
      var next = l.retryAt ? ", next try in " + Math.max(0, Math.round((l.retryAt - Date.now()) / 1000)) + " s" : "";
      return "offline: " + l.cause + next;
    }
    return l.state;
  }
  async function services() {
    try {
      var res = await fetch("/api/services");
      if (!res.ok) return;
      var s = await res.json();
      var rows = [];
      if (s.rtsp) {
        var playing = (s.rtsp.sessions || []).filter(function (x) { return x.state === "playing"; }).length;
        rows.push(["RTSP", "rtsp://" + (s.rtsp.listen || "") + "/", s.rtsp.state ? linkText(s.rtsp) : "starting",
          (s.rtsp.sessions || []).length + " sessions, " + playing + " playing"]);
      }
      if (s.mqtt) {
        rows.push(["MQTT", s.mqtt.url, linkText(s.mqtt),
          s.mqtt.published + " published, " + s.mqtt.received + " received, " + s.mqtt.dropped + " dropped"]);
      }
      (s.publish || []).forEach(function (p) {
        rows.push(["Janus: " + p.camera, p.url + " #" + p.mountpoint, linkText(p),
          p.viewers + " viewers" + (p.creates > 1 ? ", made " + p.creates + " times" : "")]);
      });
      var box = document.getElementById("services");
      box.replaceChildren();
      rows.forEach(function (r) {
        var p = el("p", "", "");
        p.appendChild(el("b", "", r[0] + " "));
        p.appendChild(el("code", "", r[1] + " "));
        p.appendChild(el("span", "state " + (r[2] === "up" ? "running" : r[2].indexOf("offline") === 0 ? "failed" : "starting"), r[2]));
        p.appendChild(el("small", "", " · " + r[3]));
        box.appendChild(p);
      });
      document.getElementById("services-box").hidden = rows.length === 0;
    } catch (_e) { /* the next refresh tries again */ }
  }

  // Re-read the config file, as SIGHUP does: changed cameras restart, the rest runs on.
  async function reload() {
    var out = document.getElementById("reload-result");
    out.textContent = "reloading…";
    try {
      var res = await fetch("/api/config/reload", { method: "POST" });
      var r = await res.json();
      if (res.ok) {
        var parts = ["added", "removed", "changed"].filter(function (k) { return r[k].length > 0; })
          .map(function (k) { return k + " " + r[k].join(", "); });
        out.textContent = "reloaded: " + (parts.length > 0 ? parts.join("; ") : "nothing changed");
      } else {
        out.textContent = "not reloaded: " + (r.error || res.status);
      }
    } catch (e) {
      out.textContent = "not reloaded: " + e;
    }
    health();
  }
  document.getElementById("reload").addEventListener("click", reload);

  refresh();
  health();
  services();
  setInterval(refresh, 1000);
  setInterval(health, 2000);
  setInterval(services, 2000);
})();
`;
