/**
 * `[recording]` and each camera's `[camera.recording]` overrides. Sizes and
 * durations take units ("20GB", "14d"); schedules take windows such as
 * "mon-fri 08:00-18:00". Layout and behaviour: docs/recording.md.
 *
 * @module
 */
import type {
  CameraRecordingConfig,
  RecordingConfig,
  RecordingModeConfig,
} from "../../actors/defs.ts";
import { parseDuration, parseSize } from "../../actors/recorder/units.ts";
import { parseSchedule } from "../../actors/recorder/schedule.ts";
import { MAX_POST_ROLL_S } from "../../actors/recorder/trigger.ts";
import { MAX_PREROLL_S } from "../../actors/recorder/preroll.ts";
import {
  bool,
  type Checker,
  custom,
  type Fields,
  int,
  type Issues,
  isTable,
  str,
  tableParts,
} from "./schema.ts";

const size = custom((v) => parseSize(v as string | number));
const duration = custom((v) => parseDuration(v as string | number));
const schedule = custom((v) => {
  if (!Array.isArray(v)) throw new TypeError("must be an array of windows");
  parseSchedule(v as string[]);
  return v as string[];
});
const mode = str({ oneOf: ["continuous", "scheduled", "events", "off"] }) as Checker<
  RecordingModeConfig
>;

export const DEFAULT_MAX_BYTES = parseSize("10GB");
export const DEFAULT_MIN_FREE = parseSize("1GB");
export const DEFAULT_MAX_AGE_S = parseDuration("14d");

/** Keys that [recording] sets for every camera and [camera.recording] may override. */
interface Policy {
  mode: RecordingModeConfig;
  max_bytes: number;
  max_age: number;
  schedule: string[];
  pre_roll_s: number;
  post_roll_s: number;
}

function policyFields(d: Policy): Fields<Policy> {
  return {
    mode: [mode, d.mode],
    max_bytes: [size, d.max_bytes],
    max_age: [duration, d.max_age],
    schedule: [schedule, d.schedule],
    pre_roll_s: [int({ min: 0, max: MAX_PREROLL_S }), d.pre_roll_s],
    post_roll_s: [int({ min: 0, max: MAX_POST_ROLL_S }), d.post_roll_s],
  };
}

interface Global {
  enabled: boolean;
  dir: string;
  segment_s: number;
  max_bytes: number;
  max_bytes_per_camera: number;
  min_free: number;
  mode: RecordingModeConfig;
  max_age: number;
  schedule: string[];
  pre_roll_s: number;
  post_roll_s: number;
}

/** The checked [recording] table: process-wide settings and the per-camera defaults. */
export interface RecordingSection {
  global: RecordingConfig;
  defaults: CameraRecordingConfig;
}

/** Checks `[recording]`. Recording is on when the table is present, unless `enabled = false`. */
export function recordingSection(dataDir: string): Checker<RecordingSection> {
  return (v, path, issues) => {
    const p = policyFields({
      mode: "continuous",
      max_bytes: 0,
      max_age: DEFAULT_MAX_AGE_S,
      schedule: [],
      pre_roll_s: 5,
      post_roll_s: 10,
    });
    const parts = tableParts<Global>({
      enabled: [bool, v !== undefined],
      dir: [str(), `${dataDir}/recordings`],
      segment_s: [int({ min: 10, max: 3600 }), 60],
      max_bytes: [size, DEFAULT_MAX_BYTES],
      max_bytes_per_camera: [size, (t) => t.max_bytes!],
      min_free: [size, DEFAULT_MIN_FREE],
      mode: p.mode,
      max_age: p.max_age,
      schedule: p.schedule,
      pre_roll_s: p.pre_roll_s,
      post_roll_s: p.post_roll_s,
    })(v, path, issues);
    if (parts === undefined) return undefined;
    if (requireSchedule(parts.value, path, issues) || !parts.ok) return undefined;
    const g = parts.value as Global;
    return {
      global: {
        enabled: g.enabled,
        dir: g.dir,
        segment_s: g.segment_s,
        max_bytes: g.max_bytes,
        min_free_bytes: g.min_free,
      },
      defaults: {
        mode: g.mode,
        max_bytes: g.max_bytes_per_camera,
        max_age_s: g.max_age,
        schedule: g.schedule,
        pre_roll_s: g.pre_roll_s,
        post_roll_s: g.post_roll_s,
      },
    };
  };
}

/** Checks `[camera.recording]` over the defaults from [recording]. */
export function cameraRecording(d: CameraRecordingConfig): Checker<CameraRecordingConfig> {
  return (v, path, issues) => {
    if (v !== undefined && !isTable(v)) return void issues.add(path, "must be a table");
    const parts = tableParts(policyFields({ ...d, max_age: d.max_age_s }))(v, path, issues);
    if (parts === undefined) return undefined;
    if (requireSchedule(parts.value, path, issues) || !parts.ok) return undefined;
    const p = parts.value as Required<typeof parts.value>;
    return {
      mode: p.mode,
      max_bytes: p.max_bytes,
      max_age_s: p.max_age,
      schedule: p.schedule,
      pre_roll_s: p.pre_roll_s,
      post_roll_s: p.post_roll_s,
    };
  };
}

/** Records (and returns true for) a scheduled mode without a schedule, when both are known. */
function requireSchedule(
  p: { mode?: string; schedule?: string[] },
  path: string,
  issues: Issues,
): boolean {
  if (p.mode === "scheduled" && p.schedule?.length === 0) {
    issues.add(`${path}.schedule`, 'is required when mode = "scheduled"');
    return true;
  }
  return false;
}
