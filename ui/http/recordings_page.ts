/**
 * The console's recordings page, self-contained (HTML, CSS and JS in one
 * string; no build step, nothing read from disk at run time): one timeline
 * per camera for the chosen day and zoom, a player that seeks to where the
 * timeline is clicked and runs on into the next segment, pause and resume
 * per camera, delete, the download of a segment or a time range in a chosen
 * format, and the transcodes under way with their progress and time left.
 * Served at `/recordings` (`?camera=&at=<ms>` opens it playing at that
 * moment); everything it shows comes from `/api/recordings…`.
 *
 * The player: a container the browser plays (`canPlayType`) is played from
 * the file with ranges; another H.264 one through `?format=mp4` (a copy to
 * fragmented MP4 made on the fly, seeked once buffered); MJPEG, which no
 * browser plays in <video>, as the paced picture stream of `/frames` in an
 * <img>, with the page's own clock.
 *
 * @module
 */
import { FAVICON_LINK, NAV_CSS, NAV_JS, navHtml } from "../console/nav.ts";

const STYLE = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #f6f7f9; --card: #fff; --line: #d5d9df;
  --seg: #2f7de1; --open: #38a169; --event: #e53e3e; --head: #111; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8eb; --bg: #15181c; --card: #1f2328;
  --line: #39404a; --head: #fff; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; padding: .6rem .8rem;
  background: var(--card); border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 2; }
header h1 { font-size: 1.05rem; margin: 0 auto 0 0; }
button, select, input { font: inherit; padding: .3rem .5rem; border-radius: 6px; border: 1px solid var(--line);
  background: var(--card); color: var(--fg); }
button { cursor: pointer; }
main { padding: .8rem; max-width: 1100px; margin: 0 auto; display: grid; gap: .8rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: .6rem .8rem; }
.cam .top { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin-bottom: .4rem; }
.cam .state { font-size: .85rem; opacity: .8; }
.timeline { position: relative; height: 44px; background: var(--bg); border: 1px solid var(--line);
  border-radius: 6px; cursor: pointer; touch-action: manipulation; overflow: hidden; }
.timeline .seg { position: absolute; top: 8px; bottom: 8px; background: var(--seg); min-width: 1px; }
.timeline .seg.open { background: var(--open); }
.timeline .ev { position: absolute; top: 0; height: 8px; width: 2px; background: var(--event); }
.timeline .head { position: absolute; top: 0; bottom: 0; width: 2px; background: var(--head); display: none; }
.ticks { position: relative; height: 1.1rem; font-size: .75rem; opacity: .7; }
.ticks span { position: absolute; transform: translateX(-50%); white-space: nowrap; }
.ticks span:first-child { transform: none; }
.ticks span:last-child { transform: translateX(-100%); }
/* A phone has room for three labels, not five. */
@media (max-width: 600px) { .ticks span:nth-child(even) { display: none; } }
video, #mjpeg { width: 100%; max-height: 60vh; background: #000; border-radius: 8px; }
#mjpeg { object-fit: contain; display: none; aspect-ratio: 4 / 3; }
.exp { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; font-size: .9rem; }
.exp progress { flex: 1 1 8rem; }
#info { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin-top: .4rem; }
#info .grow { margin-right: auto; }
form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.muted { opacity: .7; font-size: .85rem; }
.error { color: var(--event); }
`;

const SCRIPT = `
"use strict";
const $ = (s) => document.querySelector(s);
const ZOOMS = { "24h": 864e5, "6h": 216e5, "1h": 36e5, "10m": 6e5 };
const st = { day: null, span: ZOOMS["24h"], viewFrom: 0, cams: [], segs: {}, events: {}, playing: null };
const player = $("#player");
const still = $("#mjpeg");
// The MJPEG player's clock: seconds into the segment at the first picture, and when it came.
const clock = { offset: 0, since: null, timer: null };
const H264 = '; codecs="avc1.64001e"';

