import assert from "node:assert/strict";
import {
  candidateIou,
  type Candidates,
  createCandidates,
  nms,
} from "../../../actors/detector/mod.ts";
import { seededRandom } from "./_onnx.ts";

type Box = [x1: number, y1: number, x2: number, y2: number, score: number, classId: number];

function candidates(boxes: Box[]): Candidates {
  const c = createCandidates(Math.max(1, boxes.length));
  boxes.forEach(([x1, y1, x2, y2, score, classId], i) => {
    c.x1[i] = x1;
    c.y1[i] = y1;
    c.x2[i] = x2;
    c.y2[i] = y2;
    c.score[i] = score;
    c.classId[i] = classId;
  });
  c.count = boxes.length;
  return c;
}

function kept(
  c: Candidates,
  options: { iou?: number; agnostic?: boolean; maxDetections?: number } = {},
): number[] {
  const n = nms(c, { iou: 0.45, maxDetections: 100, ...options });
  return Array.from(c.keep.subarray(0, n));
}

Deno.test("nms() keeps the best of overlapping boxes of one class, best first", () => {
  const c = candidates([
    [0, 0, 10, 10, 0.6, 0],
    [1, 1, 11, 11, 0.9, 0],
    [50, 50, 60, 60, 0.7, 0],
    [0, 0, 10, 9, 0.8, 0],
  ]);
  assert.deepEqual(kept(c), [1, 2]);
  assert.equal(c.kept, 2);
});

Deno.test("nms() suppresses only above the IoU threshold (strictly)", () => {
  // IoU of [0,0,10,10] and [0,0,10,20] is 100 / 200 = 0.5.
  const boxes: Box[] = [[0, 0, 10, 10, 0.9, 0], [0, 0, 10, 20, 0.8, 0]];
  const c = candidates(boxes);
  kept(c);
  assert.equal(candidateIou(c, 0, 1), 0.5);
  assert.deepEqual(kept(candidates(boxes), { iou: 0.5 }), [0, 1]);
  assert.deepEqual(kept(candidates(boxes), { iou: 0.49 }), [0]);
});

Deno.test("nms() is class-aware unless agnostic", () => {
  const boxes: Box[] = [[0, 0, 10, 10, 0.9, 0], [0, 0, 10, 10, 0.8, 2], [0, 0, 10, 10, 0.7, 0]];
  assert.deepEqual(kept(candidates(boxes)), [0, 1]);
  assert.deepEqual(kept(candidates(boxes), { agnostic: true }), [0]);
});

Deno.test("nms() is greedy: a box suppressed does not suppress others", () => {
  // A overlaps B, B overlaps C, A does not overlap C.
  const boxes: Box[] = [[0, 0, 10, 10, 0.9, 0], [5, 0, 15, 10, 0.8, 0], [10, 0, 20, 10, 0.7, 0]];
  assert.deepEqual(kept(candidates(boxes), { iou: 0.3 }), [0, 2]);
});

Deno.test("nms() caps at maxDetections and breaks score ties by index", () => {
  const boxes: Box[] = Array.from(
    { length: 6 },
    (_, i) => [i * 20, 0, i * 20 + 10, 10, i < 3 ? 0.5 : 0.9, 0],
  );
  assert.deepEqual(kept(candidates(boxes)), [3, 4, 5, 0, 1, 2]);
  assert.deepEqual(kept(candidates(boxes), { maxDetections: 4 }), [3, 4, 5, 0]);
  assert.deepEqual(kept(candidates([])), []);
});

Deno.test("nms() with IoU 1 keeps every disjoint box in score order, as a reference sort would", () => {
  const random = seededRandom(7);
  const boxes: Box[] = Array.from(
    { length: 1000 },
    (_, i) => [i, i, i + 0.5, i + 0.5, Math.round(random() * 50) / 50, i % 3],
  );
  const reference = boxes.map((b, i) => [b[4], i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map((
    [, i],
  ) => i);
  assert.deepEqual(kept(candidates(boxes), { iou: 1, maxDetections: 1000 }), reference);
});

Deno.test("nms() rejects bad options, quoting them", () => {
  assert.throws(() => nms(candidates([]), { iou: 1.5, maxDetections: 1 }), {
    name: "RangeError",
    message: /"iou".*1.5/,
  });
  assert.throws(() => nms(candidates([]), { iou: 0.5, maxDetections: 0 }), {
    name: "RangeError",
    message: /"maxDetections".*got 0/,
  });
});
