import assert from "node:assert/strict";
import {
  createCandidates,
  createDecodeState,
  decodeYolo,
  letterboxGeometry,
} from "../../../actors/detector/mod.ts";
import { yoloOutput } from "./_tensors.ts";

const geometry = letterboxGeometry(320, 180, { size: 640 }); // scale 2, bars of 140 rows top and bottom

function decode(
  output: Float32Array,
  n: number,
  options: { confidence?: number; allowed?: Uint8Array } = {},
) {
  const out = createCandidates(n);
  const count = decodeYolo(createDecodeState(80, n), output, {
    confidence: 0.25,
    geometry,
    out,
    ...options,
  });
  return Array.from({ length: count }, (_, i) => ({
    box: [out.x1[i], out.y1[i], out.x2[i], out.y2[i]],
    score: out.score[i],
    classId: out.classId[i],
  }));
}

Deno.test("decodeYolo() keeps anchors at or above the confidence and maps boxes back through the letterbox", () => {
  const output = yoloOutput([
    { cx: 320, cy: 320, w: 100, h: 50, scores: { 0: 0.9, 5: 0.3 } },
    { cx: 100, cy: 200, w: 20, h: 20, scores: { 3: 0.25 } },
    { cx: 500, cy: 400, w: 20, h: 20, scores: { 7: 0.2499 } },
  ]);
  const got = decode(output, 3);
  assert.equal(got.length, 2);
  assert.deepEqual(got[0].box, [135, 77.5, 185, 102.5]);
  assert.equal(got[0].classId, 0);
  assert.ok(Math.abs(got[0].score - 0.9) < 1e-6);
  assert.deepEqual(got[1].box, [45, 25, 55, 35]);
  assert.equal(got[1].classId, 3);
});

Deno.test("decodeYolo() takes each anchor's best allowed class", () => {
  const output = yoloOutput([{
    cx: 320,
    cy: 320,
    w: 10,
    h: 10,
    scores: { 0: 0.9, 2: 0.6, 9: 0.1 },
  }]);
  assert.equal(decode(output, 1)[0].classId, 0);
  const allowed = new Uint8Array(80);
  allowed[2] = allowed[9] = 1;
  const got = decode(output, 1, { allowed });
  assert.equal(got[0].classId, 2);
  assert.ok(Math.abs(got[0].score - 0.6) < 1e-6);
  allowed[2] = 0;
  assert.deepEqual(decode(output, 1, { allowed }), [], "0.1 from class 9 is under the confidence");
});

Deno.test("decodeYolo() clips boxes to the frame and drops boxes that lie in the bars", () => {
  const output = yoloOutput([
    { cx: 10, cy: 150, w: 40, h: 40, scores: { 1: 0.8 } }, // crosses the left edge and the top bar
    { cx: 320, cy: 60, w: 100, h: 100, scores: { 1: 0.8 } }, // wholly in the top bar
    { cx: 320, cy: 320, w: 0, h: 10, scores: { 1: 0.8 } }, // empty
  ]);
  assert.deepEqual(decode(output, 3), [{
    box: [0, 0, 15, 15],
    score: Math.fround(0.8),
    classId: 1,
  }]);
});

Deno.test("decodeYolo() rejects an output of the wrong size", () => {
  assert.throws(
    () =>
      decodeYolo(createDecodeState(80, 10), new Float32Array(84 * 9), {
        confidence: 0.25,
        geometry,
        out: createCandidates(10),
      }),
    { name: "RangeError", message: /\[1, 84, 10\] output, got 756 values/ },
  );
});
