import { type Box, emptyBox } from "./box.ts";
import type { ZoneLayout } from "./zones.ts";

/** What one frame showed in one zone. Rewritten in place every frame. */
export interface ZoneReading {
  zone: string;
  /** Moving pixels in the zone. */
  pixels: number;
  /** Moving pixels as a fraction (0..1) of the zone's unmasked pixels. */
  area: number;
  /** Bounding box of the moving pixels in the zone (normalised); all zero when none moved. */
  box: Box;
}

/** One reading per zone of `layout`, to be reused frame after frame. */
export function createReadings(layout: ZoneLayout): ZoneReading[] {
  return layout.zones.map((z) => ({ zone: z.name, pixels: 0, area: 0, box: emptyBox() }));
}

/** Writes an empty reading (nothing moved) for every zone. */
export function clearReadings(readings: ZoneReading[]): void {
  for (const r of readings) {
    r.pixels = 0;
    r.area = 0;
    r.box.x =
      r.box.y =
      r.box.w =
      r.box.h =
        0;
  }
}

/**
 * Counts the set pixels of `mask` (width x height, 0/1) inside each zone of
 * `layout` and boxes them, scanning only each zone's bounding rectangle.
 */
export function measureZones(readings: ZoneReading[], mask: Uint8Array, layout: ZoneLayout): void {
  const { width, height, zones } = layout;
  for (let z = 0; z < zones.length; z++) {
    const { bits, pixels: zonePixels, x0, y0, x1, y1 } = zones[z];
    let count = 0, minX = width, minY = height, maxX = -1, maxY = -1;
    for (let y = y0; y < y1; y++) {
      const row = y * width;
      let rowHit = false;
      for (let x = x0; x < x1; x++) {
        const i = row + x;
        if ((bits[i] & mask[i]) === 0) continue;
        count++;
        rowHit = true;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
      }
      if (rowHit) {
        if (y < minY) minY = y;
        maxY = y;
      }
    }
    const r = readings[z];
    r.pixels = count;
    r.area = count / zonePixels;
    const b = r.box;
    if (count === 0) {
      b.x =
        b.y =
        b.w =
        b.h =
          0;
    } else {
      b.x = minX / width;
      b.y = minY / height;
      b.w = (maxX + 1 - minX) / width;
      b.h = (maxY + 1 - minY) / height;
    }
  }
}
