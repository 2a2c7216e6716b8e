import { describe } from "./_check.ts";

/**
 * A polygon in normalised frame coordinates: [x, y] points with 0..1 running
 * left to right and top to bottom over the frame. Edges join consecutive
 * points and the last point to the first; inside is the even-odd rule.
 */
export type Polygon = ReadonlyArray<readonly [number, number]>;

/**
 * Most points one polygon may have. Reason: polygons are drawn by hand in the
 * console or the config; 64 points trace any zone, and the bound keeps the
 * per-row crossing list of the rasteriser small.
 */
export const MAX_POLYGON_POINTS = 64;

/**
 * Returns `value` as a {@linkcode Polygon} when it is an array of 3 to
 * {@linkcode MAX_POLYGON_POINTS} [x, y] pairs of numbers in 0..1; throws a
 * TypeError or RangeError naming `what` otherwise.
 */
export function checkPolygon(value: unknown, what: string): Polygon {
  if (!Array.isArray(value)) {
    throw new TypeError(`${what} must be an array of [x, y] points, got ${describe(value)}`);
  }
  if (value.length < 3 || value.length > MAX_POLYGON_POINTS) {
    throw new RangeError(
      `${what} needs 3 to ${MAX_POLYGON_POINTS} points, got ${value.length}`,
    );
  }
  for (let i = 0; i < value.length; i++) {
    const p: unknown = value[i];
    if (
      !Array.isArray(p) || p.length !== 2 || typeof p[0] !== "number" || typeof p[1] !== "number"
    ) {
      throw new TypeError(`${what} point ${i} must be a pair of numbers, got ${describe(p)}`);
    }
    for (const c of p as number[]) {
      if (!(c >= 0 && c <= 1)) {
        throw new RangeError(
          `${what} point ${i} must lie in 0..1 (normalised coordinates), got [${p[0]}, ${p[1]}]`,
        );
      }
    }
  }
  return value as Polygon;
}

/** Whether the normalised point (x, y) lies inside `polygon` (even-odd rule). */
export function pointInPolygon(polygon: Polygon, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if ((yi <= y) !== (yj <= y) && x < xj + ((y - yj) * (xi - xj)) / (yi - yj)) inside = !inside;
  }
  return inside;
}

/**
 * Sets to `value` every pixel of a `width` x `height` bitmask whose centre
 * lies inside `polygon`, the same test as {@linkcode pointInPolygon}. Runs
 * once per configuration; returns the number of pixels set.
 */
export function rasterisePolygon(
  polygon: Polygon,
  out: Uint8Array,
  options: { width: number; height: number; value?: number },
): number {
  const { width, height, value = 1 } = options;
  if (out.length < width * height) {
    throw new RangeError(
      `A ${width}x${height} bitmask needs ${width * height} bytes, got ${out.length}`,
    );
  }
  const crossings = new Float64Array(polygon.length);
  let set = 0;
  for (let row = 0; row < height; row++) {
    const y = (row + 0.5) / height;
    let n = 0;
    for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
      const [xi, yi] = polygon[i];
      const [xj, yj] = polygon[j];
      if ((yi <= y) !== (yj <= y)) crossings[n++] = xj + ((y - yj) * (xi - xj)) / (yi - yj);
    }
    crossings.subarray(0, n).sort();
    for (let k = 0; k + 1 < n; k += 2) {
      // Pixel centres (col + 0.5) / width strictly left of the right crossing.
      const first = Math.max(0, Math.ceil(crossings[k] * width - 0.5));
      const last = Math.min(width - 1, Math.ceil(crossings[k + 1] * width - 0.5) - 1);
      for (let col = first; col <= last; col++) {
        const i = row * width + col;
        if (out[i] !== value) set++;
        out[i] = value;
      }
    }
  }
  return set;
}
