import assert from "node:assert/strict";
import { LoopLag, STARVED_MS } from "../../../actors/viewer/loop_lag.ts";

Deno.test("LoopLag smooths how late the tick runs and recovers when it runs on time again", () => {
  const idle = new LoopLag(50, 0);
  for (let t = 50; t <= 5000; t += 51) idle.tick(t);
  assert.ok(idle.lagMs < 1.01);
  const busy = new LoopLag(50, 0);
  let t = 0;
  for (let i = 0; i < 40; i++) busy.tick(t += 50 + 80);
  assert.ok(busy.lagMs > 60);
  for (let i = 0; i < 60; i++) busy.tick(t += 50);
  assert.ok(busy.lagMs < 1, "it recovers");
});

Deno.test("LoopLag.starved() holds for a moment after a tick more than STARVED_MS late", () => {
  const lag = new LoopLag(50, 0);
  lag.tick(50);
  assert.equal(lag.starved(50), false);
  lag.tick(50 + 50 + STARVED_MS + 1);
  assert.equal(lag.starved(601 + 50), true);
  assert.equal(lag.starved(601 + 50 + STARVED_MS), false);
});
