/**
 * The page shell the live and latency pages share: title, the navigation
 * bar (nav.ts), stylesheet. The recordings, events and auth pages are
 * self-contained and place the same bar themselves.
 *
 * @module
 */
import { FAVICON_LINK, navHtml } from "./nav.ts";

export { NAV } from "./nav.ts";

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** A whole HTML page: `body` is trusted markup; `scripts` are asset paths. */
export function page(
  options: { path: string; title: string; body: string; scripts: string[] },
): string {
  const scripts = ["/assets/nav.js", ...options.scripts]
    .map((s) => `<script src="${escapeHtml(s)}"></script>`).join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)} · eyrie</title>
${FAVICON_LINK}
<link rel="stylesheet" href="/assets/console.css">
</head>
<body>
<header>${navHtml(options.path)}</header>
<main>${options.body}</main>
${scripts}
</body>
</html>
`;
}
