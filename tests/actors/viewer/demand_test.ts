/**
 * The live view on demand, in the real camera tree: no viewer actor until
 * the first WHEP offer, one start for offers that come together, and none
 * again once nobody has watched for the camera's `viewer_idle_s`.
 */
import assert from "node:assert/strict";
import { System } from "../../../actors/system/mod.ts";
import type { SupervisorEvent } from "../../../actors/supervisor/mod.ts";
import { createApp } from "../../../ui/http/app.ts";
import type { ConnEnv } from "../../../ui/http/conn.ts";
import { checkConfig } from "../../../ui/config/mod.ts";
import { offer } from "./_offers.ts";

const ENV: ConnEnv = {
  conn: { remote: { address: "127.0.0.1", port: 50000 }, secure: false, peer: null },
};

/** Polls `check` every 100 ms; a hang guard, not a speed goal. */
async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

Deno.test("the viewer actor starts at the first WHEP offer (once for offers that come together) and stops after viewer_idle_s without viewers", async () => {
  const dir = await Deno.makeTempDir({ prefix: "eyrie-viewer-demand-" });
  const config = checkConfig({
    data_dir: `${dir}/data`,
    console: { listen: "127.0.0.1:0" },
    recording: { enabled: false },
    camera: [{
      id: "cam",
      source: "test",
      width: 320,
      height: 240,
      fps: 15,
      encoder: "x264",
      viewer_idle_s: 1,
      detection: { motion: false },
    }],
  }, "");
  const system = await System.start({ config, log: () => {} });
  const events: SupervisorEvent[] = [];
  system.events.subscribe((e) => events.push(e));
  const app = createApp(system);
  const req = (method: string, path: string, init: RequestInit = {}) =>
    Promise.resolve(
      app.fetch(new Request(`http://127.0.0.1:8080${path}`, { ...init, method }), ENV),
    );
  const camera = async () => await (await req("GET", "/api/cameras/cam")).json();
  const viewerActors = async () =>
    ((await camera()).actors as { id: string }[]).filter((a) => a.id.endsWith("/viewer"));
  const starts = () =>
    events.filter((e) => e.type === "child_started" && e.child === "viewer").length;
  const post = () =>
    req("POST", "/api/cameras/cam/whep", {
      headers: { "content-type": "application/sdp" },
      body: offer(),
    });
  try {
    await until("the packetizer", async () => {
      const actors = (await camera()).actors as { id: string; state: string }[];
      return actors.some((a) => a.id === "cam/outputs/live/packetizer" && a.state === "running")
        ? true
        : undefined;
    });
    // Nobody watches: no viewer actor, shown as idle, and the metric says 0 viewers.
    const idle = await camera();
    assert.equal(idle.viewer_state, "idle");
    assert.deepEqual(await viewerActors(), []);
    const metrics = await (await req("GET", "/metrics")).text();
    assert.match(metrics, /^eyrie_viewers\{camera="cam"\} 0$/m);
    // A session's DELETE or PATCH without a viewer actor: no such session, and nothing starts.
    const gone = await req("DELETE", "/api/cameras/cam/whep/00000000-0000-0000-0000-000000000000");
    assert.equal(gone.status, 404);
    await gone.body?.cancel();
    // A bad offer does not start it either.
    const bad = await req("POST", "/api/cameras/cam/whep", {
      headers: { "content-type": "application/sdp" },
      body: "v=0\r\n",
    });
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
    assert.equal(starts(), 0);

    // Two offers together: one start, both answered, by the viewer beside the packetizer.
    const [a, b] = await Promise.all([post(), post()]);
    const texts = await Promise.all([a.text(), b.text()]);
    assert.deepEqual([a.status, b.status], [201, 201], texts.join(" "));
    assert.equal(starts(), 1);
    assert.deepEqual((await viewerActors()).map((v) => v.id), ["cam/outputs/live/viewer"]);
    assert.equal((await camera()).viewer_state, "running");

    // The sessions still count (connecting): the viewer stays while they last.
    await until("the viewer's report of two sessions", async () => {
      const v = (await camera()).stats.viewer;
      return v !== undefined && v.viewers + v.connecting === 2 ? true : undefined;
    });
    assert.equal((await camera()).viewer_state, "running");
    for (const r of [a, b]) {
      const del = await req("DELETE", r.headers.get("location")!);
      assert.equal(del.status, 200);
      await del.body?.cancel();
    }

    // No session for viewer_idle_s: the actor stops and leaves the tree; its stats go with it.
    await until("the idle viewer to stop", async () => {
      const c = await camera();
      return c.viewer_state === "idle" ? c : undefined;
    });
    assert.deepEqual(await viewerActors(), []);
    assert.equal((await camera()).stats.viewer, undefined);
    assert.ok(
      events.some((e) => e.type === "child_stopped" && e.child === "viewer"),
      "the viewer was stopped, not crashed",
    );

    // The next offer starts a new one.
    const again = await post();
    assert.equal(again.status, 201, await again.text());
    assert.equal(starts(), 2);
    const del = await req("DELETE", again.headers.get("location")!);
    assert.equal(del.status, 200);
    await del.body?.cancel();
  } finally {
    await system.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
