import { checkFrameSize } from "./frame.ts";

/**
 * The background model: a running average of the gray level per pixel,
 * `mean += alpha * (gray - mean)`. Every pixel updates, moving or not, so a
 * parked car or a moved chair is absorbed after roughly 3 / alpha frames
 * instead of leaving a ghost that never clears.
 */
export interface Background {
  width: number;
  height: number;
  mean: Float32Array;
  /** False until the first frame is copied in; a fresh model has nothing to compare with. */
  seeded: boolean;
}

/** A background model for `width` x `height` frames, not yet seeded. */
export function createBackground(width: number, height: number): Background {
  checkFrameSize(width, height);
  return { width, height, mean: new Float32Array(width * height), seeded: false };
}

/** Copies `gray` (at least width x height bytes, row-major) into the model. */
export function seedBackground(background: Background, gray: Uint8Array): void {
  const { mean } = background;
  for (let i = 0; i < mean.length; i++) mean[i] = gray[i];
  background.seeded = true;
}

/** Moves every pixel of the model a fraction `alpha` (0..1] of the way towards `gray`. */
export function updateBackground(background: Background, gray: Uint8Array, alpha: number): void {
  const { mean } = background;
  for (let i = 0; i < mean.length; i++) {
    const m = mean[i];
    mean[i] = m + alpha * (gray[i] - m);
  }
}
