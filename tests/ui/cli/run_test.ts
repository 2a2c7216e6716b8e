/** `eyrie run` as a user runs it: cameras side by side, stats in the API, a clean stop. */
import assert from "node:assert/strict";
import { startEyrie, tempConfig } from "./_eyrie.ts";

interface CameraView {
  id: string;
  actors: { id: string; state: string; restarts: number }[];
  stats: {
    camera?: { frames: number; fps: number };
    encoder?: {
      element: string;
      fps: number;
      bitrateKbps: number;
      dropped: number;
      accessUnits: number;
    };
  };
}

async function camera(url: string, id: string): Promise<CameraView> {
  const res = await fetch(`${url}/api/cameras/${id}`);
  assert.equal(res.status, 200);
  return await res.json();
}

async function settle(
  url: string,
  id: string,
  ok: (c: CameraView) => boolean,
  timeoutMs = 30_000,
): Promise<CameraView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await camera(url, id);
    if (ok(c)) return c;
    if (Date.now() > deadline) throw new Error(`Camera ${id} never settled: ${JSON.stringify(c)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

Deno.test("the default camera (720p30 test pattern) streams at its frame rate and reports encoder stats", async () => {
  await using cfg = await tempConfig(
    `[console]\nlisten = "127.0.0.1:0"\n[[camera]]\nid = "test"\nsource = "test"\n`,
  );
  const eyrie = await startEyrie(cfg.file);
  try {
    // Several seconds of steady state: the frame rate is measured by eyrie over each second.
    const c = await settle(eyrie.url, "test", (c) => (c.stats.encoder?.accessUnits ?? 0) > 150);
    // 30 configured; a loaded CI machine (tests run in parallel on 2 cores) costs a few frames.
    assert.ok(c.stats.camera!.fps >= 20, `camera fps ${c.stats.camera!.fps}`);
    assert.ok(c.stats.encoder!.fps >= 20, `encoder fps ${c.stats.encoder!.fps}`);
    assert.equal(c.stats.encoder!.element, "x264enc");
    assert.ok(c.stats.encoder!.bitrateKbps > 200, `bitrate ${c.stats.encoder!.bitrateKbps}`);
    assert.ok(
      c.actors.every((a) => a.state === "running" && a.restarts === 0),
      JSON.stringify(c.actors),
    );
    const health = await (await fetch(`${eyrie.url}/api/health`)).json();
    assert.equal(health.status, "ok");
  } finally {
    assert.equal(await eyrie.stop(), 0);
  }
});

Deno.test("two cameras run side by side, each in its own subtree", async () => {
  await using cfg = await tempConfig(`[console]
listen = "127.0.0.1:0"
[[camera]]
id = "front"
source = "test"
pattern = "ball"
width = 320
height = 240
fps = 15
[[camera]]
id = "back"
source = "test"
width = 320
height = 240
fps = 15
codec = "mjpeg"
`);
  const eyrie = await startEyrie(cfg.file);
  try {
    const list = await (await fetch(`${eyrie.url}/api/cameras`)).json();
    assert.deepEqual(list.map((c: CameraView) => c.id), ["front", "back"]);
    const front = await settle(eyrie.url, "front", (c) => (c.stats.encoder?.accessUnits ?? 0) > 30);
    const back = await settle(eyrie.url, "back", (c) => (c.stats.encoder?.accessUnits ?? 0) > 30);
    assert.equal(front.stats.encoder!.element, "x264enc");
    assert.equal(back.stats.encoder!.element, "jpegenc");
    const health = await (await fetch(`${eyrie.url}/api/health`)).json();
    const ids = health.actors.map((a: { id: string }) => a.id);
    for (
      const id of ["front", "front/camera", "front/encoder", "back", "back/camera", "back/encoder"]
    ) {
      assert.ok(ids.includes(id), `${id} in ${ids}`);
    }
    // A quality preset at run time restarts that camera's subtree only.
    const post = (id: string, body: string) =>
      fetch(`${eyrie.url}/api/cameras/${id}/quality`, {
        method: "POST",
        body,
        headers: { "content-type": "application/json" },
      });
    const bad = await post("front", `{"preset": "cinema"}`);
    assert.equal(bad.status, 400);
    assert.match(
      (await bad.json()).error,
      /^preset: Invalid option: expected one of "low"\|"medium"\|"high"\|"ultra"/,
    );
    const missing = await post("side", `{"preset": "low"}`);
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
    const ok = await post("front", `{"preset": "high"}`);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), {
      id: "front",
      quality: "high",
      width: 1920,
      height: 1080,
      fps: 30,
      bitrate_kbps: 3000,
    });
    const after = await settle(eyrie.url, "front", (c) => (c.stats.encoder?.accessUnits ?? 0) > 30);
    assert.equal((after as unknown as { width: number }).width, 1920);
    const backAfter = await camera(eyrie.url, "back");
    assert.ok(backAfter.actors.every((a) => a.restarts === 0), "the other camera kept running");
  } finally {
    assert.equal(await eyrie.stop("SIGINT"), 0);
  }
});
