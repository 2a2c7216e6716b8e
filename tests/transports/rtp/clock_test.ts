import assert from "node:assert/strict";
import { RtpClock, RtpSequencer } from "../../../transports/rtp/mod.ts";

Deno.test("RtpSequencer counts up and wraps from 65535 to 0, counting rollovers", () => {
  const s = new RtpSequencer({ initial: 65534 });
  assert.deepEqual([s.next(), s.next(), s.next(), s.next()], [65534, 65535, 0, 1]);
  assert.equal(s.rollovers, 1);
  assert.throws(() => new RtpSequencer({ initial: 65536 }), /0 to 65535, got 65536/);
});

Deno.test("RtpClock turns ns into 90 kHz ticks plus the offset, modulo 2^32", () => {
  const c = new RtpClock({ offset: 1000 });
  assert.equal(c.fromNs(0), 1000);
  assert.equal(c.fromNs(1_000_000_000), 91_000);
  assert.equal(c.fromNs(33_333_333), 1000 + 2999);
  // 2^32 ticks at 90 kHz is 47721.8588… s: the timestamp wraps.
  const wrapNs = Math.ceil((2 ** 32 - 1000) / 90_000 * 1e9);
  assert.ok(c.fromNs(wrapNs) < 10);
});

Deno.test("RtpClock stays exact for a monotonic clock weeks into a run", () => {
  const c = new RtpClock();
  const ns = 30 * 86_400 * 1e9 + 500_000_000; // 30 days and half a second
  assert.equal(c.fromNs(ns), (30 * 86_400 * 90_000 + 45_000) % 2 ** 32);
});

Deno.test("RtpClock follows the pts or the capture time as configured", () => {
  const frame = { ptsNs: 1e9, captureNs: 2e9 };
  assert.equal(new RtpClock().timestamp(frame), 90_000);
  assert.equal(new RtpClock({ source: "capture" }).timestamp(frame), 180_000);
  assert.throws(() => new RtpClock({ rate: 0 }), RangeError);
});
