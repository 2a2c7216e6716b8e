import assert from "node:assert/strict";
import { type AuAction, planAccessUnit } from "../../../actors/recorder/mod.ts";

const S = 1e9;
const OPTS = { segmentNs: 10 * S, toleranceNs: S / 60 };

// [segment start or null, pts, keyframe, gap, want] → [action, overdue]
const CASES: [number | null, number, boolean, boolean, boolean, AuAction, boolean][] = [
  [null, 0, true, false, true, "open", false],
  [null, 0, false, false, true, "drop", false], // wait for a keyframe
  [null, 0, true, false, false, "drop", false], // not wanted
  [0, 1 * S, false, false, true, "push", false],
  [0, 1 * S, true, false, true, "push", false], // a keyframe inside the segment length
  [0, 10 * S - S / 100, true, false, true, "cut", false], // a keyframe a jitter early still cuts
  [0, 10 * S - S / 30, true, false, true, "push", false], // a whole frame early does not
  [0, 10 * S, true, false, true, "cut", false],
  [0, 15 * S, false, false, true, "push", false], // past the length: wait for a keyframe
  [0, 20 * S, false, false, true, "push", true], // twice the length: ask for one
  [0, 3 * S, false, false, false, "close", false], // not wanted any more
  [0, 3 * S, false, true, true, "close", false], // a gap before a delta frame
  [0, 3 * S, true, true, true, "cut", false], // a gap at a keyframe: next segment
  [5 * S, 3 * S, true, false, true, "cut", false], // time went backwards (a new stream)
];

Deno.test("planAccessUnit() opens on a keyframe, cuts at the segment length, and ends a segment at a gap", () => {
  for (const [start, pts, keyframe, gap, want, action, overdue] of CASES) {
    const plan = planAccessUnit(start, { ptsNs: pts, keyframe, gap }, { ...OPTS, want });
    assert.deepEqual(
      plan,
      { action, overdue },
      `start ${start} pts ${pts} key ${keyframe} gap ${gap} want ${want}`,
    );
  }
});
