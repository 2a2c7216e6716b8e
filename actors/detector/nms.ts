import { checkInteger, checkNumber } from "./_check.ts";
import { sortByScoreDescending } from "./_sort.ts";
import type { Candidates } from "./candidates.ts";

/** How {@linkcode nms} suppresses. */
export interface NmsOptions {
  /** A box is dropped when it overlaps a better-scored kept box by more than this IoU (0..1). */
  iou: number;
  /** Most boxes kept. */
  maxDetections: number;
  /** Compare boxes of different classes too. Default false: class-aware. */
  agnostic?: boolean;
}

/** Intersection over union of candidates `i` and `j`, from their precomputed areas. */
export function candidateIou(c: Candidates, i: number, j: number): number {
  const w = Math.min(c.x2[i], c.x2[j]) - Math.max(c.x1[i], c.x1[j]);
  if (w <= 0) return 0;
  const h = Math.min(c.y2[i], c.y2[j]) - Math.max(c.y1[i], c.y1[j]);
  if (h <= 0) return 0;
  const inter = w * h;
  return inter / (c.area[i] + c.area[j] - inter);
}

/**
 * Greedy non-maximum suppression over `c.count` candidates: sort once by
 * score, then keep each box not yet suppressed and suppress the boxes of the
 * same class (any class when agnostic) that overlap it by more than `iou`.
 * Writes the kept indices, best first, to `c.keep`; returns their count.
 */
export function nms(c: Candidates, options: NmsOptions): number {
  const iou = checkNumber("iou", options.iou, 0, 1);
  const maxDetections = checkInteger(
    "maxDetections",
    options.maxDetections,
    1,
    Number.MAX_SAFE_INTEGER,
  );
  const agnostic = options.agnostic ?? false;
  const n = c.count;
  const { keep: order, suppressed, area, classId } = c;
  for (let i = 0; i < n; i++) {
    order[i] = i;
    suppressed[i] = 0;
    area[i] = (c.x2[i] - c.x1[i]) * (c.y2[i] - c.y1[i]);
  }
  sortByScoreDescending(order, c.score, n);
  let kept = 0;
  for (let a = 0; a < n && kept < maxDetections; a++) {
    const i = order[a];
    if (suppressed[i] === 1) continue;
    order[kept++] = i; // kept <= a, so positions still to be read are untouched
    for (let b = a + 1; b < n; b++) {
      const j = order[b];
      if (suppressed[j] === 1 || (!agnostic && classId[j] !== classId[i])) continue;
      if (candidateIou(c, i, j) > iou) suppressed[j] = 1;
    }
  }
  c.kept = kept;
  return kept;
}
