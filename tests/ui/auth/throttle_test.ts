import assert from "node:assert/strict";
import { LoginThrottle, MAX_FAILURES, MAX_TRACKED, WINDOW_MS } from "../../../ui/auth/throttle.ts";

Deno.test("LoginThrottle lets an address fail MAX_FAILURES times, then says how long to wait", () => {
  const t = new LoginThrottle();
  const t0 = 1_000_000;
  for (let i = 0; i < MAX_FAILURES; i++) {
    assert.equal(t.retryAfterS("10.0.0.1", t0 + i * 1000), 0);
    t.fail("10.0.0.1", t0 + i * 1000);
  }
  assert.equal(t.retryAfterS("10.0.0.1", t0 + 5000), Math.ceil((WINDOW_MS - 5000) / 1000));
  assert.equal(t.retryAfterS("10.0.0.2", t0 + 5000), 0, "other addresses are not affected");
  // Once the oldest failure leaves the window, one more try is allowed.
  assert.equal(t.retryAfterS("10.0.0.1", t0 + WINDOW_MS), 0);
  assert.ok(t.retryAfterS("10.0.0.1", t0 + WINDOW_MS - 1) >= 1);
});

Deno.test("LoginThrottle forgets an address's failures after a successful login", () => {
  const t = new LoginThrottle();
  for (let i = 0; i < MAX_FAILURES; i++) t.fail("a", i);
  assert.ok(t.retryAfterS("a", 10) > 0);
  t.succeed("a");
  assert.equal(t.retryAfterS("a", 10), 0);
});

Deno.test("LoginThrottle tracks at most MAX_TRACKED addresses, forgetting the oldest", () => {
  const t = new LoginThrottle();
  for (let i = 0; i < MAX_FAILURES; i++) t.fail("first", i);
  for (let i = 0; i < MAX_TRACKED; i++) t.fail(`spray-${i}`, 100);
  assert.equal(t.retryAfterS("first", 200), 0);
});
