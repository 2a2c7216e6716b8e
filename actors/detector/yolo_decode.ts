import type { Candidates } from "./candidates.ts";
import { inputToFrameX, inputToFrameY, type LetterboxGeometry } from "./letterbox.ts";

/**
 * Scratch for decoding a YOLOv8/YOLO11 output [1, 4 + C, N]: channel-major,
 * rows cx, cy, w, h (model-input pixels) then C class scores (already
 * sigmoid-ed, no objectness row), one column per anchor.
 */
export interface DecodeState {
  classes: number;
  anchors: number;
  /** Best allowed class score per anchor. */
  best: Float32Array;
  bestClass: Int32Array;
}

/** Scratch for a model with `classes` classes and `anchors` anchors. */
export function createDecodeState(classes: number, anchors: number): DecodeState {
  return { classes, anchors, best: new Float32Array(anchors), bestClass: new Int32Array(anchors) };
}

/** What {@linkcode decodeYolo} keeps. */
export interface DecodeOptions {
  /** Least class score (0..1) that keeps an anchor. */
  confidence: number;
  /** 1 for each class id that may be reported, 0 otherwise; all classes when absent. */
  allowed?: Uint8Array;
  /** Where the frame sits in the model input; boxes come out in frame pixels, clipped to the frame. */
  geometry: LetterboxGeometry;
}

/**
 * Decodes `output` into `out`: for each anchor its best allowed class, kept
 * when the score reaches the confidence. Class rows are scanned one after
 * another (contiguous reads over the [4 + C, N] layout) into per-anchor
 * maxima, then boxes are read for the anchors that passed. Returns the
 * candidate count.
 */
export function decodeYolo(
  state: DecodeState,
  output: Float32Array,
  options: DecodeOptions & { out: Candidates },
): number {
  const { classes, anchors: n, best, bestClass } = state;
  const { confidence, allowed, geometry: g, out } = options;
  if (output.length !== (4 + classes) * n) {
    throw new RangeError(
      `Expected a [1, ${4 + classes}, ${n}] output, got ${output.length} values`,
    );
  }
  best.fill(-1);
  for (let c = 0; c < classes; c++) {
    if (allowed !== undefined && allowed[c] === 0) continue;
    const row = (4 + c) * n;
    for (let i = 0; i < n; i++) {
      const s = output[row + i];
      if (s > best[i]) {
        best[i] = s;
        bestClass[i] = c;
      }
    }
  }
  const maxX = g.srcWidth, maxY = g.srcHeight;
  let count = 0;
  for (let i = 0; i < n && count < out.capacity; i++) {
    const s = best[i];
    if (!(s >= confidence)) continue;
    const cx = output[i],
      cy = output[n + i],
      hw = output[2 * n + i] / 2,
      hh = output[3 * n + i] / 2;
    const x1 = clamp(inputToFrameX(g, cx - hw), maxX);
    const x2 = clamp(inputToFrameX(g, cx + hw), maxX);
    const y1 = clamp(inputToFrameY(g, cy - hh), maxY);
    const y2 = clamp(inputToFrameY(g, cy + hh), maxY);
    if (!(x2 > x1 && y2 > y1)) continue; // empty, inverted or NaN, or wholly in the bars
    out.x1[count] = x1;
    out.y1[count] = y1;
    out.x2[count] = x2;
    out.y2[count] = y2;
    out.score[count] = s;
    out.classId[count] = bestClass[i];
    count++;
  }
  out.count = count;
  out.kept = 0;
  return count;
}

function clamp(v: number, max: number): number {
  return v < 0 ? 0 : v > max ? max : v;
}
