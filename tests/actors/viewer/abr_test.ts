import assert from "node:assert/strict";
import {
  ABR_STEP_MS,
  type AbrState,
  initialAbr,
  nextAbr,
  type ViewerSignal,
} from "../../../actors/viewer/abr.ts";

const limits = { minKbps: 1000, maxKbps: 8000, startKbps: 2000 };

function signal(over: Partial<ViewerSignal> = {}): ViewerSignal {
  return { fractionLost: 0, jitterMs: 2, rembKbps: null, atMs: 900, ...over };
}

function step(state: AbrState, signals: ViewerSignal[], streamKbps: number, nowMs = 1000) {
  return nextAbr(state, signals, { limits, nowMs, streamKbps });
}

const at0: AbrState = { kbps: 2000, changedAtMs: 0 };

Deno.test("nextAbr() starts at the configured rate and returns to it when nobody watches", () => {
  assert.deepEqual(initialAbr(limits, 5), { kbps: 2000, changedAtMs: 5 });
  assert.deepEqual(step({ kbps: 6400, changedAtMs: 0 }, [], 6000), {
    kbps: 2000,
    changedAtMs: 1000,
  });
  assert.equal(step(at0, [], 0), at0, "unchanged state is returned as is");
});

Deno.test("nextAbr() backs off by half the loss above 10 % and holds between 2 % and 10 %", () => {
  assert.equal(step(at0, [signal({ fractionLost: 0.2 })], 2000).kbps, 1800);
  assert.equal(step(at0, [signal({ fractionLost: 0.05 })], 2000).kbps, 2000);
  // The worst viewer sets the pace for all of them.
  assert.equal(step(at0, [signal(), signal({ fractionLost: 0.5 })], 2000).kbps, 1500);
  assert.equal(
    step({ kbps: 1100, changedAtMs: 0 }, [signal({ fractionLost: 0.9 })], 1100).kbps,
    1000,
  );
});

Deno.test("nextAbr() grows 8 % per step without loss, up to 1.5 × what the stream carries and the max", () => {
  assert.equal(step(at0, [signal()], 2000).kbps, 2160);
  // A still scene carries 200 kbps: no reason to raise the encoder's target.
  assert.equal(step(at0, [signal()], 200).kbps, 2000);
  assert.equal(step(at0, [signal()], 1400).kbps, 2100);
  assert.equal(step({ kbps: 7900, changedAtMs: 0 }, [signal()], 7900).kbps, 8000);
  assert.equal(step(at0, [signal({ jitterMs: 45 })], 2000).kbps, 2000, "jitter holds growth");
});

Deno.test("nextAbr() moves once per step and only on a report newer than the last move", () => {
  const moved = step(at0, [signal()], 2000, 1000);
  assert.equal(moved.kbps, 2160);
  assert.equal(step(moved, [signal({ atMs: 1500 })], 2160, 1000 + ABR_STEP_MS - 1), moved);
  assert.equal(step(moved, [signal({ atMs: 900 })], 2160, 1000 + ABR_STEP_MS), moved, "old report");
  assert.equal(step(moved, [signal({ atMs: 1500 })], 2160, 1000 + ABR_STEP_MS).kbps, 2333);
  // A report older than five seconds does not count at all.
  assert.equal(step(at0, [signal({ atMs: -5000, fractionLost: 0.5 })], 2000).kbps, 2000);
});

Deno.test("nextAbr() takes a REMB below the stream's real rate at once, and ignores one above it", () => {
  const congested = nextAbr(at0, [signal({ rembKbps: 1400, atMs: 0 })], {
    limits,
    nowMs: 10,
    streamKbps: 2000,
  });
  assert.equal(congested.kbps, 1400, "no step interval for a cap");
  assert.equal(step(at0, [signal({ rembKbps: 300 })], 200).kbps, 2000, "app-limited estimate");
  assert.equal(step(at0, [signal({ rembKbps: 500 })], 2000).kbps, 1000, "clamped to the minimum");
});
