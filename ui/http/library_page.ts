/**
 * The console's library page (`/library`), self-contained like the
 * recordings page: search, library and sort choices, a card per item with
 * its thumbnail, length, size and codecs, and a player. Items the browser
 * plays as they are load directly; the others through `?format=mp4`;
 * files that cannot be played say why. Everything comes from
 * `GET /api/library`; text goes through textContent only. The player
 * resumes where this viewer stopped and keeps its position
 * (`PUT /api/library/items/:id/position`); a playlist chosen above shows
 * its items in order and plays them in turn; "+" on a card adds it to one.
 * The cameras' recordings are one more library in the chooser
 * (library_page_recordings.ts).
 *
 * @module
 */
import { FAVICON_LINK, NAV_CSS, NAV_JS, navHtml } from "../console/nav.ts";
import { RECORDINGS_SCRIPT } from "./library_page_recordings.ts";

const STYLE = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #f6f7f9; --card: #fff; --line: #d5d9df; --dim: #667; --bad: #cf222e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8eb; --bg: #15181c; --card: #1f2328; --line: #39404a; --dim: #9aa3ad; --bad: #ff7b72; } }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 15px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; padding: .6rem .8rem;
  background: var(--card); border-bottom: 1px solid var(--line); }
header h1 { font-size: 1.05rem; margin: 0 auto 0 0; }
input, select, button { font: inherit; padding: .3rem .5rem; border-radius: 6px; border: 1px solid var(--line);
  background: var(--card); color: var(--fg); }
main { padding: .8rem; max-width: 1200px; margin: 0 auto; display: grid; gap: .8rem; }
#player-box { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: .6rem; }
#player { width: 100%; max-height: 65vh; background: #000; border-radius: 6px; display: block; }
#now { margin: .4rem 0 0; color: var(--dim); font-size: .9rem; }
#items { display: grid; gap: .8rem; grid-template-columns: repeat(auto-fill, minmax(min(100%, 220px), 1fr)); }
.wrap { position: relative; display: grid; }
.wrap .add { position: absolute; top: .35rem; right: .35rem; width: 2rem; height: 2rem; padding: 0;
  border-radius: 50%; background: #000a; color: #fff; border: 1px solid #fff6; cursor: pointer; }
.item { background: var(--card); border: 1px solid var(--line); border-radius: 10px; overflow: hidden; cursor: pointer;
  text-align: left; padding: 0; display: flex; flex-direction: column; }
.item .thumb { aspect-ratio: 16 / 9; background: #0b0c0e; display: grid; place-items: center; color: #9aa3ad; }
.item .thumb img { width: 100%; height: 100%; object-fit: contain; }
.item .meta { padding: .45rem .6rem; display: grid; gap: .15rem; }
.item .name { font-weight: 600; overflow-wrap: anywhere; }
.item .facts, .item .why { font-size: .8rem; color: var(--dim); }
.item.unplayable .why { color: var(--bad); }
#msg { color: var(--dim); }
#msg.error { color: var(--bad); }
`;

const SCRIPT = `
"use strict";
const $ = (s) => document.querySelector(s);
const player = $("#player");
let timer = null;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function duration(s) {
  s = Math.round(s);
  const h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, x = s % 60;
  return (h ? h + ":" + String(m).padStart(2, "0") : m) + ":" + String(x).padStart(2, "0");
}
function size(b) { const u = ["B", "kB", "MB", "GB", "TB"]; let i = 0; while (b >= 1000 && i < 4) { b /= 1000; i++; } return (i ? b.toFixed(1) : b) + " " + u[i]; }
function say(text, bad) { $("#msg").textContent = text; $("#msg").className = bad ? "error" : ""; }

// Where this viewer is, kept every few seconds while playing, on pause and at the end.
let saved = 0;
function keep(force) {
  const id = player.dataset.item;
  if (!id || player.dataset.kind === "recording" || (!force && Date.now() - saved < 5000)) return;
  saved = Date.now();
  fetch("/api/library/items/" + id + "/position", {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ position_s: player.ended ? player.duration : player.currentTime }),
  }).catch(() => {});
}
player.addEventListener("timeupdate", () => keep(false));
player.addEventListener("pause", () => keep(true));
player.addEventListener("ended", () => keep(true));