function dayStart(d) { const x = new Date(d); x.setHours(0, 0, 0, 0); return x.getTime(); }
function fmtTime(ms) { return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" }); }
function fmtSize(b) { const u = ["B", "kB", "MB", "GB", "TB"]; let i = 0; while (b >= 1000 && i < 4) { b /= 1000; i++; } return (i ? b.toFixed(1) : b) + " " + u[i]; }
function say(msg, bad) { const e = $("#msg"); e.textContent = msg || ""; e.className = bad ? "error" : "muted"; }
async function api(path, opts) {
  const r = await fetch(path, opts);
  if (!r.ok && r.status !== 204) { let m = r.status + ""; try { m = (await r.json()).error; } catch (_) { /* not JSON: the status is the message */ } throw new Error(m); }
  return r.status === 204 ? null : r.json();
}
function segEnd(s) { return s.end_ms === null ? Date.now() : s.end_ms; }

async function loadAll() {
  const from = st.day, to = st.day + 864e5;
  const segs = {};
  let cursor = null;
  do {
    const q = "/api/recordings?from=" + from + "&to=" + to + "&limit=1000" + (cursor ? "&cursor=" + cursor : "");
    const page = await api(q);
    for (const s of page.segments) (segs[s.camera] = segs[s.camera] || []).push(s);
    cursor = page.next;
  } while (cursor);
  const ev = await api("/api/recordings/events?from=" + from + "&to=" + to);
  const events = {};
  for (const e of ev.events) (events[e.camera] = events[e.camera] || []).push(e);
  const cams = await api("/api/recordings/cameras");
  st.segs = segs; st.events = events; st.cams = cams.cameras;
  $("#disk").textContent = "Recordings " + fmtSize(cams.total_bytes) + (cams.free_bytes === null ? "" : " · disk free " + fmtSize(cams.free_bytes)) + (cams.disk_full ? " · STOPPED: disk floor reached" : "");
  $("#disk").className = cams.disk_full ? "error" : "muted";
  render();
}

function render() {
  const root = $("#cams");
  const names = new Set(st.cams.map((c) => c.camera).concat(Object.keys(st.segs)));
  if (names.size === 0) { root.innerHTML = '<div class="card muted">No recordings on this day.</div>'; return; }
  root.textContent = "";
  const from = st.viewFrom, to = from + st.span;
  for (const name of [...names].sort()) {
    const cam = st.cams.find((c) => c.camera === name);
    const card = document.createElement("div");
    card.className = "card cam";
    const top = document.createElement("div");
    top.className = "top";
    const title = document.createElement("b");
    title.textContent = name;
    const state = document.createElement("span");
    state.className = "state";
    state.textContent = cam ? (cam.paused ? "paused" : cam.stats ? cam.stats.state : cam.running ? "starting" : "stopped") + " · " + cam.mode : "not configured";
    top.append(title, state);
    if (cam) {
      const b = document.createElement("button");
      b.textContent = cam.paused ? "Resume" : "Pause";
      b.className = "pause";
      b.onclick = () => api("/api/recordings/cameras/" + name + "/" + (cam.paused ? "resume" : "pause"), { method: "POST" }).then(loadAll, (e) => say(e.message, true));
      top.append(b);
    }
    const tl = document.createElement("div");
    tl.className = "timeline";
    tl.dataset.camera = name; tl.dataset.from = String(from); tl.dataset.to = String(to);
    for (const s of st.segs[name] || []) {
      const a = Math.max(s.start_ms, from), z = Math.min(segEnd(s), to);
      if (z <= a) continue;
      const d = document.createElement("div");
      d.className = "seg" + (s.open ? " open" : "");
      d.style.left = ((a - from) / st.span * 100) + "%";
      d.style.width = ((z - a) / st.span * 100) + "%";
      d.title = fmtTime(s.start_ms) + " – " + fmtTime(segEnd(s));
      tl.append(d);
    }
    for (const e of st.events[name] || []) {
      if (e.at_ms < from || e.at_ms >= to) continue;
      const d = document.createElement("div");
      d.className = "ev";
      d.style.left = ((e.at_ms - from) / st.span * 100) + "%";
      d.title = e.kind + " " + fmtTime(e.at_ms);
      tl.append(d);
    }
    const head = document.createElement("div");
    head.className = "head";
    tl.append(head);
    tl.onclick = (ev) => {
      const r = tl.getBoundingClientRect();
      play(name, from + (ev.clientX - r.left) / r.width * st.span);
    };
    const ticks = document.createElement("div");
    ticks.className = "ticks";
    for (let i = 0; i <= 4; i++) {
      const t = document.createElement("span");
      t.style.left = (i * 25) + "%";
      t.textContent = new Date(from + st.span * i / 4).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      ticks.append(t);
    }
    card.append(top, tl, ticks);
    root.append(card);
  }
  moveHead();
}

// The segment playing at t (the later one where two touch), else the next one after t.
function find(camera, t) {
  const list = st.segs[camera] || [];
  const at = list.filter((s) => s.start_ms <= t && t < segEnd(s)).pop();
  return at || list.find((s) => s.start_ms > t) || null;
}

function play(camera, t) {
  const s = find(camera, t);
  if (!s) { say("Nothing recorded there.", true); return; }
  playSegment(camera, s, Math.max(0, (t - s.start_ms) / 1000));
}

// Where the player is, in seconds into the playing segment.
function position() {
  if (!st.playing) return 0;
  if (st.playing.seg.codec !== "mjpeg") return player.currentTime;
  return clock.since === null ? clock.offset : clock.offset + (performance.now() - clock.since) / 1000;
}

function stopMjpeg() {
  clearInterval(clock.timer); clock.timer = null;
  still.removeAttribute("src"); still.style.display = "none"; delete still.dataset.segment;
}

function playMjpeg(s, offset) {
  player.pause(); player.removeAttribute("src"); player.style.display = "none"; delete player.dataset.segment;
  clearInterval(clock.timer);
  clock.offset = offset; clock.since = null;
  still.style.display = "block";
  still.dataset.segment = String(s.id);
  still.dataset.time = String(offset);
  still.onload = () => { if (clock.since === null) clock.since = performance.now(); };
  still.src = s.url + "/frames?from=" + Math.round(s.start_ms + offset * 1000);
  clock.timer = setInterval(() => {
    const t = position();
    still.dataset.time = String(t);
    moveHead();
    if (!s.open && t >= (segEnd(s) - s.start_ms) / 1000) ended();
  }, 100);
}

// With its sound: playing starts from a click, the gesture browsers want before they play sound
// by themselves. Where one still refuses (no gesture yet), the video plays muted and says so.
function start() {
  player.play().catch((e) => {
    if (e && e.name === "NotAllowedError" && !player.muted) {
      player.muted = true;
      say("Playing muted: the browser wants a click first (the speaker in the player's controls).");
      player.play().catch(() => {});
    }
  });
}

function playVideo(s, offset) {
  stopMjpeg();
  player.style.display = "block";
  // The file itself where the browser plays its container, else a copy to fragmented MP4.
  const direct = s.codec === "h264" && player.canPlayType(s.media_type + H264) !== "";
  const src = direct ? s.url : s.url + "?format=mp4";
  player.dataset.segment = String(s.id);
  player.dataset.source = direct ? "file" : "mp4";
  const seek = () => {
    // A closed segment's copy is a file with ranges; the open one's is a stream: seek once the part is in.
    const ready = () => direct || !s.open || offset === 0 ||
      (player.buffered.length > 0 && player.buffered.end(player.buffered.length - 1) >= offset);
    const go = () => { player.currentTime = offset; start(); };
    if (ready()) return go();
    start();
    const poll = setInterval(() => {
      if (player.dataset.segment !== String(s.id)) clearInterval(poll);
      else if (ready()) { clearInterval(poll); go(); }
    }, 200);
  };
  if (player.getAttribute("src") === src && player.readyState >= 1) seek();
  else { player.src = src; player.addEventListener("loadedmetadata", seek, { once: true }); }
}

function playSegment(camera, s, offset) {
  say("");
  st.playing = { camera, seg: s };
  player.dataset.camera = camera;
  if (s.codec === "mjpeg") playMjpeg(s, offset); else playVideo(s, offset);
  $("#seginfo").textContent = camera + " · " + fmtTime(s.start_ms) + " – " + fmtTime(segEnd(s)) + " · " + fmtSize(s.bytes) + " · " + s.container + (s.codec ? "/" + s.codec : "");
  segLink();
  $("#del").disabled = s.open;
}

// The segment's own file, or an export of it in the format chosen beside the link.
function segLink() {
  if (!st.playing) return;
  const s = st.playing.seg, f = $("#segfmt").value;
  const own = f === "" || f === s.container;
  $("#seglink").href = own ? s.url : s.url + "?format=" + f;
  $("#seglink").download = st.playing.camera + "-" + s.start.replaceAll(":", "-") + "." + (own ? s.container : f);
}
$("#segfmt").onchange = segLink;

function moveHead() {
  document.querySelectorAll(".timeline .head").forEach((h) => (h.style.display = "none"));
  if (!st.playing) return;
  const t = st.playing.seg.start_ms + position() * 1000;
  $("#now").textContent = fmtTime(t);
  const tl = document.querySelector('.timeline[data-camera="' + st.playing.camera + '"]');
  if (!tl || t < st.viewFrom || t >= st.viewFrom + st.span) return;
  const h = tl.querySelector(".head");
  h.style.display = "block";
  h.style.left = ((t - st.viewFrom) / st.span * 100) + "%";
}

player.addEventListener("timeupdate", moveHead);
function ended() {
  if (!st.playing) return;
  const { camera, seg } = st.playing;
  // On into the next segment when it follows without a gap (a pause or an event ends the run).
  const next = (st.segs[camera] || []).find((s) => s.start_ms > seg.start_ms);
  if (next && next.start_ms <= segEnd(seg) + 1000) playSegment(camera, next, 0);
  else if (seg.codec === "mjpeg") clearInterval(clock.timer);
}
player.addEventListener("ended", ended);

$("#del").onclick = async () => {
  if (!st.playing || !confirm("Delete this recording?")) return;
  try { await api(st.playing.seg.url, { method: "DELETE" }); player.removeAttribute("src"); stopMjpeg(); st.playing = null; await loadAll(); }
  catch (e) { say(e.message, true); }
};

function setView(from) { st.viewFrom = Math.max(st.day, Math.min(from, st.day + 864e5 - st.span)); render(); }
$("#day").onchange = () => { st.day = dayStart($("#day").value + "T00:00"); setView(st.day); loadAll().catch((e) => say(e.message, true)); };
function latest() {
  let t = 0;
  for (const list of Object.values(st.segs)) for (const s of list) t = Math.max(t, segEnd(s));
  return t || st.day + 432e5;
}
$("#zoom").onchange = () => {
  // Zoom around what plays, else around the latest recording of the day.
  const center = st.playing ? st.playing.seg.start_ms + position() * 1000 : latest();
  st.span = ZOOMS[$("#zoom").value]; setView(center - st.span / 2);
};
$("#prev").onclick = () => setView(st.viewFrom - st.span / 2);
$("#next").onclick = () => setView(st.viewFrom + st.span / 2);
$("#dl").onsubmit = (ev) => {
  ev.preventDefault();
  const cam = $("#dlcam").value, a = new Date($("#dlfrom").value), b = new Date($("#dlto").value);
  if (!cam || isNaN(a) || isNaN(b)) { say("Pick a camera and both times.", true); return; }
  location.href = "/api/recordings/download?camera=" + encodeURIComponent(cam) + "&from=" + a.toISOString() + "&to=" + b.toISOString() + "&format=" + $("#dlfmt").value;
  setTimeout(exports, 1500);
};

// Transcodes (WebM): progress and time left, refreshed every second while one runs.
let expTimer = null;
async function exports() {
  let list = [];
  try { list = (await api("/api/recordings/exports")).exports; } catch (_) { return; }
  const root = $("#exports");
  root.textContent = "";
  root.style.display = list.length ? "" : "none";
  for (const e of list.slice(0, 5)) {
    const row = document.createElement("div");
    row.className = "exp";
    row.dataset.state = e.state;
    const what = document.createElement("span");
    what.textContent = e.camera + " → " + e.format + " · " + fmtTime(Date.parse(e.from)) + " – " + fmtTime(Date.parse(e.to));
    const bar = document.createElement("progress");
    bar.max = 1; bar.value = e.progress;
    const left = document.createElement("span");
    left.className = "muted";
    left.textContent = e.state === "running"
      ? Math.floor(e.progress * 100) + "% · " + (e.eta_s === null ? "estimating…" : "about " + Math.ceil(e.eta_s) + " s left")
      : e.state + (e.error ? ": " + e.error : "") + " · " + e.elapsed_s + " s";
    row.append(what, bar, left);
    root.append(row);
  }
  clearTimeout(expTimer);
  if (list.some((e) => e.state === "running")) expTimer = setTimeout(exports, 1000);
}

(function init() {
  const now = new Date();
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 6e4).toISOString();
  $("#day").value = local.slice(0, 10);
  $("#dlfrom").value = new Date(now.getTime() - 36e5 - now.getTimezoneOffset() * 6e4).toISOString().slice(0, 16);
  $("#dlto").value = local.slice(0, 16);
  st.day = dayStart(now);
  st.viewFrom = st.day;
  // ?camera=front&at=<ms>: open on that moment (an event card's link), playing.
  const q = new URLSearchParams(location.search);
  const at = Number(q.get("at"));
  const start = q.get("camera") !== null && Number.isFinite(at) && at > 0 ? { camera: q.get("camera"), at } : null;
  if (start) {
    st.day = dayStart(at);
    $("#day").value = new Date(st.day - new Date(st.day).getTimezoneOffset() * 6e4).toISOString().slice(0, 10);
    st.span = ZOOMS["10m"]; $("#zoom").value = "10m";
    st.viewFrom = Math.max(st.day, at - st.span / 2);
  }
  loadAll().then(() => {
    if (start) play(start.camera, start.at);
    const sel = $("#dlcam");
    for (const c of new Set(st.cams.map((c) => c.camera).concat(Object.keys(st.segs)))) {
      const o = document.createElement("option"); o.textContent = c; sel.append(o);
    }
    document.body.dataset.ready = "1";
  }, (e) => { say(e.message, true); document.body.dataset.ready = "1"; });
  setInterval(() => loadAll().catch(() => {}), 10000);
  exports();
  setInterval(() => { if (expTimer === null || !document.querySelector('.exp[data-state="running"]')) exports(); }, 10000);
})();
`;

/** The whole page. */
export const RECORDINGS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>eyrie · Recordings</title>
${FAVICON_LINK}
<style>${STYLE}${NAV_CSS}</style>
</head>
<body>
${navHtml("/recordings")}
<header>
  <h1>Recordings</h1>
  <input id="day" type="date" aria-label="Day">
  <select id="zoom" aria-label="Zoom"><option>24h</option><option>6h</option><option>1h</option><option>10m</option></select>
  <button id="prev" aria-label="Earlier">‹</button><button id="next" aria-label="Later">›</button>
</header>
<main>
  <div><span id="disk" class="muted"></span> <span id="msg" class="muted"></span></div>
  <section id="cams"></section>
  <section class="card">
    <video id="player" controls playsinline preload="metadata"></video>
    <img id="mjpeg" alt="MJPEG recording">
    <div id="info">
      <span class="grow"><b id="now">--:--:--</b> <span id="seginfo" class="muted">Click a timeline to play.</span></span>
      <select id="segfmt" aria-label="Segment format"><option value="">as recorded</option><option>mp4</option><option>mkv</option><option>mov</option><option>webm</option></select>
      <a id="seglink" href="#">Download segment</a>
      <button id="del" disabled>Delete</button>
    </div>
  </section>
  <form id="dl" class="card">
    <b>Download</b>
    <select id="dlcam" aria-label="Camera"></select>
    <input id="dlfrom" type="datetime-local" aria-label="From">
    <input id="dlto" type="datetime-local" aria-label="To">
    <select id="dlfmt" aria-label="Format"><option>mp4</option><option>mkv</option><option>mov</option><option value="webm">webm (re-encoded)</option></select>
    <button>Download</button>
  </form>
  <section id="exports" class="card" style="display: none" aria-label="Exports"></section>
</main>
<script>${NAV_JS}${SCRIPT}</script>
</body>
</html>
`;
