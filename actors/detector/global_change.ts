import type { ChangeMask } from "./difference.ts";

/** Limits past which a frame is a global change (lights, IR switch, exposure) rather than motion. */
export interface GlobalChangeLimits {
  /** Largest shift of the mean gray level from the background's, in gray levels (0..255). */
  maxShift: number;
  /** Largest fraction (0..1) of the whole frame's pixels that may change. */
  maxFraction: number;
}

/** The mean brightness shift of a change mask, in gray levels. */
export function meanShift(change: ChangeMask): number {
  return Math.abs(change.frameMean - change.backgroundMean);
}

/** The fraction of the frame's pixels marked changed. */
export function changedFraction(change: ChangeMask): number {
  return change.changed / change.bits.length;
}

/**
 * Whether a frame changed as a whole: its mean brightness moved more than
 * `maxShift` levels, or more than `maxFraction` of its pixels changed. Such a
 * frame says nothing about motion; the caller re-seeds the background.
 */
export function isGlobalChange(change: ChangeMask, limits: GlobalChangeLimits): boolean {
  return meanShift(change) > limits.maxShift || changedFraction(change) > limits.maxFraction;
}
