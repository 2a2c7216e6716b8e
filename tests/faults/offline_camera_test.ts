/**
 * Fault: a camera that is offline from the start (nothing listens at its
 * rtsp:// address). Before, its start failures spent the camera's and then
 * the root's restart windows and eyrie exited 1 after about five minutes,
 * taking the healthy camera and its recording along.
 */
import assert from "node:assert/strict";
import { camera, closedPort, getJson, records, startEyrie, tempConfig, until } from "./_faults.ts";

interface Camera {
  status: { state: string; cause?: string; retry_at?: string; tries?: number };
  actors: { id: string; state: string; restarts: number }[];
  stats: {
    camera?: { frames: number };
    recorder?: { segments: number; ringDrops: number; state: string };
  };
}

Deno.test("a camera offline from the start is a state, never a restart: eyrie stays up and the other camera records without a gap", async () => {
  const port = closedPort();
  await using cfg = await tempConfig(
    `[console]\nlisten = "127.0.0.1:0"\n[recording]\nsegment_s = 600\n` +
      camera("good", "test") +
      camera("dead", `rtsp://viewer:hunter2@127.0.0.1:${port}/stream`),
  );
  const eyrie = await startEyrie(cfg.file);
  try {
    const good = () => getJson<Camera>(`${eyrie.url}/api/cameras/good`);
    const dead = () => getJson<Camera>(`${eyrie.url}/api/cameras/dead`);
    await until("the good camera recording", async () => {
      const c = await good();
      return c.stats.recorder?.state === "recording" ? c : undefined;
    });
    const before = await good();
    // More tries than the camera supervisor's intensity (5 a minute): a crash loop would
    // have spent its window by now; a state spends nothing.
    const offline = await until("six tries of the dead camera", async () => {
      const c = await dead();
      return (c.status.tries ?? 0) >= 6 ? c : undefined;
    }, 120_000);
    assert.equal(offline.status.state, "offline");
    assert.equal(offline.status.cause, `connection refused by 127.0.0.1:${port}`);
    assert.ok(Date.parse(offline.status.retry_at!) > Date.now() - 1000, "the next try is ahead");
    assert.deepEqual(
      offline.actors.filter((a) => a.restarts > 0 || a.state !== "running"),
      [],
      "no actor of the dead camera restarted",
    );
    const health = await fetch(`${eyrie.url}/api/health`);
    const h = await health.json();
    assert.equal(health.status, 503);
    assert.deepEqual(
      h.problems.filter((p: string) => p.includes("dead")).map((p: string) =>
        p.replace(/\d+ s\)$/, "N s)")
      ),
      [`camera dead is offline: connection refused by 127.0.0.1:${port} (next try in N s)`],
    );
    // The good camera went on: frames flowing, one segment growing, nothing dropped.
    const after = await good();
    assert.equal(after.status.state, "live");
    assert.ok(after.stats.camera!.frames > before.stats.camera!.frames);
    assert.equal(after.stats.recorder!.segments, before.stats.recorder!.segments);
    assert.equal(after.stats.recorder!.ringDrops, 0);
    // The log says it once, with the cause, and never shows the password.
    const logs = eyrie.logs();
    assert.ok(!logs.includes("hunter2"), "the password never reaches the log");
    const notes = records(logs).filter((r) => r.actor === "dead/camera" && r.level === "warn");
    assert.deepEqual(notes.map((r) => [r.msg, r.fields?.cause]), [[
      `source rtsp://viewer:***@127.0.0.1:${port}/stream: offline`,
      `connection refused by 127.0.0.1:${port}`,
    ]]);
  } finally {
    assert.equal(await eyrie.stop("SIGTERM"), 0);
  }
});
