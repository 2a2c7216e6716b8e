/**
 * The detector actor's messages.
 *
 * @module
 */
import type { CameraConfig } from "../defs.ts";
import type { EventBody } from "../events/types.ts";

export interface DetectorInit {
  camera: CameraConfig;
  /** Downscaled I420 frames of detection.width × detection.height from the camera. */
  small: SharedArrayBuffer;
  /** This actor's reader index on the small ring. */
  reader: number;
}

/** Where object detection stands. */
export type ModelState = "off" | "loading" | "ready" | "error";

export interface DetectorStats {
  /** Frames analysed. */
  frames: number;
  /** Frames analysed per second over the last report interval. */
  fps: number;
  /** Frames passed over: behind (skipped to the newest), overwritten while read, or of the wrong size. */
  skipped: number;
  motion: boolean;
  /** Whether motion is active in some zone now. */
  motionActive: boolean;
  /** Mean milliseconds of one motion step over the last interval. */
  motionMs: number;
  model: ModelState;
  /** Why the model is not in use, when `model` is "error". */
  modelError: string | null;
  /** Object detections run. */
  detections: number;
  /** Milliseconds of the last detection: pre-processing, inference, post-processing. */
  detectMs: { pre: number; infer: number; post: number };
  /** Detections that threw. */
  detectErrors: number;
  events: number;
  /** Events over the event budget, not reported. */
  eventsDropped: number;
  snapshots: number;
  snapshotErrors: number;
}

export type DetectorEvent =
  | { type: "stats"; stats: DetectorStats }
  /** An event for the store, with the JPEG of the frame it happened on (null when over budget or failed). */
  | { type: "event"; event: EventBody; snapshot: Uint8Array | null }
  /** Something worth recording at `atNs` (ring clock): "motion" or an object's label. */
  | { type: "trigger"; atNs: number; kind: string };

export interface DetectorProtocol {
  init: DetectorInit;
  calls: {
    /** What the detector runs with. */
    describe: {
      args: Record<string, never>;
      reply: {
        motion: boolean;
        model: ModelState;
        modelPath: string;
        inputSize: number;
        labels: number;
      };
    };
  };
  cast: { type: "report" };
  event: DetectorEvent;
}

export const DETECTOR_WORKER = new URL("./worker.ts", import.meta.url);
