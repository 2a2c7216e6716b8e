/**
 * `[detection]` and each camera's `[camera.detection]` overrides: motion
 * settings, an optional YOLO model, zones and masks. Behaviour:
 * docs/detection.md.
 *
 * @module
 */
import type {
  CameraDetectionConfig,
  DetectionEventType,
  PolygonConfig,
  WebhookConfig,
  ZoneConfig,
} from "../../actors/defs.ts";
import { checkPolygon } from "../../actors/detector/polygon.ts";
import { checkZones, layoutZones, MAX_ZONES } from "../../actors/detector/zones.ts";
import { type StampedCamera, timecodeRegion } from "../../actors/detector/timecode_region.ts";
import { EVENT_TYPES } from "../../actors/events/types.ts";
import { MAX_WEBHOOK_RETRIES, MAX_WEBHOOKS } from "../../actors/events/webhook_policy.ts";
import { parseSize } from "../../actors/recorder/units.ts";
import {
  arr,
  bool,
  type Checker,
  custom,
  type Fields,
  has,
  int,
  isTable,
  num,
  str,
  table,
  tableParts,
} from "./schema.ts";

const polygon: Checker<PolygonConfig> = custom((v) => checkPolygon(v, "polygon"));

interface ZoneFields {
  name: string;
  polygon: PolygonConfig;
  min_area: number;
  classes: string[];
}

const zone: Checker<ZoneConfig> = (v, path, issues) => {
  const p = tableParts<ZoneFields>({
    name: [str({ pattern: /^.{1,64}$/, hint: "1 to 64 characters" }), ""],
    polygon: [polygon, []],
    min_area: [num({ min: 0, max: 1 }), -1],
    classes: [arr(str(), { max: 1000 }), []],
  })(v, path, issues);
  if (p === undefined) return undefined;
  let ok = p.ok;
  for (const key of ["name", "polygon"] as const) {
    if (p.value[key]?.length === 0) {
      issues.add(`${path}.${key}`, "is required");
      ok = false;
    }
  }
  if (!ok) return undefined;
  const z = p.value as ZoneFields;
  const out: ZoneConfig = { name: z.name, polygon: z.polygon };
  if (z.min_area >= 0) out.minArea = z.min_area;
  if (z.classes.length > 0) out.classes = z.classes;
  return out;
};

const zones: Checker<ZoneConfig[]> = (v, path, issues) => {
  const list = arr(zone, { max: MAX_ZONES })(v, path, issues);
  if (list === undefined) return undefined;
  return custom((x) => checkZones(x))(list, path, issues);
};

const mask: Checker<PolygonConfig> = (v, path, issues) => {
  const m = table<{ polygon: PolygonConfig }>({ polygon: [polygon, []] })(v, path, issues);
  if (m === undefined) return undefined;
  if (m.polygon.length === 0) return void issues.add(`${path}.polygon`, "is required");
  return m.polygon;
};

const webhookUrl = custom((v) => {
  if (typeof v !== "string") throw new TypeError("must be a string");
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new TypeError(`${JSON.stringify(v)} is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`${JSON.stringify(v)} must be an http:// or https:// URL`);
  }
  return v;
});

const webhook: Checker<WebhookConfig> = (v, path, issues) => {
  const p = tableParts<WebhookConfig>({
    url: [webhookUrl, ""],
    types: [arr(str({ oneOf: EVENT_TYPES }) as Checker<DetectionEventType>, { max: 16 }), []],
    timeout_ms: [int({ min: 100, max: 60_000 }), 5000],
    retries: [int({ min: 0, max: MAX_WEBHOOK_RETRIES }), 3],
  })(v, path, issues);
  if (p === undefined) return undefined;
  if (p.value.url === "") return void issues.add(`${path}.url`, "is required");
  return p.ok ? p.value as WebhookConfig : undefined;
};

const size = custom((v) => parseSize(v as string | number));

