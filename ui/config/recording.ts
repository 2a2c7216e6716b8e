/**
 * `[recording]` and each camera's `[camera.recording]` overrides. Sizes and
 * durations take units ("20GB", "14d"); schedules take windows such as
 * "mon-fri 08:00-18:00". Layout and behaviour: docs/recording.md.
 *
 * @module
 */
import type {
  CameraRecordingConfig,
  Codec,
  RecordingConfig,
  RecordingContainer,
  RecordingModeConfig,
} from "../../actors/defs.ts";
import { containerProblem, CONTAINERS, defaultContainer } from "../../actors/recorder/container.ts";
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
const container = str({ oneOf: CONTAINERS }) as Checker<RecordingContainer>;

export const DEFAULT_MAX_BYTES = parseSize("10GB");
export const DEFAULT_MIN_FREE = parseSize("1GB");
export const DEFAULT_MAX_AGE_S = parseDuration("14d");

/**
 * A camera's recording settings before its codec is known: `container` is
 * null when neither [recording] nor [camera.recording] names one (the
 * codec's default applies, {@linkcode withContainer}).
 */
export type CameraRecordingDraft = Omit<CameraRecordingConfig, "container"> & {
  container: RecordingContainer | null;
};

/** Keys that [recording] sets for every camera and [camera.recording] may override. */
interface Policy {
  mode: RecordingModeConfig;
  max_bytes: number;
  max_age: number;
  schedule: string[];
  pre_roll_s: number;
  post_roll_s: number;
  container: RecordingContainer | null;
}

function policyFields(d: Policy): Fields<Policy> {
  return {
    mode: [mode, d.mode],
    max_bytes: [size, d.max_bytes],
    max_age: [duration, d.max_age],
    schedule: [schedule, d.schedule],
    pre_roll_s: [int({ min: 0, max: MAX_PREROLL_S }), d.pre_roll_s],
    post_roll_s: [int({ min: 0, max: MAX_POST_ROLL_S }), d.post_roll_s],
    container: [container, d.container],
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
  container: RecordingContainer | null;
}

/** The checked [recording] table: process-wide settings and the per-camera defaults. */
export interface RecordingSection {
  global: RecordingConfig;
  defaults: CameraRecordingDraft;
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
      container: null,
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
      container: p.container,
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
        container: g.container,
      },
    };
  };
}

/** Checks `[camera.recording]` over the defaults from [recording]. */
export function cameraRecording(d: CameraRecordingDraft): Checker<CameraRecordingDraft> {
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
      container: p.container,
    };
  };
}

/**
 * Settles a camera's container once its codec is known: the one configured,
 * else the codec's default (mp4 for H.264, avi for MJPEG). A recording
 * camera whose container cannot hold its codec is an issue at `path`
 * (`own`: [camera.recording] named it; else it came from [recording]).
 */
export function withContainer(
  r: CameraRecordingDraft,
  codec: Codec,
  at: { path: string; own: boolean },
  issues: Issues,
): CameraRecordingConfig | undefined {
  const chosen = r.container ?? defaultContainer(codec);
  const problem = containerProblem(chosen, codec);
  if (problem === null) return { ...r, container: chosen };
  // A camera that does not record keeps the codec's default instead.
  if (r.mode === "off") return { ...r, container: defaultContainer(codec) };
  issues.add(at.path, at.own ? problem : `${problem} ([recording] sets it; override it here)`);
  return undefined;
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
