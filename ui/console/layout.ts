/**
 * The page shell every console page shares: title, navigation, stylesheet.
 * The recordings and events pages are served by their own modules.
 *
 * @module
 */

/** Navigation entries: path and label. */
export const NAV: ReadonlyArray<readonly [string, string]> = [
  ["/", "Live"],
  ["/latency", "Latency"],
  ["/recordings", "Recordings"],
  ["/events", "Events"],
];

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** A whole HTML page: `body` is trusted markup; `scripts` are asset paths. */
export function page(
  options: { path: string; title: string; body: string; scripts: string[] },
): string {
  const nav = NAV.map(([href, label]) =>
    `<a href="${href}"${href === options.path ? ' aria-current="page"' : ""}>${label}</a>`
  ).join("");
  const scripts = options.scripts.map((s) => `<script src="${escapeHtml(s)}"></script>`).join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)} · eyrie</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/console.css">
</head>
<body>
<header><b>eyrie</b><nav>${nav}</nav></header>
<main>${options.body}</main>
${scripts}
</body>
</html>
`;
}
