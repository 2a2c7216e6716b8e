/**
 * `/admin`: requests waiting for a decision (approve with chosen
 * permissions, or deny), the grants in force (revoke), users, and past
 * decisions. Everything goes through the /api/auth admin routes.
 *
 * @module
 */
import { page } from "./_layout.ts";

const SCRIPT = `
const $ = (id) => document.getElementById(id);
function el(tag, text) { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; return e; }
function cell(row, value) { const td = el("td", value); row.append(td); return td; }
function when(ms) { return ms ? new Date(ms).toLocaleString() : ""; }
async function call(method, url, body) {
  const res = await fetch(url, { method, headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) $("result").textContent = (await res.json()).error;
  else $("result").textContent = "";
  await load();
}
function checkbox(label) {
  const l = el("label"); const c = el("input"); c.type = "checkbox"; l.append(c, " " + label); return [l, c];
}
async function load() {
  const [pending, grants, users, all] = await Promise.all([
    fetch("/api/auth/approvals?status=pending").then((r) => r.json()),
    fetch("/api/auth/grants").then((r) => r.json()),
    fetch("/api/auth/users").then((r) => r.json()),
    fetch("/api/auth/approvals").then((r) => r.json()),
  ]);
  const p = $("pending"); p.replaceChildren();
  for (const a of pending) {
    const tr = el("tr");
    cell(tr, a.label); cell(tr, a.subject); cell(tr, a.cameras === "*" ? "*" : a.cameras.join(",") || "(any)");
    cell(tr, a.note); cell(tr, a.address); cell(tr, when(a.requestedMs));
    const td = cell(tr);
    const cams = el("input"); cams.value = a.cameras === "*" ? "*" : a.cameras.join(",") || "*";
    const [rl, rec] = checkbox("record"); const [dl, dow] = checkbox("download"); const [cl, ctl] = checkbox("control quality"); const [tl, tlk] = checkbox("talk");
    const max = el("select"); for (const q of ["low", "medium", "high", "ultra"]) max.append(new Option(q, q, q === "ultra", q === "ultra"));
    const libs = el("input"); libs.placeholder = "libraries (ids, or *)"; libs.setAttribute("aria-label", "Libraries");
    const ok = el("button", "Approve"); const no = el("button", "Deny");
    ok.onclick = () => call("POST", "/api/auth/approvals/" + a.id + "/approve", {
      cameras: cams.value, can_record: rec.checked, can_download: dow.checked,
      can_control_quality: ctl.checked, can_talk: tlk.checked, max_quality: max.value, libraries: libs.value });
    no.onclick = () => call("POST", "/api/auth/approvals/" + a.id + "/deny");
    td.append(cams, rl, dl, cl, tl, max, libs, ok, no);
    p.append(tr);
  }
  $("nopending").hidden = pending.length > 0;
  const g = $("grants"); g.replaceChildren();
  for (const r of grants) {
    const tr = el("tr"); cell(tr, r.label); cell(tr, r.subject); cell(tr, r.text); cell(tr, r.updatedBy);
    const b = el("button", "Revoke"); b.onclick = () => call("DELETE", "/api/auth/grants/" + encodeURIComponent(r.subject));
    cell(tr).append(b); g.append(tr);
  }
  const u = $("users"); u.replaceChildren();
  for (const x of users) { const tr = el("tr"); cell(tr, x.name); cell(tr, x.role); cell(tr, x.hasPassword ? "password" : "certificate only"); u.append(tr); }
  const h = $("history"); h.replaceChildren();
  for (const a of all.filter((a) => a.status !== "pending")) {
    const tr = el("tr"); cell(tr, a.label); cell(tr, a.status); cell(tr, a.decidedBy || ""); cell(tr, when(a.decidedMs));
    const other = el("button", a.status === "approved" ? "Deny" : "Approve");
    other.onclick = () => call("POST", "/api/auth/approvals/" + a.id + (a.status === "approved" ? "/deny" : "/approve"), a.status === "approved" ? undefined : {});
    cell(tr).append(other); h.append(tr);
  }
}
load().catch((e) => { $("result").textContent = String(e); });
`;

/** The admin page. */
export function adminPage() {
  return page(
    "Admin",
    `<h1>eyrie: access</h1>
<p id="result" class="error" role="alert"></p>
<div class="card"><h2>Waiting for a decision</h2>
<p id="nopending" class="muted">Nobody is waiting.</p>
<table><thead><tr><th>Who</th><th>Subject</th><th>Asked for</th><th>Note</th><th>From</th><th>When</th><th>Decision</th></tr></thead>
<tbody id="pending"></tbody></table></div>
<div class="card"><h2>Access in force</h2>
<table><thead><tr><th>Who</th><th>Subject</th><th>May</th><th>Set by</th><th></th></tr></thead><tbody id="grants"></tbody></table></div>
<div class="card"><h2>Users</h2><p class="muted">Managed with <code>eyrie user</code>.</p>
<table><thead><tr><th>Name</th><th>Role</th><th>Signs in with</th></tr></thead><tbody id="users"></tbody></table></div>
<div class="card"><h2>Decisions</h2>
<table><thead><tr><th>Who</th><th>Decision</th><th>By</th><th>When</th><th></th></tr></thead><tbody id="history"></tbody></table></div>`,
    SCRIPT,
    { nav: "/admin" },
  );
}
