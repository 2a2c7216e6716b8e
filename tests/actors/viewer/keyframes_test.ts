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
