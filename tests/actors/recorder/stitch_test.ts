import assert from "node:assert/strict";
import { RangeTrimmer } from "../../../actors/recorder/mod.ts";

Deno.test("RangeTrimmer keeps the GOP that holds the start and stops before the end", () => {
  const t = new RangeTrimmer({ fromMs: 1000, toMs: 2000 });
  // 10 fps, a keyframe every 300 ms, from 0 ms.
  const actions = [];
  for (let ms = 0; ms < 2500; ms += 100) actions.push(t.next(ms, ms % 300 === 0));
  assert.deepEqual(actions.slice(0, 10), [
    "restart", // 0
    "hold",
    "hold",
    "restart", // 300
    "hold",
    "hold",
    "restart", // 600
    "hold",
    "hold",
    "restart", // 900: the keyframe before 1000 ms starts the output
  ]);
  assert.deepEqual(actions.slice(10, 20), new Array(10).fill("emit")); // 1000 … 1900
  assert.equal(actions[20], "end"); // 2000
  assert.equal(t.started, true);
});

Deno.test("RangeTrimmer refuses an empty range", () => {
  assert.throws(() => new RangeTrimmer({ fromMs: 5, toMs: 5 }), RangeError);
});
