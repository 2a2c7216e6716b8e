/**
 * The events page served at `/events`: one self-contained HTML document
 * (styles and script inline, nothing fetched but the API and snapshots), so
 * the console shell can link it or frame it as it is.
 *
 * @module
 */
import { FAVICON_LINK, NAV_CSS, NAV_JS, navHtml } from "../console/nav.ts";
import { EVENTS_SCRIPT } from "./events_page_script.ts";

const STYLE = `
:root {
  color-scheme: light dark;
  --fg: #1d2125; --bg: #f4f5f7; --card: #fff; --muted: #6b7280; --line: #d8dbe0;
  --box: #ffcc00; --zone: #0a84ff; --mask: rgba(220, 38, 38, 0.35);
}
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e8eb; --bg: #15171a; --card: #1f2227; --muted: #9aa1ab; --line: #2e3238; }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; background: var(--bg); color: var(--fg); }
header {
  position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: 8px 16px;
  align-items: center; padding: 10px 16px; background: var(--bg); border-bottom: 1px solid var(--line);
}
h1 { margin: 0 auto 0 0; font-size: 16px; }
select { font: inherit; }
#status { color: var(--muted); }
#status[data-live="yes"]::before { content: "● "; color: #16a34a; }
#problems { margin: 12px 16px 0; padding: 8px 12px; border-radius: 6px; background: #fde8e8; color: #7f1d1d; }
#problems p { margin: 0; }
#empty { margin: 24px 16px; color: var(--muted); }
main { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 12px; padding: 16px; }
.event { background: var(--card); border-radius: 8px; overflow: hidden; box-shadow: 0 1px 2px #0003; }
.frame { position: relative; background: #0b0c0e; }
.frame img, .frame svg { position: absolute; inset: 0; width: 100%; height: 100%; }
.frame img { object-fit: fill; }
.frame .none { position: absolute; inset: 0; display: grid; place-items: center; color: #9aa1ab; }
.zones .zone { fill: none; stroke: var(--zone); stroke-width: 1.5; stroke-dasharray: 4 3; }
.zones .zone.hit { stroke-dasharray: none; stroke-width: 2; }
.zones .mask { fill: var(--mask); stroke: none; }
.hide-zones .zones { display: none; }
.box { position: absolute; border: 2px solid var(--box); }
.box span {
  position: absolute; left: -2px; bottom: 100%; padding: 0 4px; white-space: nowrap;
  font-size: 11px; background: var(--box); color: #000;
}
.meta { display: flex; flex-wrap: wrap; gap: 2px 10px; padding: 8px 10px; }
.meta .type { font-weight: 600; }
.meta .camera, .meta time { color: var(--muted); }
.meta .details { flex: 1 1 auto; }
.meta .clip { color: inherit; white-space: nowrap; }
.model_error .type { color: #dc2626; }
#more { display: block; margin: 0 auto 24px; font: inherit; padding: 6px 14px; }
`;

/** The page's HTML. */
export const EVENTS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>eyrie · events</title>
${FAVICON_LINK}
<style>${STYLE}${NAV_CSS}</style>
</head>
<body>
${navHtml("/events")}
<header>
  <h1>eyrie · events</h1>
  <label>Camera <select id="camera"><option value="">all</option></select></label>
  <label>Type <select id="type"><option value="">all</option></select></label>
  <label><input type="checkbox" id="zones" checked> zones</label>
  <span id="status">connecting…</span>
</header>
<div id="problems" role="alert" hidden></div>
<p id="empty" hidden>No events yet.</p>
<main id="events" aria-live="polite"></main>
<button id="more" hidden>Older events</button>
<script>${NAV_JS}${EVENTS_SCRIPT}</script>
</body>
</html>
`;