export const DEFAULT_DETECTION: CameraDetectionConfig = {
  motion: true,
  motion_fps: 5,
  width: 320,
  height: 180,
  sensitivity: 0.5,
  threshold: 0,
  min_area: 0,
  end_ms: 2000,
  start_frames: 2,
  model: "",
  labels: "",
  confidence: 0.25,
  iou: 0.45,
  classes: [],
  max_fps: 2,
  max_busy: 0.5,
  only_on_motion: false,
  zones: [],
  masks: [],
  max_events: 10_000,
  max_snapshot_bytes: parseSize("200MB"),
  webhooks: [],
};

type Toml = Omit<CameraDetectionConfig, "zones" | "masks" | "webhooks"> & {
  zone: ZoneConfig[];
  mask: PolygonConfig[];
  webhook: WebhookConfig[];
};

function fields(d: CameraDetectionConfig): Fields<Toml> {
  return {
    motion: [bool, d.motion],
    motion_fps: [num({ min: 0.1, max: 30 }), d.motion_fps],
    width: [int({ min: 32, max: 1920 }), d.width],
    height: [int({ min: 32, max: 1080 }), d.height],
    sensitivity: [num({ min: 0, max: 1 }), d.sensitivity],
    threshold: [int({ min: 0, max: 255 }), d.threshold],
    min_area: [num({ min: 0, max: 1 }), d.min_area],
    end_ms: [int({ min: 0, max: 600_000 }), d.end_ms],
    start_frames: [int({ min: 1, max: 100 }), d.start_frames],
    model: [str(), d.model],
    labels: [str(), d.labels],
    confidence: [num({ min: 0, max: 1 }), d.confidence],
    iou: [num({ min: 0, max: 1 }), d.iou],
    classes: [arr(str(), { max: 1000 }), d.classes],
    max_fps: [num({ min: 0.01, max: 60 }), d.max_fps],
    max_busy: [num({ min: 0.01, max: 1 }), d.max_busy],
    only_on_motion: [bool, d.only_on_motion],
    zone: [zones, d.zones],
    mask: [arr(mask, { max: MAX_ZONES }), d.masks],
    max_events: [int({ min: 1, max: 10_000_000 }), d.max_events],
    max_snapshot_bytes: [size, d.max_snapshot_bytes],
    webhook: [arr(webhook, { max: MAX_WEBHOOKS }), d.webhooks],
  };
}

/**
 * Checks a detection table over `defaults`: `[detection]` over the built-in
 * defaults, `[camera.detection]` over the checked `[detection]`. Relative
 * `model` and `labels` paths resolve against `baseDir`.
 */
export function detectionSection(
  defaults: CameraDetectionConfig,
  resolvePath: (p: string) => string,
): Checker<CameraDetectionConfig> {
  return (v, path, issues) => {
    if (v !== undefined && !isTable(v)) return void issues.add(path, "must be a table");
    const p = tableParts(fields(defaults))(v, path, issues);
    if (p === undefined) return undefined;
    if (has(p.value, "width", "height", "zone", "mask")) {
      try {
        // A zone that masks cover whole, or too thin to hold a pixel at this size, is a config error.
        layoutZones(p.value.width, p.value.height, { zones: p.value.zone, masks: p.value.mask });
      } catch (e) {
        return void issues.add(`${path}.zone`, (e as Error).message);
      }
    }
    if (!p.ok) return undefined;
    const { zone: z, mask: m, webhook: w, ...rest } = p.value as Toml;
    return {
      ...rest,
      model: rest.model === "" || rest.model === defaults.model
        ? rest.model
        : resolvePath(rest.model),
      labels: rest.labels === "" || rest.labels === defaults.labels
        ? rest.labels
        : resolvePath(rest.labels),
      zones: z,
      masks: m,
      webhooks: w,
    };
  };
}

/**
 * Why a camera's motion zones cannot run beside its timecode stamp (a zone
 * the stamp, with the masks, covers whole), or null. The detector masks the
 * stamp by itself (actors/detector/timecode_region.ts).
 */
export function stampedZonesIssue(
  camera: StampedCamera & { detection: CameraDetectionConfig },
): string | null {
  const stamp = timecodeRegion(camera);
  const det = camera.detection;
  if (stamp === null || !det.motion) return null;
  try {
    layoutZones(det.width, det.height, { zones: det.zones, masks: det.masks, stamp });
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
