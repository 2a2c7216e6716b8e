/**
 * `/access`: who the browser is signed in as (user or client
 * certificate), what it may do, and a form to ask an admin for access.
 *
 * @module
 */
import { page } from "./_layout.ts";

const SCRIPT = `
const $ = (id) => document.getElementById(id);
function text(id, value) { $(id).textContent = value; }
async function load() {
  const me = await (await fetch("/api/auth/me")).json();
  text("who", me.kind === "user" ? "user " + me.name + " (" + me.role + ", by " + me.via + ")"
    : me.kind === "certificate" ? "client certificate " + me.cn + " (" + me.fingerprint256 + ")"
    : me.kind === "local" ? "this machine (auth is off: no users)" : me.kind);
  // Nobody to ask with auth off, and nothing to ask for as an admin.
  $("askbox").hidden = me.kind === "local" || me.role === "admin";
  text("grant", me.grantText || "no cameras");
  const a = me.approval;
  text("status", $("askbox").hidden ? "" : a ? "Your last request (" + new Date(a.requestedMs).toLocaleString() + ") is " + a.status
    + (a.decidedBy ? " by " + a.decidedBy : "") + "." : "You have not asked yet.");
}
$("ask").addEventListener("submit", async (e) => {
  e.preventDefault();
  const res = await fetch("/api/auth/request", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ cameras: $("cameras").value, note: $("note").value }),
  });
  const body = await res.json();
  text("result", res.ok ? "Asked; an admin will decide." : body.error);
  load();
});
load().catch((e) => text("result", String(e)));
`;

/** The access page. */
export function accessPage() {
  return page(
    "Access",
    `<div class="card">
<h1>Access</h1>
<p>Signed in as <b id="who">…</b></p>
<p>You may watch: <span id="grant">…</span></p>
<p id="status" class="muted"></p>
</div>
<div class="card narrow" id="askbox">
<h2>Ask for access</h2>
<form id="ask">
<label>Cameras (ids separated by commas, or *) <input id="cameras" value="*" maxlength="400"></label>
<label>Note for the admin <input id="note" maxlength="500"></label>
<button type="submit">Ask</button>
</form>
<p id="result" role="status"></p>
</div>`,
    SCRIPT,
    { nav: "/access" },
  );
}
