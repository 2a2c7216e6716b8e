/**
 * Boxes that passed the confidence threshold, as parallel arrays in frame
 * pixels (x1, y1 top-left; x2, y2 bottom-right). Sized once for the model's
 * anchor count, so decoding and NMS allocate nothing.
 */
export interface Candidates {
  capacity: number;
  count: number;
  x1: Float32Array;
  y1: Float32Array;
  x2: Float32Array;
  y2: Float32Array;
  score: Float32Array;
  classId: Int32Array;
  /** Indices of the kept candidates after NMS, best first; `kept` of them are valid. */
  keep: Int32Array;
  kept: number;
  /** NMS scratch. */
  area: Float32Array;
  suppressed: Uint8Array;
}

/** Candidates for up to `capacity` boxes. */
export function createCandidates(capacity: number): Candidates {
  return {
    capacity,
    count: 0,
    x1: new Float32Array(capacity),
    y1: new Float32Array(capacity),
    x2: new Float32Array(capacity),
    y2: new Float32Array(capacity),
    score: new Float32Array(capacity),
    classId: new Int32Array(capacity),
    keep: new Int32Array(capacity),
    kept: 0,
    area: new Float32Array(capacity),
    suppressed: new Uint8Array(capacity),
  };
}
