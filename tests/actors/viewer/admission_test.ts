import assert from "node:assert/strict";
import { admit, type Load, MAX_CONNECTING } from "../../../actors/viewer/admission.ts";

const calm: Load = {
  sessions: 3,
  connecting: 1,
  answering: 0,
  maxViewers: 10,
  lagMs: 2,
  overloaded: false,
};

Deno.test("admit() lets a viewer in below every limit", () => {
  assert.equal(admit(calm), null);
});

Deno.test("admit() counts offers being answered against max_viewers and the connecting limit", () => {
  assert.equal(admit({ ...calm, sessions: 9, answering: 1 })?.problem, "too_many_viewers");
  assert.match(admit({ ...calm, sessions: 10 })!.message, /10 of at most 10 viewers/);
  assert.equal(admit({ ...calm, maxViewers: 0, sessions: 0 })?.problem, "too_many_viewers");
  const busy = admit({ ...calm, connecting: MAX_CONNECTING - 1, answering: 1, sessions: 5 });
  assert.equal(busy?.problem, "busy");
  assert.match(busy!.message, /8 viewers are connecting/);
});

Deno.test("admit() refuses while the Worker is overloaded, saying how late it runs", () => {
  const r = admit({ ...calm, lagMs: 61.4, overloaded: true });
  assert.equal(r?.problem, "busy");
  assert.match(r!.message, /at capacity \(its Worker runs 61 ms late\)/);
});
