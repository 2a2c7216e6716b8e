/**
 * Detection core: motion and YOLO object detection as pure, preallocated
 * functions over raw frames. The detector actor's Worker reads frames from
 * its ring, calls {@linkcode MotionDetector.step}, asks the rate limiter
 * whether to run {@linkcode YoloModel.detect}, and posts the events.
 *
 * @module
 */
export { type Box, unionBox } from "./box.ts";
export { checkFrame, type DetectorFrame, MAX_FRAME_SIDE } from "./frame.ts";
export {
  checkPolygon,
  MAX_POLYGON_POINTS,
  pointInPolygon,
  type Polygon,
  rasterisePolygon,
} from "./polygon.ts";
export {
  checkMasks,
  checkZones,
  DEFAULT_ZONE,
  layoutZones,
  MAX_ZONES,
  type Zone,
  type ZoneLayout,
  type ZoneRaster,
} from "./zones.ts";

// Motion, step by step.
export {
  type Background,
  createBackground,
  seedBackground,
  updateBackground,
} from "./background.ts";
export { type ChangeMask, createChangeMask, differenceMask } from "./difference.ts";
export { openMask, openMaskPacked } from "./cleanup.ts";
export {
  changedFraction,
  type GlobalChangeLimits,
  isGlobalChange,
  meanShift,
} from "./global_change.ts";
export { clearReadings, createReadings, measureZones, type ZoneReading } from "./measure.ts";
export { DEFAULT_SENSITIVITY, sensitivitySettings } from "./sensitivity.ts";
export {
  createZoneState,
  endZone,
  type Hysteresis,
  stepZoneState,
  type ZoneMotionState,
} from "./motion_state.ts";
export type {
  GlobalChangeEvent,
  MotionEndEvent,
  MotionEvent,
  MotionStartEvent,
} from "./motion_events.ts";
// Motion, assembled.
export {
  MotionDetector,
  type MotionOptions,
  type MotionSettings,
  type MotionStep,
  type MotionStepKind,
} from "./motion.ts";

// Objects.
export {
  inputToFrameX,
  inputToFrameY,
  Letterbox,
  type LetterboxGeometry,
  letterboxGeometry,
  MAX_INPUT_SIZE,
  PAD_VALUE,
} from "./letterbox.ts";
export { type Candidates, createCandidates } from "./candidates.ts";
export {
  createDecodeState,
  type DecodeOptions,
  type DecodeState,
  decodeYolo,
} from "./yolo_decode.ts";
export { candidateIou, nms, type NmsOptions } from "./nms.ts";
export { COCO_LABELS, MAX_LABELS, parseLabels, parseUltralyticsNames } from "./labels.ts";
export { type Detection, detectionZones } from "./detection.ts";
export { ModelError, type ModelProblem } from "./model_error.ts";
export { checkInputShape, checkOutputShape, type ModelShape } from "./model_shape.ts";
export { type DetectTimings, YoloModel, type YoloOptions } from "./model.ts";
export { loadLabels, MAX_MODEL_BYTES } from "./model_file.ts";
export {
  createRateLimit,
  finishDetection,
  type RateLimit,
  type RateLimitOptions,
  tryStartDetection,
} from "./rate_limit.ts";

// The actor's frame-by-frame work (core.ts) and its pure parts. The Worker
// (worker.ts), its spec (spec.ts) and snapshots (snapshot.ts, GStreamer) are
// imported by path, like the other actors'.
export {
  type CoreCounts,
  type CoreOutput,
  DetectorCore,
  EVENT_BURST,
  EVENTS_PER_S,
  GAP_RESET_MS,
  type ObjectDetector,
  SNAPSHOT_BURST,
  SNAPSHOTS_PER_S,
  toBody,
} from "./core.ts";
export { MAX_TRACKED, ObjectTracker } from "./object_tracker.ts";
export {
  createTriggerClock,
  TRIGGER_EVERY_MS,
  type TriggerClock,
  triggersFor,
} from "./triggers.ts";
export { type Budget, createBudget, spend } from "./budget.ts";
export { motionOptions, rateLimitOptions, yoloOptions, zonesOf } from "./settings.ts";
export { STAMP_MARGIN_PX, type StampedCamera, timecodeRegion } from "./timecode_region.ts";
