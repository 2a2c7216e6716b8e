import type { Background } from "./background.ts";

/** The changed-pixel mask of one frame and the sums taken on the way. */
export interface ChangeMask {
  width: number;
  height: number;
  /** 1 where |gray - background| > threshold, else 0. */
  bits: Uint8Array;
  /** `bits` seen as 32-bit words (four pixels each), for the packed opening. */
  words: Uint32Array;
  /** Pixels set in `bits`. */
  changed: number;
  /** Mean gray level of the frame. */
  frameMean: number;
  /** Mean gray level of the background model it was compared with. */
  backgroundMean: number;
}

/** A change mask for `width` x `height` frames. */
export function createChangeMask(width: number, height: number): ChangeMask {
  // Rounded up to whole words so the word view always covers every pixel.
  const bits = new Uint8Array(
    new ArrayBuffer(Math.ceil((width * height) / 4) * 4),
    0,
    width * height,
  );
  return {
    width,
    height,
    bits,
    words: new Uint32Array(bits.buffer),
    changed: 0,
    frameMean: 0,
    backgroundMean: 0,
  };
}

/**
 * Marks the pixels of `gray` that differ from the background by more than
 * `threshold` gray levels (1..255), and takes both means in the same pass.
 * With `alpha`, the same pass then moves the background towards the frame
 * as `updateBackground()` does (one pass over both arrays instead
 * of two; the comparison still uses the background from before).
 */
export function differenceMask(
  out: ChangeMask,
  gray: Uint8Array,
  options: { background: Background; threshold: number; alpha?: number },
): ChangeMask {
  const { background: { mean }, threshold, alpha = 0 } = options;
  const bits = out.bits;
  const n = bits.length;
  let changed = 0, sumFrame = 0, sumBackground = 0;
  for (let i = 0; i < n; i++) {
    const g = gray[i];
    const b = mean[i];
    const d = g - b;
    sumFrame += g;
    sumBackground += b;
    const c = d > threshold || d < -threshold ? 1 : 0;
    bits[i] = c;
    changed += c;
    mean[i] = b + alpha * d;
  }
  out.changed = changed;
  out.frameMean = sumFrame / n;
  out.backgroundMean = sumBackground / n;
  return out;
}
