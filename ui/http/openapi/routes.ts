/**
 * `GET /api/openapi.json` (the document, built from the app's routes at
 * each request) and `GET /api/docs` (a page that renders it: no CDN, no
 * external script; its own small script lists tags, operations,
 * parameters and body schemas).
 *
 * @module
 */
import { Hono } from "hono";
import { FAVICON_LINK, NAV_CSS, NAV_JS, navHtml } from "../../console/nav.ts";
import { openApiDocument, type RouteEntry } from "./document.ts";

const SCRIPT = `
"use strict";
function el(tag, cls, text) { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
(async () => {
  const doc = await (await fetch("/api/openapi.json")).json();
  document.getElementById("title").textContent = doc.info.title + " API " + doc.info.version + " (OpenAPI " + doc.openapi + ")";
  const byTag = new Map();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = op.tags[0];
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ path, method, op });
    }
  }
  const root = document.getElementById("ops");
  for (const [tag, ops] of byTag) {
    root.append(el("h2", "", tag));
    for (const { path, method, op } of ops) {
      const d = el("details", "op");
      d.id = op.operationId;
      const s = el("summary");
      s.append(el("span", "method " + method, method.toUpperCase()), el("code", "path", path), el("span", "sum", op.summary));
      d.append(s);
      if (op.parameters.length) {
        const t = el("table");
        t.append(el("tr")); t.rows[0].append(el("th", "", "parameter"), el("th", "", "in"), el("th", "", "schema"));
        for (const p of op.parameters) {
          const r = el("tr");
          r.append(el("td", "", p.name + (p.required ? " *" : "")), el("td", "", p.in), el("td", "", JSON.stringify(p.schema)));
          t.append(r);
        }
        d.append(t);
      }
      if (op.requestBody) {
        for (const [type, c] of Object.entries(op.requestBody.content)) {
          d.append(el("p", "", "Body: " + type));
          d.append(el("pre", "", JSON.stringify(c.schema, null, 2)));
        }
      }
      for (const [type] of Object.entries((op.responses.default || {}).content || {})) d.append(el("p", "muted", "Answers " + type));
      root.append(d);
    }
  }
  document.body.dataset.ready = "1";
})().catch((e) => { document.getElementById("ops").textContent = String(e); });
`;

const STYLE = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #f6f7f9; --card: #fff; --line: #d5d9df; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8eb; --bg: #15181c; --card: #1f2328; --line: #39404a; } }
body { margin: 0; font: 15px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 1100px; margin: 0 auto; padding: .8rem; }
h1 { font-size: 1.2rem; } h2 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; text-transform: capitalize; }
.op { background: var(--card); border: 1px solid var(--line); border-radius: 8px; margin: .3rem 0; padding: .3rem .6rem; }
.op summary { cursor: pointer; display: flex; flex-wrap: wrap; gap: .5rem; align-items: baseline; }
.method { font: 600 .8rem monospace; min-width: 4rem; }
.method.get { color: #1a7f37; } .method.post { color: #0969da; } .method.put, .method.patch { color: #9a6700; } .method.delete { color: #cf222e; }
.path { overflow-wrap: anywhere; } .sum { opacity: .8; }
table { border-collapse: collapse; margin: .4rem 0; width: 100%; font-size: .85rem; }
td, th { text-align: left; border-bottom: 1px solid var(--line); padding: .2rem .4rem; vertical-align: top; overflow-wrap: anywhere; }
pre { background: var(--bg); padding: .5rem; overflow-x: auto; font-size: .8rem; }
.muted { opacity: .7; font-size: .85rem; }
`;

const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API · eyrie</title>
${FAVICON_LINK}
<style>${STYLE}${NAV_CSS}</style></head>
<body>${navHtml("/api/docs")}<main><h1 id="title">API</h1>
<p class="muted">The machine-readable document: <a href="/api/openapi.json">/api/openapi.json</a>.</p>
<div id="ops"></div></main>
<script>${NAV_JS}${SCRIPT}</script></body></html>
`;

/** The routes; `routes` gives the app's whole route table when asked. */
export function openApiRoutes(routes: () => readonly RouteEntry[], version: string): Hono {
  const app = new Hono();
  app.get("/api/openapi.json", (c) => c.json(openApiDocument(routes(), version)));
  app.get("/api/docs", (c) => c.html(DOCS_PAGE));
  return app;
}
