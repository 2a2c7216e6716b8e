import type { PixelRect } from "../camera/timecode.ts";
import { checkNumber, describe } from "./_check.ts";
import { checkFrameSize } from "./frame.ts";
import { checkPolygon, type Polygon, rasterisePolygon } from "./polygon.ts";

/**
 * A named region where motion and objects count. Motion outside every zone
 * is ignored; with no zones the whole frame is one zone named
 * {@linkcode DEFAULT_ZONE}.
 */
export interface Zone {
  /** 1 to 64 characters, unique among the zones. */
  name: string;
  polygon: Polygon;
  /** Least moving area for motion here, as a fraction of the zone's unmasked pixels. */
  minArea?: number;
  /** Object classes (labels) that count in this zone; all classes when absent. */
  classes?: readonly string[];
}

/** The name of the implicit zone that covers the whole frame when none is configured. */
export const DEFAULT_ZONE = "all";

/**
 * Most zones, and most masks, one camera may have. Reason: motion measures
 * every zone on every frame; 32 covers any hand-drawn layout and keeps that
 * cost bounded.
 */
export const MAX_ZONES = 32;

/** Longest zone name. Reason: names travel in every event and show in the console. */
export const MAX_ZONE_NAME = 64;

/** One zone rasterised at the analysed frame size, masks already removed. */
export interface ZoneRaster {
  name: string;
  /** 1 where the zone counts (inside the polygon and outside every mask), else 0. */
  bits: Uint8Array;
  /** Pixels set in `bits`. */
  pixels: number;
  /** Bounding rectangle of `bits` in pixels: columns x0..x1-1, rows y0..y1-1. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  minArea: number | undefined;
}

/** Zones and masks rasterised once for one frame size. */
export interface ZoneLayout {
  width: number;
  height: number;
  zones: ZoneRaster[];
  /** 1 where a mask suppresses motion. */
  masked: Uint8Array;
}

/** Validates a zone list (TypeError/RangeError quoting the bad value) and returns it typed. */
export function checkZones(value: unknown): Zone[] {
  if (!Array.isArray(value)) throw new TypeError(`Zones must be an array, got ${describe(value)}`);
  if (value.length > MAX_ZONES) {
    throw new RangeError(`At most ${MAX_ZONES} zones are allowed, got ${value.length}`);
  }
  const names = new Set<string>();
  return value.map((z: unknown, i) => {
    if (typeof z !== "object" || z === null) {
      throw new TypeError(`Zone ${i} must be an object, got ${describe(z)}`);
    }
    const { name, polygon, minArea, classes } = z as Record<string, unknown>;
    if (typeof name !== "string" || name.length < 1 || name.length > MAX_ZONE_NAME) {
      throw new TypeError(
        `Zone ${i} needs a name of 1 to ${MAX_ZONE_NAME} characters, got ${describe(name)}`,
      );
    }
    if (names.has(name)) throw new RangeError(`Zone name ${describe(name)} is used twice`);
    names.add(name);
    const zone: Zone = { name, polygon: checkPolygon(polygon, `Zone "${name}" polygon`) };
    if (minArea !== undefined) zone.minArea = checkNumber(`zone "${name}" minArea`, minArea, 0, 1);
    if (classes !== undefined) {
      if (!Array.isArray(classes) || !classes.every((c) => typeof c === "string")) {
        throw new TypeError(
          `Zone "${name}" classes must be an array of labels, got ${describe(classes)}`,
        );
      }
      zone.classes = classes;
    }
    return zone;
  });
}

/** Validates a mask list and returns it typed. */
export function checkMasks(value: unknown): Polygon[] {
  if (!Array.isArray(value)) throw new TypeError(`Masks must be an array, got ${describe(value)}`);
  if (value.length > MAX_ZONES) {
    throw new RangeError(`At most ${MAX_ZONES} masks are allowed, got ${value.length}`);
  }
  return value.map((m, i) => checkPolygon(m, `Mask ${i}`));
}

/**
 * Rasterises zones and masks for a `width` x `height` frame. With no zones
 * the layout holds one zone, {@linkcode DEFAULT_ZONE}, covering the frame
 * outside the masks. `stamp`, the camera's timecode stamp in pixels of this
 * frame (`timecodeRegion()`), is masked too. Throws a RangeError for a zone
 * with no pixel left.
 */
export function layoutZones(
  width: number,
  height: number,
  options: { zones?: readonly Zone[]; masks?: readonly Polygon[]; stamp?: PixelRect | null } = {},
): ZoneLayout {
  checkFrameSize(width, height);
  const zones = checkZones(options.zones ?? []);
  const masks = checkMasks(options.masks ?? []);
  const size = width * height;
  const masked = new Uint8Array(size);
  for (const m of masks) rasterisePolygon(m, masked, { width, height });
  const stamp = options.stamp ?? null;
  if (stamp !== null) {
    const x0 = Math.max(0, stamp.x0), x1 = Math.min(width, stamp.x1);
    for (let y = Math.max(0, stamp.y0); y < Math.min(height, stamp.y1); y++) {
      if (x1 > x0) masked.fill(1, y * width + x0, y * width + x1);
    }
  }
  const full: Zone = { name: DEFAULT_ZONE, polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] };
  const rasters = (zones.length > 0 ? zones : [full]).map((zone) => {
    const bits = new Uint8Array(size);
    rasterisePolygon(zone.polygon, bits, { width, height });
    let pixels = 0, x0 = width, y0 = height, x1 = 0, y1 = 0;
    for (let y = 0, i = 0; y < height; y++) {
      for (let x = 0; x < width; x++, i++) {
        if (masked[i] === 1) bits[i] = 0;
        if (bits[i] === 0) continue;
        pixels++;
        if (x < x0) x0 = x;
        if (x >= x1) x1 = x + 1;
        if (y < y0) y0 = y;
        y1 = y + 1;
      }
    }
    if (pixels === 0) {
      throw new RangeError(
        `Zone "${zone.name}" covers no pixel of a ${width}x${height} frame outside the masks${
          stamp === null ? "" : " and the timecode stamp"
        }`,
      );
    }
    const raster: ZoneRaster = {
      name: zone.name,
      bits,
      pixels,
      x0,
      y0,
      x1,
      y1,
      minArea: zone.minArea,
    };
    return raster;
  });
  return { width, height, zones: rasters, masked };
}
