/**
 * Fault: an RTSP camera (GStreamer's gst-rtsp-server, a real peer) that
 * vanishes mid-stream without a TEARDOWN and comes back on the same address.
 */
import assert from "node:assert/strict";
import {
  camera,
  closedPort,
  getJson,
  records,
  startEyrie,
  startRtspCamera,
  tempConfig,
  until,
} from "./_faults.ts";

interface Camera {
  status: { state: string; cause?: string; retry_at?: string; since?: string };
  stats: { camera?: { frames: number }; recorder?: { segments: number; segment: string | null } };
}

Deno.test("an RTSP camera that vanishes mid-stream is offline with its cause, and when it returns video and recording resume in a new segment", async () => {
  const port = closedPort();
  await using cfg = await tempConfig(
    `[console]\nlisten = "127.0.0.1:0"\n[recording]\nsegment_s = 600\n` +
      camera("door", `rtsp://cam:pw@127.0.0.1:${port}/stream`),
  );
  let rtsp = await startRtspCamera(port, { user: "cam", password: "pw" });
  const eyrie = await startEyrie(cfg.file);
  try {
    const door = () => getJson<Camera>(`${eyrie.url}/api/cameras/door`);
    const first = await until("recording from the RTSP camera", async () => {
      const c = await door();
      return c.status.state === "live" && c.stats.recorder?.segment ? c : undefined;
    });
    await rtsp.stop();
    const down = await until("the camera offline", async () => {
      const c = await door();
      return c.status.state === "offline" ? c : undefined;
    });
    // Whatever GStreamer said, eyrie asks the camera's address itself: nothing listens there.
    assert.equal(down.status.cause, `connection refused by 127.0.0.1:${port}`);
    // Back on the same address, while eyrie is between tries.
    rtsp = await startRtspCamera(port, { user: "cam", password: "pw" });
    const back = Date.now();
    const resumed = await until("the camera live again and recording", async () => {
      const c = await door();
      return c.status.state === "live" && c.stats.recorder?.segment &&
          c.stats.recorder.segment !== first.stats.recorder!.segment
        ? c
        : undefined;
    });
    const tookMs = Date.now() - back;
    // A short outage is retried within seconds (the backoff starts at about 1 s).
    assert.ok(tookMs < 15_000, `resumed ${tookMs} ms after the camera returned`);
    assert.ok(resumed.stats.recorder!.segments > first.stats.recorder!.segments);
    const frames = resumed.stats.camera!.frames;
    await until(
      "frames flowing",
      async () => (await door()).stats.camera!.frames > frames ? true : undefined,
    );
    const notes = records(eyrie.logs()).filter((r) => r.actor === "door/camera").map((r) => r.msg);
    assert.ok(
      notes.includes("source rtsp://cam:***@127.0.0.1:" + port + "/stream: up again"),
      notes.join(" | "),
    );
    console.log(`resumed ${tookMs} ms after the camera returned`);
  } finally {
    await rtsp.stop();
    assert.equal(await eyrie.stop("SIGTERM"), 0);
  }
});

Deno.test("an RTSP camera that asks for another password, or has no such stream, says so", async () => {
  const port = closedPort();
  await using rtsp = await startRtspCamera(port, { user: "cam", password: "right" });
  await using cfg = await tempConfig(
    `[console]\nlisten = "127.0.0.1:0"\n[recording]\nenabled = false\n` +
      camera("wrongpw", `rtsp://cam:wrong@127.0.0.1:${port}/stream`) +
      camera("nopath", `rtsp://cam:right@127.0.0.1:${port}/elsewhere`),
  );
  const eyrie = await startEyrie(cfg.file);
  try {
    const cause = (id: string) =>
      until(`${id} offline`, async () => {
        const c = await getJson<Camera>(`${eyrie.url}/api/cameras/${id}`);
        return c.status.state === "offline" ? c.status.cause : undefined;
      });
    assert.equal(await cause("wrongpw"), "401 Unauthorized (check the URL's user and password)");
    assert.match((await cause("nopath"))!, /^stream not found at \/elsewhere/);
    assert.ok(!eyrie.logs().includes(":right@") && !eyrie.logs().includes(":wrong@"));
    void rtsp;
  } finally {
    assert.equal(await eyrie.stop("SIGTERM"), 0);
  }
});
