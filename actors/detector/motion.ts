import { checkInteger, checkNumber } from "./_check.ts";
import { type Background, createBackground, seedBackground } from "./background.ts";
import { openMask, openMaskPacked } from "./cleanup.ts";
import { type ChangeMask, createChangeMask, differenceMask } from "./difference.ts";
import {
  changedFraction,
  type GlobalChangeLimits,
  isGlobalChange,
  meanShift,
} from "./global_change.ts";
import { clearReadings, createReadings, measureZones, type ZoneReading } from "./measure.ts";
import type { MotionEvent } from "./motion_events.ts";
import { createZoneState, endZone, stepZoneState, type ZoneMotionState } from "./motion_state.ts";
import type { Polygon } from "./polygon.ts";
import type { PixelRect } from "../camera/timecode.ts";
import { DEFAULT_SENSITIVITY, sensitivitySettings } from "./sensitivity.ts";
import { layoutZones, type Zone, type ZoneLayout } from "./zones.ts";

/** Motion settings. Every field is optional; defaults are listed in docs/detection.md. */
export interface MotionOptions {
  /** 0 (least) to 1 (most) sensitive; sets `threshold` and `minArea` unless they are given. Default 0.5. */
  sensitivity?: number;
  /** Gray levels (1..255) a pixel must differ from the background to count as changed. */
  threshold?: number;
  /** Least moving area, as a fraction (0..1) of a zone's unmasked pixels; a zone may override it. */
  minArea?: number;
  /** Background learning rate per frame, (0..1]. Default 0.05. */
  alpha?: number;
  /** Where motion counts; the whole frame (zone "all") when empty. */
  zones?: readonly Zone[];
  /** Where motion never counts. */
  masks?: readonly Polygon[];
  /** The camera's timecode stamp in this frame's pixels (`timecodeRegion()`): never motion either. */
  stamp?: PixelRect | null;
  /** Consecutive frames above the minimum area that start motion. Default 2. */
  startFrames?: number;
  /** Milliseconds without motion that end it. Default 2000. */
  endMs?: number;
  /** Mean brightness shift, in gray levels, past which a frame is a global change. Default 20. */
  globalShift?: number;
  /** Fraction of the frame's pixels changed past which a frame is a global change. Default 0.5. */
  globalFraction?: number;
  /** Frames after a global change that re-seed the background instead of looking for motion. Default 3. */
  settleFrames?: number;
}

/** The settings a {@linkcode MotionDetector} runs with, all resolved. */
export interface MotionSettings {
  threshold: number;
  minArea: number;
  alpha: number;
  startFrames: number;
  endMs: number;
  globalShift: number;
  globalFraction: number;
  settleFrames: number;
}

/**
 * What one step did. `seeded`: the frame became the background (first frame
 * or after {@linkcode MotionDetector.reset}). `global_change`: the frame
 * changed as a whole and re-seeded the background. `settling`: a frame just
 * after a global change, re-seeding too. `analysed`: motion was measured.
 */
export type MotionStepKind = "seeded" | "global_change" | "settling" | "analysed";

/** The result of {@linkcode MotionDetector.step}: one object, rewritten by every step. */
export interface MotionStep {
  kind: MotionStepKind;
  /** Mean brightness shift from the background, gray levels (0 when seeded). */
  meanShift: number;
  /** Fraction of the frame's pixels that changed before noise cleanup (0 when seeded). */
  changedFraction: number;
  /** One reading per zone, in zone order. */
  readings: readonly ZoneReading[];
  /** Whether any zone is in motion after this step. */
  active: boolean;
  /** Events this step caused. The array is reused; the events in it are new objects. */
  events: MotionEvent[];
}

/**
 * Motion detection on the gray (Y) plane of `width` x `height` frames. Every
 * buffer is allocated here; {@linkcode MotionDetector.step} allocates only
 * the events it returns.
 */
export class MotionDetector {
  readonly width: number;
  readonly height: number;
  readonly settings: Readonly<MotionSettings>;
  readonly layout: ZoneLayout;
  #background: Background;
  #change: ChangeMask;
  #scratch: Uint8Array;
  #scratchWords: Uint32Array;
  #minAreas: Float64Array;
  #states: ZoneMotionState[];
  #result: MotionStep;
  #lastMs = -Infinity;
  #settleLeft = 0;
  #inGlobal = false;
  // Option objects of the per-frame calls, made once.
  #hysteresis: { nowMs: number; above: boolean; startFrames: number; endMs: number };
  #difference: { background: Background; threshold: number; alpha: number };
  #limits: GlobalChangeLimits;

