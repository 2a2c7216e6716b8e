import { type Box, emptyBox, unionBox } from "./box.ts";
import type { ZoneReading } from "./measure.ts";
import type { MotionEndEvent, MotionStartEvent } from "./motion_events.ts";

/** Start/end hysteresis of one zone. */
export interface ZoneMotionState {
  zone: string;
  active: boolean;
  /** Consecutive frames above the minimum area while not active. */
  aboveRun: number;
  startMs: number;
  lastAboveMs: number;
  union: Box;
  peakArea: number;
}

/** When motion starts and ends. */
export interface Hysteresis {
  /** Consecutive frames above the minimum area that start motion (≥ 1). */
  startFrames: number;
  /** Time below the minimum area, since the last frame above it, that ends motion. */
  endMs: number;
}

/** An idle state for `zone`. */
export function createZoneState(zone: string): ZoneMotionState {
  return {
    zone,
    active: false,
    aboveRun: 0,
    startMs: 0,
    lastAboveMs: 0,
    union: emptyBox(),
    peakArea: 0,
  };
}

/**
 * Advances one zone by one frame taken at `nowMs`. `above` says whether the
 * frame's reading passed the zone's minimum area. Returns the event this
 * frame causes, if any; the event is a new object the caller may keep.
 */
export function stepZoneState(
  state: ZoneMotionState,
  reading: ZoneReading,
  options: Hysteresis & { nowMs: number; above: boolean },
): MotionStartEvent | MotionEndEvent | null {
  const { nowMs, above, startFrames, endMs } = options;
  if (!state.active) {
    if (!above) {
      state.aboveRun = 0;
      return null;
    }
    if (++state.aboveRun < startFrames) return null;
    state.active = true;
    state.aboveRun = 0;
    state.startMs = state.lastAboveMs = nowMs;
    state.peakArea = reading.area;
    Object.assign(state.union, reading.box);
    return {
      kind: "motion_start",
      zone: state.zone,
      box: { ...reading.box },
      area: reading.area,
      atMs: nowMs,
    };
  }
  if (above) {
    state.lastAboveMs = nowMs;
    if (reading.area > state.peakArea) state.peakArea = reading.area;
    unionBox(state.union, reading.box, state.union);
    return null;
  }
  if (nowMs - state.lastAboveMs < endMs) return null;
  return endZone(state, nowMs);
}

/** Ends an active zone now (shutdown, reconfiguration); null when it was idle. */
export function endZone(state: ZoneMotionState, nowMs: number): MotionEndEvent | null {
  if (!state.active) return null;
  state.active = false;
  state.aboveRun = 0;
  return {
    kind: "motion_end",
    zone: state.zone,
    durationMs: state.lastAboveMs - state.startMs,
    box: { ...state.union },
    peakArea: state.peakArea,
    atMs: nowMs,
  };
}
