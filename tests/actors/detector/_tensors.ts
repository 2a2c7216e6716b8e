// Crafted YOLOv8 outputs: [1, 4 + C, N], channel-major.

/** One anchor of a crafted output: box in model-input pixels and its class scores. */
export interface Anchor {
  cx: number;
  cy: number;
  w: number;
  h: number;
  scores: Record<number, number>;
}

/** The output's data for `anchors`, with `classes` class rows (other scores 0). */
export function yoloOutput(anchors: Anchor[], classes = 80): Float32Array {
  const n = anchors.length;
  const out = new Float32Array((4 + classes) * n);
  anchors.forEach((a, i) => {
    out[i] = a.cx;
    out[n + i] = a.cy;
    out[2 * n + i] = a.w;
    out[3 * n + i] = a.h;
    for (const [c, s] of Object.entries(a.scores)) out[(4 + Number(c)) * n + i] = s;
  });
  return out;
}
