/**
 * A camera's `[detection]` config as the detector core's options. Pure:
 * the actor's Worker and the tests build the same objects from config.
 *
 * @module
 */
import type { CameraDetectionConfig } from "../defs.ts";
import type { PixelRect } from "../camera/timecode.ts";
import type { MotionOptions } from "./motion.ts";
import type { YoloOptions } from "./model.ts";
import type { RateLimitOptions } from "./rate_limit.ts";
import type { Zone } from "./zones.ts";

/** The zones as the detector core takes them. */
export function zonesOf(det: CameraDetectionConfig): Zone[] {
  return det.zones.map((z) => {
    const zone: Zone = { name: z.name, polygon: z.polygon.map(([x, y]) => [x, y]) };
    if (z.minArea !== undefined) zone.minArea = z.minArea;
    if (z.classes !== undefined) zone.classes = [...z.classes];
    return zone;
  });
}

/**
 * Motion options; `threshold` and `min_area` of 0 mean "from sensitivity".
 * `stamp` is the camera's timecode stamp in detector pixels, from
 * `timecodeRegion()`, or null.
 */
export function motionOptions(
  det: CameraDetectionConfig,
  stamp: PixelRect | null = null,
): MotionOptions {
  const options: MotionOptions = {
    sensitivity: det.sensitivity,
    endMs: det.end_ms,
    startFrames: det.start_frames,
    zones: zonesOf(det),
    masks: det.masks.map((m) => m.map(([x, y]) => [x, y])),
    stamp,
  };
  if (det.threshold > 0) options.threshold = det.threshold;
  if (det.min_area > 0) options.minArea = det.min_area;
  return options;
}

/** YOLO options (labels come from a file, read by the caller, or the model). */
export function yoloOptions(det: CameraDetectionConfig, labels?: readonly string[]): YoloOptions {
  const options: YoloOptions = {
    confidence: det.confidence,
    iou: det.iou,
    zones: zonesOf(det),
    masks: det.masks.map((m) => m.map(([x, y]) => [x, y])),
  };
  if (det.classes.length > 0) options.classes = det.classes;
  if (labels !== undefined) options.labels = labels;
  return options;
}

/** When object detection may run. */
export function rateLimitOptions(det: CameraDetectionConfig): RateLimitOptions {
  return {
    maxFps: det.max_fps,
    maxBusy: det.max_busy,
    // Motion must be on for "only on motion" to mean anything; without it, detect always.
    onlyOnMotion: det.only_on_motion && det.motion,
  };
}
