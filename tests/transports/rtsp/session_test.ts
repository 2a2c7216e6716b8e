import assert from "node:assert/strict";
import {
  formatSession,
  sessionIdOf,
  type SessionMethod,
  step,
} from "../../../transports/rtsp/mod.ts";

Deno.test("step() follows RFC 2326's server state machine for one stream", () => {
  const table: [("ready" | "playing"), SessionMethod, string][] = [
    ["ready", "SETUP", "ready"],
    ["ready", "PLAY", "playing"],
    ["ready", "PAUSE", "ready"],
    ["ready", "TEARDOWN", "ended"],
    ["ready", "GET_PARAMETER", "ready"],
    ["playing", "PLAY", "playing"],
    ["playing", "PAUSE", "ready"],
    ["playing", "TEARDOWN", "ended"],
    ["playing", "GET_PARAMETER", "playing"],
    ["playing", "OPTIONS", "playing"],
    ["playing", "SETUP", "455"],
  ];
  for (const [state, method, want] of table) {
    const s = step(state, method);
    assert.equal(s.ok ? s.next : "455", want, `${method} in ${state}`);
  }
});

Deno.test("sessionIdOf() reads the id before ;timeout and refuses anything else", () => {
  assert.equal(sessionIdOf("0123456789ABCDEF;timeout=60"), "0123456789ABCDEF");
  assert.equal(sessionIdOf(" abc "), "abc");
  assert.equal(sessionIdOf(undefined), null);
  assert.equal(sessionIdOf("a b"), null);
  assert.equal(sessionIdOf("x".repeat(65)), null);
  assert.equal(formatSession("0123456789ABCDEF", 60), "0123456789ABCDEF;timeout=60");
});
