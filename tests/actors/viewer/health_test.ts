import assert from "node:assert/strict";
import {
  CONNECT_TIMEOUT_MS,
  DELIVERY_TIMEOUT_MS,
  newSessionClock,
  onHeard,
  onRtcp,
  onSent,
  RTCP_TIMEOUT_MS,
  sessionVerdict,
  STALL_TIMEOUT_MS,
} from "../../../actors/viewer/health.ts";

Deno.test("sessionVerdict() gives a session CONNECT_TIMEOUT_MS to connect", () => {
  const c = newSessionClock(0);
  assert.equal(sessionVerdict(c, CONNECT_TIMEOUT_MS), null);
  assert.equal(sessionVerdict(c, CONNECT_TIMEOUT_MS + 1), "connect_timeout");
});

Deno.test("sessionVerdict() ends a connected session whose browser talks but never acknowledges (the DTLS race)", () => {
  const c = newSessionClock(0);
  c.connectedMs = 400;
  for (let t = 450; t < 3500; t += 33) {
    onSent(c, t);
    // SRTCP arrives every second, but none of it decrypts: heard, never a decoded RTCP.
    if (t % 1000 < 33) onHeard(c, t);
  }
  assert.equal(sessionVerdict(c, 450 + DELIVERY_TIMEOUT_MS), null);
  assert.equal(sessionVerdict(c, 451 + DELIVERY_TIMEOUT_MS), "no_delivery");
});

Deno.test("sessionVerdict() calls a browser that says nothing after connecting gone, not a delivery failure", () => {
  const c = newSessionClock(0);
  c.connectedMs = 400;
  for (let t = 450; t < 3500; t += 33) onSent(c, t);
  assert.equal(sessionVerdict(c, 451 + DELIVERY_TIMEOUT_MS), "no_rtcp");
});

Deno.test("sessionVerdict() keeps a session whose receiver reports move, and calls it stalled when they stop for STALL_TIMEOUT_MS", () => {
  const c = newSessionClock(0);
  c.connectedMs = 400;
  let t = 450;
  for (; t < 20_000; t += 33) {
    onSent(c, t);
    if (t % 1000 < 33) onRtcp(c, t, true);
    assert.equal(sessionVerdict(c, t), null, `at ${t}`);
  }
  // Its reports stop moving while RTCP still arrives: packets leave, nothing acknowledges them.
  const last = t;
  for (; t < last + STALL_TIMEOUT_MS + 500; t += 33) {
    onSent(c, t);
    if (t % 1000 < 33) onRtcp(c, t, false);
    if (t <= c.lastProgressMs! + STALL_TIMEOUT_MS) {
      assert.equal(sessionVerdict(c, t), null, "a loaded browser");
    }
  }
  assert.equal(sessionVerdict(c, t), "stalled");
});

Deno.test("sessionVerdict() does not blame a viewer for a camera that sends nothing, until the browser is silent", () => {
  const c = newSessionClock(0);
  c.connectedMs = 400;
  onRtcp(c, 1000, true);
  // Nothing is sent (the camera stalled): no unacknowledged packets, no delivery verdict.
  assert.equal(sessionVerdict(c, 1000 + RTCP_TIMEOUT_MS), null);
  assert.equal(sessionVerdict(c, 1001 + RTCP_TIMEOUT_MS), "no_rtcp");
});
