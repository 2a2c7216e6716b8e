import assert from "node:assert/strict";
import { DiskHold, isDiskFull } from "../../../actors/recorder/mod.ts";

const MB = 1_000_000;

function hold(free: { bytes: number | null }) {
  const clock = { now: 1_000_000 };
  const h = new DiskHold({
    dir: "/rec",
    floorBytes: 2 * MB,
    freeBytes: () => free.bytes,
    now: () => clock.now,
    random: () => 0.5, // no jitter
  });
  return { h, clock };
}

Deno.test("isDiskFull() knows GStreamer's no-space error and the system's words for a full disk or quota", () => {
  assert.equal(isDiskFull({ message: "x", domain: "gst-resource-error-quark", code: 14 }), true);
  assert.equal(
    isDiskFull({ message: "Error while writing to file.", debug: "No space left on device" }),
    true,
  );
  assert.equal(isDiskFull({ message: "Disk quota exceeded (os error 122)" }), true);
  assert.equal(isDiskFull({ message: "No space left on device (os error 28)" }), true);
  assert.equal(isDiskFull({ message: "Permission denied (os error 13)" }), false);
});

Deno.test("a full disk holds recording with its cause, measures before each retry, and lets go once there is room", () => {
  const free = { bytes: 500_000 as number | null };
  const { h, clock } = hold(free);
  assert.deepEqual(h.may(), { ok: true, note: null });
  const note = h.fault({
    message: "No space left on the resource.",
    domain: "gst-resource-error-quark",
    code: 14,
  });
  assert.deepEqual([note?.level, note?.message, note?.fields.cause], [
    "warn",
    "recording to /rec: offline",
    "disk full at /rec (floor 2.0 MB)",
  ]);
  assert.deepEqual(h.status(), {
    state: "disk_full",
    cause: "disk full at /rec: 500 kB free, floor 2.0 MB",
    retryAt: clock.now + 1000,
  });
  assert.equal(h.may().ok, false, "not before the retry time");
  clock.now += 1000;
  free.bytes = 600_000;
  assert.deepEqual(
    h.may(),
    { ok: false, note: null },
    "still full: a failed try, no file, no line",
  );
  assert.deepEqual(h.status(), {
    state: "disk_full",
    cause: "disk full at /rec: 600 kB free, floor 2.0 MB",
    retryAt: clock.now + 2000,
  });
  clock.now += 2000;
  free.bytes = 2.3 * MB; // over the floor and its margin (200 kB)
  assert.deepEqual(h.may(), { ok: true, note: null });
  assert.equal(h.status().state, null, "trying again");
  const up = h.wrote();
  assert.deepEqual([up?.level, up?.message, up?.fields.tries], [
    "info",
    "recording to /rec: up again",
    2,
  ]);
  assert.equal(h.wrote(), null);
});

Deno.test("another write error is failing with its message and retried with backoff; the floor check holds and releases at once", () => {
  const free = { bytes: 10 * MB as number | null };
  const { h, clock } = hold(free);
  h.fault(new Error('Could not open file "/rec/a.mp4" for writing.'));
  assert.deepEqual(h.status(), {
    state: "failing",
    cause: 'Could not open file "/rec/a.mp4" for writing.',
    retryAt: clock.now + 1000,
  });
  clock.now += 1000;
  assert.equal(h.may().ok, true);
  h.setFloor("disk full at /rec: 1.0 MB free, floor 2.0 MB");
  assert.deepEqual(h.status(), {
    state: "disk_full",
    cause: "disk full at /rec: 1.0 MB free, floor 2.0 MB",
    retryAt: null,
  });
  assert.equal(h.may().ok, false);
  // A write failed for lack of room, then the floor check sees room again: no backoff to wait.
  h.fault({ message: "No space left on device" });
  h.setFloor(null);
  assert.equal(h.may().ok, true);
});
