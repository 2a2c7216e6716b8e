/**
 * The live page's tile controls and grid (served as /assets/tile.js), apart
 * from the player (whep.js) and the stats (live.js): on each camera's tile a
 * quality preset selector (POST /api/cameras/:id/quality), a snapshot link
 * (/api/cameras/:id/snapshot.jpg), a fullscreen button, a sound button for a
 * camera with sound (tiles start muted, as browsers autoplay only muted
 * video) and the video's own controls; above the tiles a layout choice (auto, 1, 2×2, 3×3) kept in
 * localStorage. Text from the server goes through textContent only.
 *
 * @module
 */
export const TILE_JS = String.raw`"use strict";
(function () {
  var PRESETS = ["low", "medium", "high", "ultra"];
  var LAYOUTS = [["auto", "auto"], ["1", "1"], ["2", "2×2"], ["3", "3×3"]];
  var KEY = "eyrie.layout";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function stamp() {
    return new Date().toISOString().slice(0, 19).replace(/:/g, "-");
  }

  // Switch the camera's preset; the answer (or why not: 403 without control rights) goes to say().
  async function setQuality(id, preset, select, say) {
    select.disabled = true;
    try {
      var res = await fetch("/api/cameras/" + encodeURIComponent(id) + "/quality", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ preset: preset }),
      });
      var body = await res.json();
      if (res.ok) {
        select.dataset.quality = body.quality;
        say("quality " + body.quality + ": " + body.width + "×" + body.height + " @ " + body.fps + " fps, " + body.bitrate_kbps + " kbps");
      } else {
        select.value = select.dataset.quality || "";
        say("quality not changed: " + (body.error || res.status));
      }
    } catch (e) {
      select.value = select.dataset.quality || "";
      say("quality not changed: " + e);
    } finally {
      select.disabled = false;
    }
  }

  // Adds the controls bar after a tile's video: the camera (from /api/cameras) and its video.
  function controls(cam, video) {
    video.controls = true;
    var bar = el("div", "tile-controls");
    var msg = el("span", "tile-msg");
    msg.setAttribute("role", "status");
    function say(t) { msg.textContent = t; }
    var label = el("label", "", "Quality ");
    var select = el("select");
    select.setAttribute("aria-label", "Quality preset of " + cam.id);
    PRESETS.forEach(function (p) { select.appendChild(new Option(p, p)); });
    if (PRESETS.indexOf(cam.quality) < 0) select.appendChild(new Option(cam.quality || "custom", cam.quality || ""));
    select.value = cam.quality || "";
    select.dataset.quality = select.value;
    select.addEventListener("change", function () { setQuality(cam.id, select.value, select, say); });
    label.appendChild(select);
    bar.appendChild(label);

    var snap = el("a", "button", "Snapshot");
    snap.href = "/api/cameras/" + encodeURIComponent(cam.id) + "/snapshot.jpg";
    snap.addEventListener("click", function () { snap.download = cam.id + "-" + stamp() + ".jpg"; });
    snap.download = cam.id + ".jpg";
    bar.appendChild(snap);

    // Muted until asked: a click is the gesture browsers want before they play sound.
    var sound = el("button", "sound", "Unmute");
    sound.type = "button";
    sound.setAttribute("aria-pressed", "false");
    sound.setAttribute("aria-label", "Sound of " + cam.id);
    sound.hidden = !hasSound(cam);
    sound.addEventListener("click", function () {
      video.muted = !video.muted;
      sound.textContent = video.muted ? "Unmute" : "Mute";
      sound.setAttribute("aria-pressed", String(!video.muted));
      if (!video.muted) video.play().catch(function (e) { say("no sound: " + e.message); });
    });
    video.addEventListener("volumechange", function () {
      sound.textContent = video.muted ? "Unmute" : "Mute";
      sound.setAttribute("aria-pressed", String(!video.muted));
    });
    bar.appendChild(sound);

    var full = el("button", "", "Fullscreen");
    full.type = "button";
    full.addEventListener("click", function () {
      if (document.fullscreenElement) document.exitFullscreen();
      else video.requestFullscreen().catch(function (e) { say("no fullscreen: " + e.message); });
    });
    bar.appendChild(full);
    // The sound level and push-to-talk (talk.js), hidden on tiles without sound or speaker.
    if (window.eyrieTalk) window.eyrieTalk.attach(cam, video, bar, say);
    bar.appendChild(msg);
    video.insertAdjacentElement("afterend", bar);
    return { quality: select, snapshot: snap, fullscreen: full, sound: sound };
  }

  // Whether a camera (as /api/cameras shows it) has sound or may have (connecting, offline).
  function hasSound(cam) {
    return !!cam.audio && cam.audio.state !== "none";
  }

  // Tells live.js too: a grid plays sub streams, one column the main ones.
  function applyLayout(grid, value) {
    LAYOUTS.forEach(function (l) { grid.classList.remove("layout-" + l[0]); });
    grid.classList.add("layout-" + value);
    grid.dataset.layout = value;
    grid.dispatchEvent(new CustomEvent("eyrie-layout", { detail: value }));
  }

  // The layout choice, put before the grid.
  function layoutPicker(grid) {
    var saved = null;
    try { saved = localStorage.getItem(KEY); } catch (_e) { /* storage off: auto */ }
    var value = LAYOUTS.some(function (l) { return l[0] === saved; }) ? saved : "auto";
    var box = el("div", "layout-picker");
    box.setAttribute("role", "radiogroup");
    box.setAttribute("aria-label", "Layout");
    box.appendChild(el("span", "", "Layout "));
    LAYOUTS.forEach(function (l) {
      var b = el("button", "", l[1]);
      b.type = "button";
      b.dataset.layout = l[0];
      b.setAttribute("role", "radio");
      b.setAttribute("aria-checked", String(l[0] === value));
      b.addEventListener("click", function () {
        box.querySelectorAll("button").forEach(function (x) { x.setAttribute("aria-checked", String(x === b)); });
        applyLayout(grid, l[0]);
        try { localStorage.setItem(KEY, l[0]); } catch (_e) { /* not kept */ }
      });
      box.appendChild(b);
    });
    applyLayout(grid, value);
    grid.insertAdjacentElement("beforebegin", box);
  }

  window.eyrieTiles = { controls: controls, hasSound: hasSound };
  var grid = document.getElementById("cameras");
  if (grid) layoutPicker(grid);
})();
`;
