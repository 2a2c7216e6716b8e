/**
 * The detector's work on one camera, frame by frame, without the Worker:
 * motion on every frame, object detection when the rate limit allows, `object` events from what the
 * model finds, triggers for the recorder, and budgets that bound how much a
 * flickering scene can report. The Worker (worker.ts) feeds it frames from
 * the ring and posts what it reports; tests feed it frames directly.
 *
 * @module
 */
import { type CameraDetectionConfig, FrameFormat, rawFrameBytes } from "../defs.ts";
import type { EventBody } from "../events/types.ts";
import type { PixelRect } from "../camera/timecode.ts";
import { type Budget, createBudget, spend } from "./budget.ts";
import type { Detection } from "./detection.ts";
import type { DetectorFrame } from "./frame.ts";
import type { DetectTimings } from "./model.ts";
import { MotionDetector } from "./motion.ts";
import type { MotionEvent } from "./motion_events.ts";
import { ObjectTracker } from "./object_tracker.ts";
import {
  createRateLimit,
  finishDetection,
  type RateLimit,
  tryStartDetection,
} from "./rate_limit.ts";
import { motionOptions, rateLimitOptions } from "./settings.ts";
import { createTriggerClock, type TriggerClock, triggersFor } from "./triggers.ts";

/** Events reported per second, at most, with bursts of {@linkcode EVENT_BURST}. Reason: a zone that flickers must not flood the store, the stream and the webhooks. */
export const EVENTS_PER_S = 5;
export const EVENT_BURST = 20;
/** Snapshots encoded per second, at most, with bursts of {@linkcode SNAPSHOT_BURST}. Reason: each costs an encode and tens of KB on disk. */
export const SNAPSHOTS_PER_S = 2;
export const SNAPSHOT_BURST = 4;
/** A gap between frames longer than this re-seeds the background: the scene may have changed meanwhile. */
export const GAP_RESET_MS = 5000;

/** An object detector: YoloModel, or anything with its shape. */
export interface ObjectDetector {
  detect(frame: DetectorFrame): Promise<Detection[]>;
  readonly timings: DetectTimings;
}

/** Where the core's results go. */
export interface CoreOutput {
  /** Events of one frame, with that frame (I420) for a snapshot, or null when over the snapshot budget. */
  events(events: EventBody[], frame: Uint8Array | null): void;
  /** Something worth recording at `atNs` (the ring clock). */
  trigger(atNs: number, kind: string): void;
  /** A detection failed (the model threw). */
  detectError(error: Error): void;
}

/** Counts the core keeps. */
export interface CoreCounts {
  frames: number;
  motionMsTotal: number;
  detections: number;
  detectErrors: number;
  events: number;
  eventsDropped: number;
}

