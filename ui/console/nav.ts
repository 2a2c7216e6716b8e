/**
 * The bar at the top of every console page (live, latency, recordings,
 * events, access, admin): the way back to Live from anywhere, and who is
 * signed in with Access, Admin and Sign out. The pages differ in how they
 * are built (shell, self-contained, strict CSP), so the bar is three
 * strings each page places itself: markup, style and a script that asks
 * `/api/auth/me` who is there. With auth off (no users) there is nobody to
 * sign out and nothing to administer, so the user part stays hidden.
 *
 * @module
 */

/** Navigation entries: path and label. */
export const NAV: ReadonlyArray<readonly [string, string]> = [
  ["/", "Live"],
  ["/recordings", "Recordings"],
  ["/events", "Events"],
  ["/library", "Library"],
  ["/latency", "Latency"],
];

/** The icon every page names (an SVG eye of a bird of prey, drawn small). */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="7" fill="#1c1f24"/>
<path d="M4 18 C9 8, 23 8, 28 18 C23 14, 9 14, 4 18 Z" fill="#f0b429"/>
<circle cx="16" cy="19" r="5" fill="#f0b429"/><circle cx="16" cy="19" r="2.2" fill="#1c1f24"/>
</svg>
`;

/** The `<link>` that names the icon, for every page's head. */
export const FAVICON_LINK = `<link rel="icon" type="image/svg+xml" href="/favicon.svg">`;

/** The bar's markup; `path` is the page's own, marked as current. */
export function navHtml(path: string): string {
  const links = NAV.map(([href, label]) =>
    `<a href="${href}"${href === path ? ' aria-current="page"' : ""}>${label}</a>`
  ).join("");
  const mark = (href: string) => href === path ? ' aria-current="page"' : "";
  return `<nav class="eyrie-nav" aria-label="eyrie"><b class="brand">eyrie</b>${links}` +
    `<span class="user" id="eyrie-user" hidden><span id="eyrie-who"></span>` +
    `<a href="/access"${mark("/access")}>Access</a>` +
    `<a href="/admin" id="eyrie-admin"${mark("/admin")} hidden>Admin</a>` +
    `<form method="post" action="/api/auth/logout" id="eyrie-signout" hidden>` +
    `<button type="submit">Sign out</button></form></span></nav>`;
}

/** The bar's style; scoped to `.eyrie-nav` so it sits in any page's sheet. */
export const NAV_CSS = `
.eyrie-nav { display: flex; flex-wrap: wrap; align-items: center; gap: .25rem .5rem; padding: .45rem 1rem;
  border-bottom: 1px solid var(--line, #d8dce2); font: 15px/1.4 system-ui, sans-serif; }
.eyrie-nav .brand { font-size: 1.05rem; margin-right: .5rem; }
.eyrie-nav a { color: inherit; opacity: .75; text-decoration: none; padding: .25rem .5rem; border-radius: .3rem; }
.eyrie-nav a[aria-current="page"] { opacity: 1; font-weight: 600; text-decoration: underline; text-underline-offset: .25rem; }
.eyrie-nav .user { margin-left: auto; display: flex; flex-wrap: wrap; align-items: center; gap: .25rem .5rem; }
.eyrie-nav .user[hidden], .eyrie-nav [hidden] { display: none; }
.eyrie-nav #eyrie-who { opacity: .75; }
.eyrie-nav form { margin: 0; display: inline; }
.eyrie-nav button { font: inherit; padding: .15rem .6rem; margin: 0; cursor: pointer; }
`;

/** The bar's script: fills the user part from /api/auth/me; silent when that fails. */
export const NAV_JS = `(function () {
  var box = document.getElementById("eyrie-user");
  if (!box) return;
  fetch("/api/auth/me").then(function (r) { return r.ok ? r.json() : null; }).then(function (me) {
    if (!me || (me.kind !== "user" && me.kind !== "certificate")) return;
    document.getElementById("eyrie-who").textContent = me.kind === "user" ? me.name : me.cn;
    document.getElementById("eyrie-admin").hidden = !(me.kind === "user" && me.role === "admin");
    document.getElementById("eyrie-signout").hidden = me.via !== "session";
    // Library only for those whose grant opens one (admins: all).
    var libs = me.grant && me.grant.libraries;
    var opens = (me.kind === "user" && me.role === "admin") || libs === "*" || (libs && libs.length > 0);
    var library = document.querySelector('.eyrie-nav a[href="/library"]');
    if (library && !opens) library.hidden = true;
    box.hidden = false;
  }).catch(function () {});
})();
`;
