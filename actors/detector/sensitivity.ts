import { checkNumber } from "./_check.ts";

/** The motion sensitivity used when none is configured. */
export const DEFAULT_SENSITIVITY = 0.5;

/**
 * Maps a sensitivity from 0 (least) to 1 (most) to the two settings it
 * stands for: the per-pixel gray-level threshold, linear from 45 down to 15,
 * and the minimum moving area, logarithmic from 2 % down to 0.2 % of a zone
 * (0.63 % at the default 0.5: a 19x19 blob on a 320x180 frame).
 */
export function sensitivitySettings(sensitivity: number): { threshold: number; minArea: number } {
  checkNumber("sensitivity", sensitivity, 0, 1);
  return {
    threshold: Math.round(45 - 30 * sensitivity),
    minArea: 0.02 * Math.pow(0.1, sensitivity),
  };
}
