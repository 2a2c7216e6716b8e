/**
 * The permission matrix: every row of the access table (through its
 * samples) against principals with different grants, on the real app.
 * Rows whose routes other parts of eyrie add answer 404 here once the
 * access check let them through: "allowed" means neither 401 nor 403.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { RecordingIndex } from "../../../actors/recorder/recording_index.ts";
import { EventStore } from "../../../actors/events/store.ts";
import { ACCESS_TABLE, type Requirement } from "../../../ui/auth/access_table.ts";
import type { Grant } from "../../../ui/auth/grant.ts";
import { ROUTE_SAMPLES } from "../auth/_route_samples.ts";
import { type As, DEFAULT_GRANT, peer, startAuthApp } from "./_auth_app.ts";

/** What a principal may do, written out plainly (not computed by the code under test). */
interface Facts {
  admin: boolean;
  cameras: readonly string[] | "*" | null;
  download: boolean;
  record: boolean;
  control: boolean;
  /** May talk through the camera's speaker. */
  talk: boolean;
  /** Highest quality rank it may watch: low 0 … ultra 3. front is high (2), back is low (0). */
  maxRank: number;
  /** Whether its grant opens any [[library]]. */
  libraries: boolean;
}
const RANK: Record<string, number> = { front: 2, back: 0 };

function may(f: Facts, need: Requirement, camera: string | null): boolean {
  if (need === "public" || need === "signed_in" || f.admin) return true;
  if (need === "admin") return false;
  if (need === "library") return f.libraries;
  const hasAny = f.cameras === "*" || (f.cameras !== null && f.cameras.length > 0);
  if (!hasAny) return false;
  if (need === "any_grant") return true;
  const covered = camera === null
    ? f.cameras === "*"
    : f.cameras === "*" || f.cameras!.includes(camera);
  if (!covered) return false;
  switch (need) {
    case "view":
      return camera === null || RANK[camera] <= f.maxRank;
    case "download":
      return f.download;
    case "record":
      return f.record;
    case "control":
      return f.control;
    case "talk":
      return f.talk;
  }
}

const FP_GARAGE = "AA:".repeat(31) + "AA";
const grant = (g: Partial<Grant>): Grant => ({ ...DEFAULT_GRANT, ...g });

