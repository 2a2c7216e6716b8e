import assert from "node:assert/strict";
import {
  createRateLimit,
  finishDetection,
  tryStartDetection,
} from "../../../actors/detector/mod.ts";

Deno.test("tryStartDetection() allows at most maxFps starts per second", () => {
  const limit = createRateLimit({ maxFps: 2 });
  const starts: number[] = [];
  for (let t = 0; t <= 3000; t += 50) {
    if (tryStartDetection(limit, t)) {
      starts.push(t);
      finishDetection(limit, t + 10);
    }
  }
  assert.deepEqual(starts, [0, 500, 1000, 1500, 2000, 2500, 3000]);
});

Deno.test("tryStartDetection() never overlaps runs and keeps a slow model under maxBusy", () => {
  const limit = createRateLimit({ maxFps: 30, maxBusy: 0.25 });
  assert.equal(tryStartDetection(limit, 0), true);
  assert.equal(tryStartDetection(limit, 100), false, "still running");
  finishDetection(limit, 300); // took 300 ms: wait 900 ms more
  assert.equal(tryStartDetection(limit, 1199), false);
  assert.equal(tryStartDetection(limit, 1200), true);
  // Over a long run the busy share stays at or under 25 %.
  let busy = 0, t = 1200;
  finishDetection(limit, t + 300);
  busy += 300;
  for (t = 1500; t < 60_000; t += 10) {
    if (tryStartDetection(limit, t)) {
      finishDetection(limit, t + 300);
      busy += 300;
    }
  }
  assert.ok(busy / t <= 0.25 + 300 / t, `busy share ${busy / t}`);
  assert.ok(busy / t > 0.2, `busy share ${busy / t}`);
});

Deno.test("tryStartDetection() with onlyOnMotion waits for motion", () => {
  const limit = createRateLimit({ maxFps: 5, onlyOnMotion: true });
  assert.equal(tryStartDetection(limit, 0, false), false);
  assert.equal(tryStartDetection(limit, 10, true), true);
  finishDetection(limit, 20);
  assert.equal(tryStartDetection(limit, 300, false), false);
  assert.equal(tryStartDetection(limit, 300, true), true);
});

Deno.test("createRateLimit() and finishDetection() reject misuse", () => {
  assert.throws(() => createRateLimit({ maxFps: 0 }), {
    name: "RangeError",
    message: /"maxFps".*got 0/,
  });
  assert.throws(() => createRateLimit({ maxBusy: 1.5 }), {
    name: "RangeError",
    message: /"maxBusy".*got 1.5/,
  });
  assert.throws(() => finishDetection(createRateLimit(), 0), { message: /no detection running/ });
});
