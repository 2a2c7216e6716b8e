/**
 * The events page's script, as text (plain browser JavaScript, no build
 * step). It lists `GET /api/events` newest first, follows
 * `GET /api/events/stream` for new ones, and draws each event's box over its
 * snapshot with the camera's zones and masks from `GET /api/detection`.
 * Every value from the server goes into the page as text, never as HTML.
 * No template literals inside: this file is one itself.
 *
 * @module
 */
export const EVENTS_SCRIPT = `
"use strict";
const TYPES = {
  motion_start: "Motion",
  motion_end: "Motion ended",
  object_end: "Object left",
  object: "Object",
  global_change: "Light change",
  model_error: "Model error",
};
const SVG = "http://www.w3.org/2000/svg";
const $ = (id) => document.getElementById(id);
const list = $("events"), more = $("more"), status = $("status");
const layouts = new Map();
// An event's clip starts a little before it, so what led up to it is seen.
const CLIP_LEAD_MS = 3000;
const shown = new Set();
let next = null;
let source = null;
let newest = 0;

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === "dataset") Object.assign(node.dataset, v);
    else if (k === "style") Object.assign(node.style, v);
    else node[k] = v;
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function pct(v) {
  return (Math.max(0, Math.min(1, v)) * 100).toFixed(3) + "%";
}

function when(ms) {
  return new Date(ms).toLocaleString();
}

function filters() {
  const p = new URLSearchParams();
  if ($("camera").value) p.set("camera", $("camera").value);
  if ($("type").value) p.set("type", $("type").value);
  return p;
}

async function getJson(url) {
  const r = await fetch(url);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

function polygon(points, cls) {
  const p = document.createElementNS(SVG, "polygon");
  p.setAttribute("points", points.map((xy) => xy[0] + "," + xy[1]).join(" "));
  p.setAttribute("class", cls);
  p.setAttribute("vector-effect", "non-scaling-stroke");
  return p;
}

function overlay(e) {
  const layout = layouts.get(e.camera);
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 1 1");
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("class", "zones");
  if (!layout) return svg;
  for (const m of layout.masks) svg.append(polygon(m, "mask"));
  for (const z of layout.zones) {
    const p = polygon(z.polygon, z.name === e.zone ? "zone hit" : "zone");
    const title = document.createElementNS(SVG, "title");
    title.textContent = z.name;
    p.append(title);
    svg.append(p);
  }
  return svg;
}

function caption(e) {
  switch (e.type) {
    case "object":
    case "object_end":
      return e.label + " " + Math.round(e.score * 100) + "%";
    case "motion_start":
    case "motion_end":
      return e.zone;
    default:
      return "";
  }
}

function details(e) {
  switch (e.type) {
    case "object":
      return e.label + " (" + Math.round(e.score * 100) + "%) in " + e.zone;
    case "motion_start":
      return "in " + e.zone + ", " + (e.area * 100).toFixed(1) + "% of it";
    case "motion_end":
      return "in " + e.zone + " for " + (e.durationMs / 1000).toFixed(1) + " s";
    case "object_end":
      return e.label + " left " + e.zone + " after " + (e.durationMs / 1000).toFixed(1) + " s";
    case "global_change":
      return "brightness moved by " + e.meanShift.toFixed(0) + " levels";
    case "model_error":
      return e.problem + ": " + e.message;
    default:
      return "";
  }
}

function card(e) {
  const layout = layouts.get(e.camera);
  const frame = el("div", {
    className: "frame",
    // The camera's own shape (boxes and zones are fractions of the whole picture).
    style: { aspectRatio: layout ? layout.frame_width + " / " + layout.frame_height : "16 / 9" },
  });
  if (e.snapshot) {
    frame.append(el("img", {
      src: "/api/events/" + e.id + "/snapshot.jpg",
      alt: "Snapshot of event " + e.id,
      loading: "lazy",
    }));
  } else {
    frame.append(el("div", { className: "none" }, "no snapshot"));
  }
  frame.append(overlay(e));
  if (e.box) {
    const label = caption(e);
    frame.append(el("div", {
      className: "box",
      style: { left: pct(e.box.x), top: pct(e.box.y), width: pct(e.box.w), height: pct(e.box.h) },
    }, label ? el("span", {}, label) : null));
  }
  return el(
    "article",
    { className: "event " + e.type, dataset: { id: String(e.id), type: e.type } },
    frame,
    el(
      "div",
      { className: "meta" },
      el("span", { className: "type" }, TYPES[e.type] || e.type),
      el("span", { className: "camera" }, e.camera),
      el("time", { dateTime: e.at }, when(e.atMs)),
      el("span", { className: "details" }, details(e)),
      el("a", {
        className: "clip",
        href: "/recordings?camera=" + encodeURIComponent(e.camera) + "&at=" + Math.round(e.atMs - CLIP_LEAD_MS),
      }, "▶ Recording"),
    ),
  );
}

function add(e, atTop) {
  if (shown.has(e.id)) return;
  shown.add(e.id);
  newest = Math.max(newest, e.id);
  const c = card(e);
  if (atTop) list.prepend(c);
  else list.append(c);
  $("empty").hidden = true;
}

async function page(first) {
  const p = filters();
  p.set("limit", "48");
  if (!first && next !== null) p.set("before", String(next));
  const body = await getJson("/api/events?" + p);
  for (const e of body.events) add(e, false);
  next = body.next;
  more.hidden = next === null;
  if (first) $("empty").hidden = body.events.length > 0;
}

function follow() {
  if (source) source.close();
  const p = filters();
  if (newest > 0) p.set("last_id", String(newest));
  source = new EventSource("/api/events/stream?" + p);
  for (const t of Object.keys(TYPES)) {
    source.addEventListener(t, (m) => add(JSON.parse(m.data), true));
  }
  source.onopen = () => {
    status.textContent = "live";
    status.dataset.live = "yes";
  };
  source.onerror = () => {
    status.textContent = "reconnecting…";
    status.dataset.live = "no";
  };
}

async function reload() {
  list.replaceChildren();
  shown.clear();
  newest = 0;
  next = null;
  try {
    await page(true);
    follow();
  } catch (err) {
    status.textContent = "error: " + err.message;
  }
}

async function init() {
  for (const [t, name] of Object.entries(TYPES)) $("type").append(el("option", { value: t }, name));
  const problems = $("problems");
  try {
    for (const l of await getJson("/api/detection")) {
      layouts.set(l.camera, l);
      $("camera").append(el("option", { value: l.camera }, l.camera));
      if (l.modelState === "error") {
        problems.append(el("p", {}, l.camera + ": object detection is off. " + (l.modelError || "")));
        problems.hidden = false;
      }
    }
  } catch (err) {
    status.textContent = "error: " + err.message;
  }
  const wanted = new URLSearchParams(location.search);
  if (wanted.get("camera")) $("camera").value = wanted.get("camera");
  if (wanted.get("type")) $("type").value = wanted.get("type");
  $("camera").onchange = reload;
  $("type").onchange = reload;
  $("zones").onchange = () => document.body.classList.toggle("hide-zones", !$("zones").checked);
  more.onclick = () => page(false);
  await reload();
}

init();
`;