Deno.test("every route: allowed, 403 or 401 as the access table and each principal's grant say", async () => {
  await using t = await startAuthApp([
    { name: "root", role: "admin", password: "root-password" },
    {
      name: "front-viewer",
      role: "viewer",
      password: "front-viewer-password",
      grant: grant({ cameras: ["front"] }),
    },
    {
      name: "power",
      role: "viewer",
      password: "power-password",
      grant: grant({
        can_download: true,
        can_record: true,
        can_control_quality: true,
        can_talk: true,
        libraries: ["films"],
      }),
    },
    { name: "low", role: "viewer", password: "low-password", grant: grant({ max_quality: "low" }) },
    { name: "nogrant", role: "viewer", password: "nogrant-password", grant: null },
    {
      name: "alice",
      role: "viewer",
      password: null,
      grant: grant({ cameras: ["back"], can_download: true }),
    },
  ], [{ fingerprint256: FP_GARAGE, label: "garage", grant: grant({ cameras: ["back"] }) }]);
  // Segment 1 of the recorder's own index is front's: /api/recordings/1 concerns camera front.
  const index = RecordingIndex.open(join(t.dataDir, "eyrie.db"));
  assert.equal(index.openSegment("front/2026-11-22/2026-11-22T14-03-05.123Z.mp4").id, 1);
  index.close();
  // Event 1 of the events store is front's too: /api/events/1 concerns camera front.
  const events = EventStore.open(join(t.dataDir, "eyrie.db"));
  const stored = events.insert("front", {
    type: "motion_start",
    atMs: Date.UTC(2026, 10, 22),
    zone: "all",
    box: { x: 0.1, y: 0.2, w: 0.3, h: 0.4 },
    area: 0.05,
  }, { snapshot: null, limits: { maxEvents: 1000, maxSnapshotBytes: 1 << 20 } });
  assert.equal(stored.id, 1);
  events.close();

  const base = {
    admin: false,
    download: false,
    record: false,
    control: false,
    talk: false,
    maxRank: 3,
    libraries: false,
  };
  type Principal = { label: string; as: As; facts: Facts; name?: string; password?: string };
  const session = async (label: string, name: string, facts: Facts): Promise<Principal> => {
    const password = `${name}-password`;
    return { label, as: await t.login(name, password), facts, name, password };
  };
  const principals: Principal[] = [
    await session("admin", "root", { ...base, admin: true, cameras: "*", libraries: true }),
    await session("front viewer", "front-viewer", { ...base, cameras: ["front"] }),
    await session("power viewer", "power", {
      ...base,
      cameras: "*",
      download: true,
      record: true,
      control: true,
      talk: true,
      libraries: true,
    }),
    await session("low-quality viewer", "low", { ...base, cameras: "*", maxRank: 0 }),
    await session("viewer without grant", "nogrant", { ...base, cameras: null }),
    {
      label: "client certificate of user alice",
      as: { kind: "certificate", peer: peer("alice", "BB:".repeat(31) + "BB") },
      facts: { ...base, cameras: ["back"], download: true },
    },
    {
      label: "approved client certificate",
      as: { kind: "certificate", peer: peer("garage", FP_GARAGE) },
      facts: { ...base, cameras: ["back"] },
    },
    {
      label: "unknown client certificate",
      as: { kind: "certificate", peer: peer("stranger", "CC:".repeat(31) + "CC") },
      facts: { ...base, cameras: null },
    },
  ];
  let checked = 0;
  for (const rule of ACCESS_TABLE) {
    for (const s of ROUTE_SAMPLES.filter((x) => x.pattern === rule.pattern)) {
      const body = s.method === "GET" ? undefined : "{}";
      const init = { headers: { "content-type": "application/json" }, body };
      const anon = await t.request({ kind: "anonymous" }, s.method, s.path, init);
      await anon.body?.cancel();
      if (rule.need === "public") {
        assert.ok(
          anon.status !== 401 && anon.status !== 403,
          `anonymous ${s.method} ${s.path}: ${anon.status}`,
        );
      } else {
        assert.equal(anon.status, 401, `anonymous ${s.method} ${s.path}`);
        assert.match(anon.headers.get("www-authenticate") ?? "", /realm="eyrie"/);
      }
      for (const p of principals) {
        // The same camera for both halves of the ?camera= samples, front then back (ids name theirs).
        for (
          const path of s.camera === "front" && !/^\/api\/(recordings|events)\/\d/.test(s.path)
            ? [s.path, s.path.replace("front", "back")]
            : [s.path]
        ) {
          const camera = path === s.path ? s.camera : "back";
          const res = await t.request(p.as, s.method, path, init);
          // An event stream allowed through never ends: its status is the answer.
          const type = res.headers.get("content-type") ?? "";
          const streaming = type.startsWith("text/event-stream") ||
            type.startsWith("multipart/x-mixed-replace");
          const text = streaming ? (await res.body?.cancel(), "") : await res.text();
          const allowed = may(p.facts, rule.need, camera);
          const where = `${p.label}: ${s.method} ${path} (${rule.need}) → ${res.status} ${
            text.slice(0, 120)
          }`;
          if (allowed) assert.ok(res.status !== 401 && res.status !== 403, where);
          else {
            assert.equal(res.status, 403, where);
            assert.ok(typeof JSON.parse(text).error === "string", where);
          }
          checked++;
          // Signing out ends the principal's sessions: sign in again for the rows after it.
          if (s.pattern === "/api/auth/logout" && p.password !== undefined) {
            p.as = await t.login(p.name!, p.password);
          }
        }
      }
    }
  }
  assert.ok(checked > 300, `only ${checked} requests checked`);
});

Deno.test("GET /api/cameras lists only the cameras a principal may watch", async () => {
  await using t = await startAuthApp([
    { name: "root", role: "admin", password: "root-password" },
    {
      name: "v",
      role: "viewer",
      password: "viewer-password",
      grant: grant({ cameras: ["front"] }),
    },
  ], [{ fingerprint256: FP_GARAGE, label: "garage", grant: grant({ cameras: ["back"] }) }]);
  const ids = async (as: As) =>
    (await (await t.request(as, "GET", "/api/cameras")).json()).map((c: { id: string }) => c.id);
  assert.deepEqual(await ids(await t.login("root", "root-password")), ["front", "back"]);
  assert.deepEqual(await ids(await t.login("v", "viewer-password")), ["front"]);
  assert.deepEqual(await ids({ kind: "certificate", peer: peer("garage", FP_GARAGE) }), ["back"]);
});

Deno.test("max_quality refuses a camera above it, and a ?quality= above it", async () => {
  await using t = await startAuthApp([
    {
      name: "v",
      role: "viewer",
      password: "viewer-password",
      grant: grant({ max_quality: "medium" }),
    },
  ]);
  const v = await t.login("v", "viewer-password");
  const front = await t.request(v, "GET", "/api/cameras/front");
  assert.equal(front.status, 403);
  assert.match(
    (await front.json()).error,
    /streams 1920x1080 at 30 fps, above your limit "medium"/,
  );
  assert.equal((await t.request(v, "GET", "/api/cameras/back")).status, 200);
  const asked = await t.request(v, "GET", "/api/cameras/back/sdp?quality=ultra");
  assert.equal(asked.status, 403);
  assert.match((await asked.json()).error, /Quality "ultra" is above your limit "medium"/);
});

