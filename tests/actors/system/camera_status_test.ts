import assert from "node:assert/strict";
import { cameraProblem, cameraStatus } from "../../../actors/system/mod.ts";
import { linkProblems } from "../../../actors/system/health.ts";

const running = (id: string) => ({ id, state: "running" as const, restarts: 0 });
const now = Date.parse("2026-01-01T00:00:00Z");

Deno.test("cameraStatus() says live, connecting or offline from the source, with the cause and next try", () => {
  const actors = [running("front"), running("front/camera"), running("front/encoder")];
  assert.deepEqual(cameraStatus("front", actors, undefined), { state: "connecting" });
  assert.deepEqual(cameraStatus("front", actors, { state: "up", since: now }), {
    state: "live",
    since: "2026-01-01T00:00:00.000Z",
  });
  const offline = cameraStatus("front", actors, {
    state: "offline",
    since: now,
    cause: "connection refused by 127.0.0.1:8554",
    retryAt: now + 32_000,
    attempt: 6,
  });
  assert.deepEqual(offline, {
    state: "offline",
    cause: "connection refused by 127.0.0.1:8554",
    retry_at: "2026-01-01T00:00:32.000Z",
    since: "2026-01-01T00:00:00.000Z",
    tries: 6,
  });
  assert.equal(
    cameraProblem("front", offline, now + 2_000),
    "camera front is offline: connection refused by 127.0.0.1:8554 (next try in 30 s)",
  );
  assert.equal(cameraProblem("front", { state: "live" }, now), null);
});

Deno.test("cameraStatus() puts a crashed or isolated actor before the source, with its error", () => {
  const actors = [
    running("front"),
    { id: "front/encoder", state: "restarting" as const, restarts: 2, last_error: "x264enc: boom" },
    running("back/encoder"),
  ];
  assert.deepEqual(cameraStatus("front", actors, { state: "up", since: now }), {
    state: "restarting",
    cause: "x264enc: boom",
  });
  const failed = cameraStatus(
    "front",
    [
      { id: "front", state: "failed", restarts: 5, last_error: "gave up", retry_in_s: 60 },
    ],
    undefined,
    () => now,
  );
  assert.deepEqual(failed, {
    state: "failed",
    cause: "gave up",
    retry_at: "2026-01-01T00:01:00.000Z",
  });
  assert.equal(
    cameraProblem("front", failed, now),
    "camera front failed: gave up (next try in 60 s)",
  );
  assert.deepEqual(cameraStatus("back", actors, { state: "up", since: now }).state, "live");
});

Deno.test("linkProblems() names each offline RTP output, forward and webhook of a camera with its cause", () => {
  const link = (state: string, cause: string | null = null, retryAt: number | null = null) => ({
    state,
    since: now,
    cause,
    retryAt,
    tries: cause === null ? 0 : 3,
  });
  const stats = new Map<string, unknown>([
    ["camera", { frames: 10 }],
    ["rtp[0]", link("up")],
    ["rtp[1]", link("offline", "connection refused by 127.0.0.1:5004", now + 4_000)],
    ["forward[0]", link("offline", "no route to host 10.0.0.9", now + 60_000)],
    ["detector", { webhooks: [link("up"), link("offline", "HTTP 503", now + 2_000)] }],
  ]);
  assert.deepEqual(linkProblems("front", stats, now), [
    "camera front: RTP output 1 is offline: connection refused by 127.0.0.1:5004 (next try in 4 s)",
    "camera front: forward 0 is offline: no route to host 10.0.0.9 (next try in 60 s)",
    "camera front: webhook 1 is offline: HTTP 503 (next try in 2 s)",
  ]);
});
