import assert from "node:assert/strict";
import {
  CONNECT_TIMEOUT_MS,
  DELIVERY_TIMEOUT_MS,
  newSessionClock,
  onRtcp,
  onSent,
  RTCP_TIMEOUT_MS,
  sessionVerdict,
} from "../../../actors/viewer/health.ts";

Deno.test("sessionVerdict() gives a session CONNECT_TIMEOUT_MS to connect", () => {
  const c = newSessionClock(0);
  assert.equal(sessionVerdict(c, CONNECT_TIMEOUT_MS), null);
  assert.equal(sessionVerdict(c, CONNECT_TIMEOUT_MS + 1), "connect_timeout");
});

Deno.test("sessionVerdict() ends a connected session whose packets are never acknowledged (the DTLS race)", () => {
  const c = newSessionClock(0);
  c.connectedMs = 400;
  onSent(c, 450);
  for (let t = 450; t < 3400; t += 33) onSent(c, t);
  onRtcp(c, 1500, false); // RTCP without a report for our stream: nothing decrypted
  assert.equal(sessionVerdict(c, 450 + DELIVERY_TIMEOUT_MS), null);
  assert.equal(sessionVerdict(c, 451 + DELIVERY_TIMEOUT_MS), "no_delivery");
});

Deno.test("sessionVerdict() keeps a session whose receiver reports move, and calls it stalled when they stop", () => {
  const c = newSessionClock(0);
  c.connectedMs = 400;
  let t = 450;
  for (; t < 20_000; t += 33) {
    onSent(c, t);
    if (t % 1000 < 33) onRtcp(c, t, true);
    assert.equal(sessionVerdict(c, t), null, `at ${t}`);
  }
  // The browser goes away: packets keep leaving, nothing acknowledges them.
  const last = t;
  for (; t < last + 5000; t += 33) onSent(c, t);
  assert.equal(sessionVerdict(c, last + DELIVERY_TIMEOUT_MS + 100), "stalled");
});

Deno.test("sessionVerdict() does not blame a viewer for a camera that sends nothing, until RTCP stops", () => {
  const c = newSessionClock(0);
  c.connectedMs = 400;
  onRtcp(c, 1000, true);
  // Nothing is sent (the camera stalled): no unacknowledged packets, no delivery verdict.
  assert.equal(sessionVerdict(c, 1000 + RTCP_TIMEOUT_MS), null);
  assert.equal(sessionVerdict(c, 1001 + RTCP_TIMEOUT_MS), "no_rtcp");
});