function play(item) {
  $("#player-box").hidden = false;
  if (player.dataset.item) keep(true);
  player.dataset.item = String(item.id);
  player.dataset.kind = item.kind || "library";
  player.src = item.play_url;
  // Resume where this viewer stopped, unless that was the end.
  const resume = item.position_s > 3 && item.position_s < item.duration_s - 3 ? item.position_s : 0;
  if (resume > 0) {
    player.addEventListener("loadedmetadata", () => { player.currentTime = resume; }, { once: true });
  }
  player.play().catch(() => {});
  $("#now").textContent = item.name + " · " + duration(item.duration_s) + " · " + item.codecs.join("/") +
    (item.delivery === "remux" ? " · copied into MP4 as it plays"
      : item.delivery === "copy" ? " · its copy in MP4"
      : item.delivery === "transcode" ? " · re-encoded as it plays" : "");
  window.scrollTo({ top: 0, behavior: "smooth" });
}

function card(item) {
  const b = el("button", "item" + (item.play_url ? "" : " unplayable"));
  b.type = "button";
  b.dataset.id = String(item.id);
  const thumb = el("div", "thumb");
  if (item.thumbnail_url) {
    const img = el("img");
    img.src = item.thumbnail_url;
    img.alt = "";
    img.loading = "lazy";
    thumb.append(img);
  } else thumb.textContent = item.error ? "unreadable" : "no picture";
  const meta = el("div", "meta");
  meta.append(el("span", "name", item.name));
  if (!item.error) {
    meta.append(el("span", "facts", duration(item.duration_s) +
      (item.width ? " · " + item.width + "×" + item.height : "") +
      " · " + item.codecs.join("/") + " · " + size(item.size)));
  }
  if (item.position_s > 3 && item.position_s < item.duration_s - 3) {
    meta.append(el("span", "facts resume", "resume at " + duration(item.position_s)));
  }
  if (!item.play_url) meta.append(el("span", "why", item.error || item.note));
  b.append(thumb, meta);
  if (item.play_url) b.onclick = () => play(item);
  else b.disabled = true;
  const wrap = el("div", "wrap");
  wrap.append(b);
  if (item.kind === "recording") return wrap; // playlists hold the folders' items
  const add = el("button", "add", "+");
  add.type = "button";
  add.title = "Add to a playlist";
  add.setAttribute("aria-label", "Add " + item.name + " to a playlist");
  add.onclick = () => addTo(item).catch((e) => say(String(e), true));
  wrap.append(add);
  return wrap;
}

