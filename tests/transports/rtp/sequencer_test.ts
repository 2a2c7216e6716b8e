import assert from "node:assert/strict";
import {
  FIRST_SEQUENCE_MIN,
  randomInitialSequence,
  RtpSequencer,
} from "../../../transports/rtp/mod.ts";

Deno.test("randomInitialSequence() spans 1 to 65535 and never begins a stream at 0", () => {
  assert.equal(FIRST_SEQUENCE_MIN, 1);
  assert.equal(randomInitialSequence(() => 0), 1);
  assert.equal(randomInitialSequence(() => 0.5), 1 + Math.floor(0.5 * 65535));
  assert.equal(randomInitialSequence(() => 1 - Number.EPSILON), 65535);
  for (let i = 0; i < 1000; i++) {
    const seq = randomInitialSequence();
    assert.ok(Number.isInteger(seq) && seq >= 1 && seq <= 65535, `${seq}`);
  }
});

Deno.test("RtpSequencer without an initial value begins at 1, and accepts 0 to continue a stream", () => {
  assert.equal(new RtpSequencer().next(), 1);
  assert.equal(new RtpSequencer({ initial: 0 }).next(), 0);
});
