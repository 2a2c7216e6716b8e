/**
 * Where the camera's timecode stamp (actors/camera/timecode.ts) lands in the
 * detector's frames. The stamp changes on every frame, so motion must never
 * look there: the region is masked like a user's mask, with no config.
 *
 * The camera shrinks each frame for the detector by averaging boxes
 * (actors/camera/downscale.ts): output column i covers source columns
 * floor(i·sw/dw) up to floor((i+1)·sw/dw). Every output pixel whose box
 * touches the stamp is in the region:
 *
 *   source  ┌────────┬──────────────┐   stamp [0, x1) × [0, y1)
 *           │ stamp  │              │
 *           ├────────┘              │   →  [0, ceil(x1·dw/sw)) × [0, ceil(y1·dh/sh))
 *           │                       │      plus STAMP_MARGIN_PX
 *           └───────────────────────┘
 *
 * @module
 */
import type { CameraConfig } from "../defs.ts";
import { type PixelRect, timecodeRect } from "../camera/timecode.ts";

/**
 * Pixels added around the stamp's region on each side. Reason: the box
 * average never reaches past the boxes above, but a filtering scaler (a
 * bilinear one, as GStreamer's videoscale is by default) blends the stamp's
 * edge into the next pixel; one pixel of a detector frame is cheap to lose.
 */
export const STAMP_MARGIN_PX = 1;

/** What {@linkcode timecodeRegion} reads of a camera's config. */
export interface StampedCamera {
  timecode: CameraConfig["timecode"];
  width: number;
  height: number;
  detection: { width: number; height: number };
}

/**
 * The stamp's rectangle in the detector's `detection.width` x
 * `detection.height` frames, or null when the camera stamps nothing.
 */
export function timecodeRegion(camera: StampedCamera): PixelRect | null {
  if (!camera.timecode) return null;
  const rect = timecodeRect(camera.width, camera.height);
  if (rect === null) return null;
  const { width: sw, height: sh } = camera;
  const { width: dw, height: dh } = camera.detection;
  return {
    x0: Math.max(0, Math.floor((rect.x0 * dw) / sw) - STAMP_MARGIN_PX),
    y0: Math.max(0, Math.floor((rect.y0 * dh) / sh) - STAMP_MARGIN_PX),
    x1: Math.min(dw, Math.ceil((rect.x1 * dw) / sw) + STAMP_MARGIN_PX),
    y1: Math.min(dh, Math.ceil((rect.y1 * dh) / sh) + STAMP_MARGIN_PX),
  };
}
