import assert from "node:assert/strict";
import {
  FEC_OFF_AFTER_MS,
  FEC_OFF_LOSS,
  FEC_ON_LOSS,
  type FecMode,
  type FecState,
  fecStep,
  initialFec,
  MAX_PROTECTION,
  MIN_PROTECTION,
  protectionFor,
} from "../../../actors/viewer/fec_policy.ts";

/** Runs reports of [ms, loss] from a mode's first state; returns the protection after each. */
function run(mode: FecMode, reports: [number, number][]): number[] {
  let s: FecState = initialFec(mode);
  return reports.map(([ms, loss]) => (s = fecStep(s, mode, loss, ms)).protection);
}

Deno.test("auto: FEC turns on at the first report at 2 % loss, not below", () => {
  assert.deepEqual(run("auto", [[0, 0], [1000, 0.015], [2000, FEC_ON_LOSS]]), [
    0,
    0,
    MIN_PROTECTION,
  ]);
});

Deno.test("auto: FEC stays on through a short clean spell and a loss between the thresholds", () => {
  const p = run("auto", [
    [0, 0.05],
    [1000, 0],
    [5000, 0],
    [6000, 0.01], // above the off threshold: the clean spell starts again
    [7000, 0],
    [16_000, 0],
  ]);
  assert.ok(p.every((x) => x > 0), p.join(" "));
});

Deno.test("auto: FEC turns off after 10 s of reports at or under 0.5 %", () => {
  const p = run("auto", [
    [0, 0.05],
    [1000, FEC_OFF_LOSS],
    [1000 + FEC_OFF_AFTER_MS - 1, 0],
    [1000 + FEC_OFF_AFTER_MS, 0],
    [1000 + FEC_OFF_AFTER_MS + 1000, 0.015], // under the on threshold: stays off
  ]);
  assert.deepEqual(p.map((x) => x > 0), [true, true, true, false, false]);
});

Deno.test("the protection follows the smoothed loss within its bounds: one report's spike barely moves it", () => {
  assert.equal(protectionFor(0.02), MIN_PROTECTION);
  assert.equal(protectionFor(0.1), 0.4);
  assert.equal(protectionFor(0.5), MAX_PROTECTION);
  const spike = run("auto", [[0, 0.05], [100, 0.12]]);
  assert.equal(spike[0], MIN_PROTECTION);
  assert.ok(spike[1] < 0.27, `after one 12 % report: ${spike[1]}`);
  const steady = run("auto", Array.from({ length: 30 }, (_, i) => [i * 1000, 0.1]));
  assert.ok(Math.abs(steady[29] - 0.4) < 0.01, `30 reports at 10 %: ${steady[29]}`);
  assert.ok(steady.every((p, i) => i === 0 || p >= steady[i - 1]), "rises, never jumps back");
});

Deno.test("always is on from the start and never is off, whatever the reports say", () => {
  assert.ok(initialFec("always").protection > 0);
  assert.deepEqual(run("always", [[0, 0], [60_000, 0]]), [MIN_PROTECTION, MIN_PROTECTION]);
  assert.deepEqual(run("never", [[0, 0.3], [1000, 0.3]]), [0, 0]);
});