  constructor(width: number, height: number, options: MotionOptions = {}) {
    const fromSensitivity = sensitivitySettings(options.sensitivity ?? DEFAULT_SENSITIVITY);
    this.settings = {
      threshold: checkInteger("threshold", options.threshold ?? fromSensitivity.threshold, 1, 255),
      minArea: checkNumber("minArea", options.minArea ?? fromSensitivity.minArea, 0, 1),
      alpha: checkNumber("alpha", options.alpha ?? 0.05, Number.MIN_VALUE, 1),
      startFrames: checkInteger("startFrames", options.startFrames ?? 2, 1, 1000),
      endMs: checkNumber("endMs", options.endMs ?? 2000, 0, 3_600_000),
      globalShift: checkNumber("globalShift", options.globalShift ?? 20, 0, 255),
      globalFraction: checkNumber("globalFraction", options.globalFraction ?? 0.5, 0, 1),
      settleFrames: checkInteger("settleFrames", options.settleFrames ?? 3, 0, 1000),
    };
    this.layout = layoutZones(width, height, options);
    this.width = width;
    this.height = height;
    this.#background = createBackground(width, height);
    this.#change = createChangeMask(width, height);
    this.#scratchWords = new Uint32Array(Math.ceil((width * height) / 4));
    this.#scratch = new Uint8Array(this.#scratchWords.buffer, 0, width * height);
    this.#minAreas = Float64Array.from(
      this.layout.zones,
      (z) => z.minArea ?? this.settings.minArea,
    );
    this.#states = this.layout.zones.map((z) => createZoneState(z.name));
    const { startFrames, endMs } = this.settings;
    this.#hysteresis = { nowMs: 0, above: false, startFrames, endMs };
    const { threshold, alpha, globalShift: maxShift, globalFraction: maxFraction } = this.settings;
    this.#difference = { background: this.#background, threshold, alpha };
    this.#limits = { maxShift, maxFraction };
    this.#result = {
      kind: "seeded",
      meanShift: 0,
      changedFraction: 0,
      readings: createReadings(this.layout),
      active: false,
      events: [],
    };
  }

  /**
   * Analyses one frame taken at `nowMs` (monotonic milliseconds, never
   * decreasing). `gray` holds the Y plane row-major from offset 0: the data
   * of an I420, NV12 or GRAY8 frame as it is.
   */
  step(gray: Uint8Array, nowMs: number): MotionStep {
    this.#checkStep(gray, nowMs);
    const s = this.settings;
    const out = this.#result;
    const readings = out.readings as ZoneReading[];
    out.events.length = 0;
    if (!this.#background.seeded) {
      seedBackground(this.#background, gray);
      out.kind = "seeded";
      out.meanShift = out.changedFraction = 0;
      return this.#advance(nowMs, false);
    }
    // Learning in the same pass is safe: a global change or a settling frame
    // re-seeds the background below, and an analysed frame learns anyway.
    const change = differenceMask(this.#change, gray, this.#difference);
    out.meanShift = meanShift(change);
    out.changedFraction = changedFraction(change);
    if (isGlobalChange(change, this.#limits)) {
      seedBackground(this.#background, gray);
      if (!this.#inGlobal) {
        out.events.push({
          kind: "global_change",
          meanShift: out.meanShift,
          changedFraction: out.changedFraction,
          atMs: nowMs,
        });
      }
      this.#inGlobal = true;
      this.#settleLeft = s.settleFrames;
      out.kind = "global_change";
      return this.#advance(nowMs, false);
    }
    if (this.#settleLeft > 0) {
      this.#settleLeft--;
      seedBackground(this.#background, gray);
      out.kind = "settling";
      return this.#advance(nowMs, false);
    }
    this.#inGlobal = false;
    if (this.width % 4 === 0) openMaskPacked(change.words, this.#scratchWords, this);
    else openMask(change.bits, this.#scratch, this);
    measureZones(readings, change.bits, this.layout);
    out.kind = "analysed";
    return this.#advance(nowMs, true);
  }

  /** Ends the motion of every active zone at `nowMs` (shutdown, reconfiguration). */
  finish(nowMs: number): MotionEvent[] {
    const events: MotionEvent[] = [];
    for (const state of this.#states) {
      const e = endZone(state, nowMs);
      if (e !== null) events.push(e);
    }
    this.#result.active = false;
    return events;
  }

  /** Makes the next frame the new background (after a gap or a source restart). */
  reset(): void {
    this.#background.seeded = false;
    this.#settleLeft = 0;
    this.#inGlobal = false;
  }

  #advance(nowMs: number, measured: boolean): MotionStep {
    const out = this.#result;
    const readings = out.readings as ZoneReading[];
    if (!measured) clearReadings(readings);
    const hysteresis = this.#hysteresis;
    hysteresis.nowMs = nowMs;
    let active = false;
    for (let z = 0; z < this.#states.length; z++) {
      const reading = readings[z];
      hysteresis.above = measured && reading.pixels > 0 && reading.area >= this.#minAreas[z];
      const event = stepZoneState(this.#states[z], reading, hysteresis);
      if (event !== null) out.events.push(event);
      active ||= this.#states[z].active;
    }
    out.active = active;
    this.#lastMs = nowMs;
    return out;
  }

  #checkStep(gray: Uint8Array, nowMs: number): void {
    if (gray.length < this.width * this.height) {
      throw new RangeError(
        `A ${this.width}x${this.height} gray plane needs ${
          this.width * this.height
        } bytes, got ${gray.length}`,
      );
    }
    if (!Number.isFinite(nowMs) || nowMs < this.#lastMs) {
      throw new RangeError(
        `Frame time must be finite and never decrease, got ${nowMs} after ${this.#lastMs}`,
      );
    }
  }
}
