/**
 * The frame of the sign-in, access and admin pages: self-contained HTML
 * (inline style, at most one inline script allowed by its hash), sent with
 * headers that keep them out of frames and caches.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { FAVICON_LINK, NAV_CSS, NAV_JS, navHtml } from "../../console/nav.ts";

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const STYLE = `
:root{color-scheme:light dark;--line:#d9dce3}
body{font:15px/1.45 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
main{max-width:60rem;margin:2rem auto;padding:0 1rem}
.card{background:#fff;border:1px solid #d9dce3;border-radius:8px;padding:1rem 1.25rem;margin:0 0 1rem;overflow-x:auto}
h1{font-size:1.3rem;margin:0 0 1rem}h2{font-size:1.05rem;margin:0 0 .75rem}
label{display:block;margin:.5rem 0}input,select{font:inherit;padding:.3rem .4rem;width:100%;box-sizing:border-box}
input[type=checkbox]{width:auto}button{font:inherit;padding:.35rem .9rem;margin:.25rem .25rem 0 0;cursor:pointer}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem .4rem;border-bottom:1px solid #eee;vertical-align:top}
.error{color:#a4161a}.muted{color:#667}code{font-size:.9em}
.narrow{max-width:22rem}
@media (prefers-color-scheme: dark){:root{--line:#2e3238}body{background:#15171a;color:#e6e8eb}
.card{background:#1f2227;border-color:#2e3238}td,th{border-color:#2e3238}.muted{color:#9aa1ab}.error{color:#ff7b72}}
${NAV_CSS}`;

/**
 * A whole page; `script` runs inline (allowed by its SHA-256 in the CSP).
 * With `nav` (the page's path) the console's bar tops it, its script with it.
 */
export function page(
  title: string,
  body: string,
  script = "",
  options: { nav?: string } = {},
): { html: string; csp: string } {
  if (options.nav !== undefined) script = NAV_JS + script;
  const hash = createHash("sha256").update(script).digest("base64");
  const csp = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    "img-src 'self'",
    script === "" ? "script-src 'none'" : `script-src 'sha256-${hash}'`,
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · eyrie</title>${FAVICON_LINK}<style>${STYLE}</style></head>
<body>${options.nav === undefined ? "" : navHtml(options.nav)}<main>${body}</main>${
    script === "" ? "" : `<script>${script}</script>`
  }</body></html>`;
  return { html, csp };
}

/** Headers for every auth page. */
export function pageHeaders(csp: string): Record<string, string> {
  return {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": csp,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
  };
}
