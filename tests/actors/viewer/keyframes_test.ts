import assert from "node:assert/strict";
import { KeyframeLimiter } from "../../../actors/viewer/keyframes.ts";

Deno.test("KeyframeLimiter passes the first request at once and folds a burst into one later request", () => {
  const k = new KeyframeLimiter({ minIntervalMs: 250 });
  assert.equal(k.request(1000), true);
  // A browser's PLIs and two new viewers within 100 ms.
  assert.equal(k.request(1020), false);
  assert.equal(k.request(1050), false);
  assert.equal(k.request(1100), false);
  assert.equal(k.poll(1200), false);
  assert.equal(k.poll(1250), true);
  assert.equal(k.poll(1600), false, "folded requests fire once");
  assert.equal(k.request(1600), true);
  assert.deepEqual([k.asked, k.sent], [5, 3]);
});

Deno.test("KeyframeLimiter lets a new viewer's request through sooner than a repair's", () => {
  const k = new KeyframeLimiter({ minIntervalMs: 250, newViewerIntervalMs: 100 });
  assert.equal(k.request(1000, "new_viewer"), true);
  assert.equal(k.request(1050, "repair"), false, "a PLI right after waits");
  assert.equal(k.request(1060, "new_viewer"), false);
  assert.equal(k.poll(1099), false);
  assert.equal(k.poll(1100), true, "the new viewer's request is due 100 ms after the last");
  assert.equal(k.poll(1350), false, "the PLI was served by the same keyframe");
  // Viewers one after another, 150 ms apart: each is asked for at once.
  assert.equal(k.request(1250, "new_viewer"), true);
  assert.equal(k.request(1400, "new_viewer"), true);
  // A storm of PLIs: at most one keyframe per 250 ms.
  assert.equal(k.request(1450, "repair"), false);
  assert.equal(k.request(1500, "repair"), false);
  assert.equal(k.poll(1600), false);
  assert.equal(k.poll(1650), true);
});