Deno.test("pages send the anonymous to /login and a principal without a grant to /access", async () => {
  await using t = await startAuthApp([
    { name: "nogrant", role: "viewer", password: "nogrant-password", grant: null },
  ]);
  const html = { headers: { accept: "text/html" } };
  const anon = await t.request({ kind: "anonymous" }, "GET", "/recordings?day=1", html);
  assert.equal(anon.status, 303);
  assert.equal(anon.headers.get("location"), "/login?next=%2Frecordings%3Fday%3D1");
  const login = await t.request({ kind: "anonymous" }, "GET", "/login", html);
  assert.equal(login.status, 200);
  assert.match(login.headers.get("content-security-policy") ?? "", /frame-ancestors 'none'/);
  assert.match(await login.text(), /<form method="post" action="\/api\/auth\/login">/);
  const none = await t.request(await t.login("nogrant", "nogrant-password"), "GET", "/", html);
  assert.equal(none.status, 303);
  assert.equal(none.headers.get("location"), "/access");
});

Deno.test("an unknown client certificate asks, an admin approves on the console, then it may watch; a denial sticks", async () => {
  await using t = await startAuthApp([{ name: "root", role: "admin", password: "root-password" }]);
  const admin = await t.login("root", "root-password");
  const stranger: As = { kind: "certificate", peer: peer("stranger", "CC:".repeat(31) + "CC") };
  const other: As = { kind: "certificate", peer: peer("other", "DD:".repeat(31) + "DD") };
  const json = (body: unknown) => ({
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

  const before = await t.request(stranger, "GET", "/api/cameras/back");
  assert.equal(before.status, 403);
  assert.equal((await before.json()).ask, "/api/auth/request");
  const asked = await t.request(
    stranger,
    "POST",
    "/api/auth/request",
    json({ cameras: ["back"], note: "garage box" }),
  );
  assert.equal(asked.status, 202);
  const { id } = await asked.json();
  await (await t.request(other, "POST", "/api/auth/request", json({ cameras: "*" }))).body
    ?.cancel();

  const pending = await (await t.request(admin, "GET", "/api/auth/approvals?status=pending"))
    .json();
  assert.deepEqual(pending.map((a: { label: string }) => a.label).sort(), ["other", "stranger"]);
  const approved = await t.request(
    admin,
    "POST",
    `/api/auth/approvals/${id}/approve`,
    json({ can_download: true }),
  );
  assert.equal(approved.status, 200);
  const decision = await approved.json();
  assert.equal(decision.status, "approved");
  assert.equal(decision.decidedBy, "root");
  assert.deepEqual(decision.grant.cameras, ["back"]);

  assert.equal((await t.request(stranger, "GET", "/api/cameras/back")).status, 200);
  assert.equal((await t.request(stranger, "GET", "/api/cameras/front")).status, 403);
  const me = await (await t.request(stranger, "GET", "/api/auth/me")).json();
  assert.equal(me.kind, "certificate");
  assert.equal(me.approval.status, "approved");

  const otherId = pending.find((a: { label: string }) => a.label === "other").id;
  assert.equal((await t.request(admin, "POST", `/api/auth/approvals/${otherId}/deny`)).status, 200);
  assert.equal((await t.request(other, "GET", "/api/cameras/back")).status, 403);
  const again = await t.request(other, "POST", "/api/auth/request", json({}));
  assert.equal(again.status, 403);
  assert.match((await again.json()).error, /denied by root/);
  // A viewer cannot decide.
  const forged = await t.request(
    stranger,
    "POST",
    `/api/auth/approvals/${otherId}/approve`,
    json({}),
  );
  assert.equal(forged.status, 403);
  // Revoking the grant ends the access.
  const subject = encodeURIComponent(decision.subject);
  assert.equal((await t.request(admin, "DELETE", `/api/auth/grants/${subject}`)).status, 204);
  assert.equal((await t.request(stranger, "GET", "/api/cameras/back")).status, 403);
});

Deno.test("with no users a loopback console needs no sign-in, but still refuses cross-site and foreign Host requests", async () => {
  await using t = await startAuthApp([]);
  const anon: As = { kind: "anonymous" };
  assert.equal((await t.request(anon, "GET", "/api/cameras")).status, 200);
  assert.equal((await t.request(anon, "GET", "/api/auth/users")).status, 200);
  const reload = await t.request(anon, "POST", "/api/config/reload");
  await reload.body?.cancel();
  assert.ok(reload.status !== 401 && reload.status !== 403, `reached the router: ${reload.status}`);
  const me = await (await t.request(anon, "GET", "/api/auth/me")).json();
  assert.equal(me.kind, "local");
  const cross = await t.request(anon, "POST", "/api/config/reload", {
    headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
  });
  assert.equal(cross.status, 403);
  const rebound = await t.app.fetch(new Request("http://evil.example:8080/api/cameras"));
  assert.equal(rebound.status, 403);
  assert.match((await rebound.json()).error, /not this machine/);
});

Deno.test("with no users a console the network reaches refuses every request", async () => {
  await using t = await startAuthApp([], [], "0.0.0.0:0");
  const res = await t.request({ kind: "anonymous" }, "GET", "/api/cameras");
  assert.equal(res.status, 503);
  assert.match((await res.json()).error, /eyrie user add NAME --admin/);
});