export class DetectorCore {
  readonly width: number;
  readonly height: number;
  readonly counts: CoreCounts = {
    frames: 0,
    motionMsTotal: 0,
    detections: 0,
    detectErrors: 0,
    events: 0,
    eventsDropped: 0,
  };
  /** Set once a model is loaded; null runs motion only. */
  model: ObjectDetector | null = null;
  readonly #motion: MotionDetector | null;
  readonly #tracker: ObjectTracker;
  readonly #limit: RateLimit;
  readonly #triggers: TriggerClock = createTriggerClock();
  readonly #eventBudget: Budget = createBudget({ perSecond: EVENTS_PER_S, burst: EVENT_BURST });
  readonly #snapshotBudget: Budget = createBudget({
    perSecond: SNAPSHOTS_PER_S,
    burst: SNAPSHOT_BURST,
  });
  readonly #out: CoreOutput;
  readonly #now: () => number;
  readonly #detectFrame: DetectorFrame;
  #inflight: Promise<void> | undefined;
  #lastAtMs = -Infinity;
  #motionActive = false;

  /**
   * `now()` is the time the rate limiter measures detections with, in ms
   * (the Worker passes the ring clock, nowNs() / 1e6). `stamp` is the
   * camera's timecode stamp in detector pixels (`timecodeRegion()`), left
   * out of motion.
   */
  constructor(
    det: CameraDetectionConfig,
    options: { out: CoreOutput; now: () => number; stamp?: PixelRect | null },
  ) {
    this.width = det.width;
    this.height = det.height;
    this.#motion = det.motion
      ? new MotionDetector(det.width, det.height, motionOptions(det, options.stamp ?? null))
      : null;
    this.#tracker = new ObjectTracker({ endMs: det.end_ms });
    this.#limit = createRateLimit(rateLimitOptions(det));
    this.#out = options.out;
    this.#now = options.now;
    this.#detectFrame = {
      data: new Uint8Array(rawFrameBytes(FrameFormat.I420, det.width, det.height)),
      format: FrameFormat.I420,
      width: det.width,
      height: det.height,
    };
  }

  /** Whether motion is active in some zone after the last frame. */
  get motionActive(): boolean {
    return this.#motionActive;
  }

  /**
   * Analyses one I420 frame captured at `captureNs` (ring clock). The frame
   * is read during the call only; a detection works on its own copy.
   */
  frame(data: Uint8Array, captureNs: number): void {
    const atMs = Math.max(this.#lastAtMs, captureNs / 1e6);
    if (atMs - this.#lastAtMs > GAP_RESET_MS) this.#motion?.reset();
    this.#lastAtMs = atMs;
    this.counts.frames++;
    let events: EventBody[] = [];
    if (this.#motion !== null) {
      const t0 = performance.now();
      const step = this.#motion.step(data, atMs);
      this.counts.motionMsTotal += performance.now() - t0;
      this.#motionActive = step.active;
      if (step.events.length > 0) events = step.events.map(toBody);
    }
    // Objects gone for end_ms end here, on the frames, whether or not a model runs on them.
    const ended = this.#tracker.ended(atMs);
    if (ended.length > 0) events = [...events, ...ended];
    this.#report(events, data, { atMs, captureNs });
    if (this.model !== null && tryStartDetection(this.#limit, this.#now(), this.#motionActive)) {
      this.#detectFrame.data.set(data.subarray(0, this.#detectFrame.data.length));
      this.#inflight = this.#detect(this.model, atMs, captureNs);
    }
  }

  /** Waits for the detection in flight, if any. */
  async settle(): Promise<void> {
    await this.#inflight;
  }

  /** Ends active motion and present objects (shutdown): their end events go out with no snapshot. */
  finish(): void {
    const ends: EventBody[] = this.#tracker.finish(this.#lastAtMs);
    if (this.#motion !== null) {
      ends.push(...this.#motion.finish(this.#lastAtMs).map(toBody));
      this.#motionActive = false;
    }
    if (ends.length === 0) return;
    this.#report(ends, null, { atMs: this.#lastAtMs, captureNs: this.#lastAtMs * 1e6 });
  }

  async #detect(model: ObjectDetector, atMs: number, captureNs: number): Promise<void> {
    let found: Detection[];
    try {
      found = await model.detect(this.#detectFrame);
      this.counts.detections++;
    } catch (e) {
      this.counts.detectErrors++;
      this.#out.detectError(e instanceof Error ? e : new Error(String(e)));
      return;
    } finally {
      finishDetection(this.#limit, this.#now());
    }
    const events = this.#tracker.update(found, atMs);
    this.#report(events, this.#detectFrame.data, { atMs, captureNs });
  }

  #report(events: EventBody[], frame: Uint8Array | null, at: { atMs: number; captureNs: number }) {
    const kept = events.filter(() => {
      const ok = spend(this.#eventBudget, at.atMs);
      if (!ok) this.counts.eventsDropped++;
      return ok;
    });
    if (kept.length > 0) {
      this.counts.events += kept.length;
      const snap = frame !== null && spend(this.#snapshotBudget, at.atMs) ? frame : null;
      this.#out.events(kept, snap);
    }
    const active = this.#motionActive ? "motion" : this.#tracker.present(at.atMs);
    // Every event triggers, even one over the event budget: recording must not miss it.
    for (const kind of triggersFor(this.#triggers, events, { atMs: at.atMs, active })) {
      this.#out.trigger(at.captureNs, kind);
    }
  }
}

/** A motion detector event as a stored event body. */
export function toBody(e: MotionEvent): EventBody {
  switch (e.kind) {
    case "motion_start":
      return { type: "motion_start", atMs: e.atMs, zone: e.zone, box: e.box, area: e.area };
    case "motion_end":
      return {
        type: "motion_end",
        atMs: e.atMs,
        zone: e.zone,
        box: e.box,
        durationMs: e.durationMs,
        peakArea: e.peakArea,
      };
    case "global_change":
      return {
        type: "global_change",
        atMs: e.atMs,
        meanShift: e.meanShift,
        changedFraction: e.changedFraction,
      };
  }
}