// Playlists: choose one to see (and play in turn) its items; "+" on a card adds to one by name.
let lists = [];
let shown = [];
async function loadLists() {
  lists = (await (await fetch("/api/library/playlists")).json()).playlists;
  const sel = $("#playlist");
  const keep = sel.value;
  sel.replaceChildren(new Option("all items", ""));
  for (const p of lists) sel.append(new Option(p.name + " (" + p.items.length + ")", String(p.id)));
  sel.value = lists.some((p) => String(p.id) === keep) ? keep : "";
}
async function send(method, url, body) {
  const res = await fetch(url, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const out = res.status === 204 ? null : await res.json();
  if (!res.ok) throw new Error(out.error);
  return out;
}
async function addTo(item) {
  const name = prompt("Add “" + item.name + "” to the playlist named:", lists.length ? lists[lists.length - 1].name : "");
  if (name === null || name.trim() === "") return;
  const list = lists.find((p) => p.name === name.trim());
  if (list) await send("PUT", "/api/library/playlists/" + list.id, { items: list.items.map((i) => i.id).concat(item.id) });
  else await send("POST", "/api/library/playlists", { name: name.trim(), items: [item.id] });
  await loadLists();
  say("Added " + item.name + " to " + name.trim());
}
player.addEventListener("ended", () => {
  // On through the list on screen (a playlist's order, or the library's).
  const at = shown.findIndex((i) => String(i.id) === player.dataset.item);
  const next = shown.slice(at + 1).find((i) => i.play_url);
  if (at >= 0 && next) play(next);
});

async function load() {
  const chosen = lists.find((p) => String(p.id) === $("#playlist").value);
  if (chosen) {
    shown = chosen.items;
    say(chosen.name + ": " + shown.length + " items");
    $("#items").replaceChildren(...shown.map(card));
    document.body.dataset.ready = "1";
    return;
  }
  if ($("#lib").value === RECORDINGS) {
    shown = await loadRecordings();
    $("#items").replaceChildren(...shown.map(card));
    document.body.dataset.ready = "1";
    return;
  }
  const q = new URLSearchParams();
  if ($("#lib").value) q.set("library", $("#lib").value);
  if ($("#q").value) q.set("q", $("#q").value);
  q.set("sort", $("#sort").value);
  const res = await fetch("/api/library?" + q);
  const body = await res.json();
  if (!res.ok) { say(body.error, true); return; }
  const sel = $("#lib");
  if (!librariesListed) {
    librariesListed = true;
    // The folders first, then the recordings (already there when they answer).
    const recordings = [...sel.options].find((o) => o.value === RECORDINGS) ?? null;
    for (const l of body.libraries) sel.insertBefore(new Option(l.id, l.id), recordings);
  }
  const problems = body.libraries.filter((l) => l.problem).map((l) => l.problem);
  const skipped = body.libraries.reduce((n, l) => n + l.skipped.length, 0);
  say(body.libraries.length === 0 ? "No library folder yet: add a [[library]] folder to the config." +
      ([...sel.options].some((o) => o.value === RECORDINGS) ? " Camera recordings are in the chooser." : "")
    : problems.length ? problems.join("; ")
    : body.items.length + " items" + (skipped ? " · " + skipped + " files skipped (see the log)" : ""),
    problems.length > 0);
  shown = body.items;
  $("#items").replaceChildren(...body.items.map(card));
  document.body.dataset.ready = "1";
}
let librariesListed = false;
function soon() { clearTimeout(timer); timer = setTimeout(() => load().catch((e) => say(String(e), true)), 200); }
$("#q").addEventListener("input", soon);
$("#sort").addEventListener("change", soon);
$("#lib").addEventListener("change", soon);
$("#playlist").addEventListener("change", () => loadLists().then(load).catch((e) => say(String(e), true)));
player.addEventListener("error", () => say("The player could not play this item" + (player.error ? " (" + player.error.message + ")" : ""), true));
loadLists().then(addRecordingsOption).then(load).catch((e) => say(String(e), true));
`;

/** The whole page. */
export const LIBRARY_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Library · eyrie</title>
${FAVICON_LINK}
<style>${STYLE}${NAV_CSS}</style>
</head>
<body>
${navHtml("/library")}
<header>
  <h1>Library</h1>
  <input id="q" type="search" placeholder="Search" aria-label="Search by name" maxlength="200">
  <select id="lib" aria-label="Library"><option value="">all libraries</option></select>
  <select id="playlist" aria-label="Playlist"><option value="">all items</option></select>
  <select id="sort" aria-label="Sort"><option value="name">name</option><option value="date">newest</option><option value="duration">longest</option><option value="size">largest</option></select>
</header>
<main>
  <section id="player-box" hidden><video id="player" controls playsinline preload="metadata"></video><p id="now"></p></section>
  <p id="msg" role="status"></p>
  <section id="items" aria-label="Items"></section>
</main>
<script>${NAV_JS}${RECORDINGS_SCRIPT}${SCRIPT}</script>
</body>
</html>
`;
