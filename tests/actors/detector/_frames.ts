// Synthetic frames for the detector's tests.
import { FrameFormat, rawFrameBytes } from "../../../actors/defs.ts";
import type { DetectorFrame } from "../../../actors/detector/mod.ts";
import { seededRandom } from "./_onnx.ts";

export type Rgb = readonly [number, number, number];

/** A rectangle in pixels with a fill. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A gray plane of `width` x `height` at `level`, with ±`noise` seeded noise per pixel. */
export function grayPlane(
  width: number,
  height: number,
  options: { level?: number; noise?: number; seed?: number } = {},
): Uint8Array {
  const { level = 60, noise = 0, seed = 1 } = options;
  const out = new Uint8Array(width * height).fill(level);
  if (noise > 0) addNoise(out, noise, seed);
  return out;
}

/** Adds seeded uniform noise in [-amount, amount] to every byte (clamped). */
export function addNoise(plane: Uint8Array, amount: number, seed: number): void {
  const random = seededRandom(seed);
  for (let i = 0; i < plane.length; i++) {
    plane[i] = Math.max(0, Math.min(255, plane[i] + Math.round((random() * 2 - 1) * amount)));
  }
}

/** Fills `rect` of a `width`-wide gray plane with `level` (clipped to the plane). */
export function fillRect(plane: Uint8Array, width: number, rect: Rect, level: number): void {
  const height = plane.length / width;
  for (let y = Math.max(0, rect.y); y < Math.min(height, rect.y + rect.h); y++) {
    for (let x = Math.max(0, rect.x); x < Math.min(width, rect.x + rect.w); x++) {
      plane[y * width + x] = level;
    }
  }
}

/** BT.601 limited-range Y, U, V of an RGB colour (0..255 each). */
export function rgbToYuv([r, g, b]: Rgb): Rgb {
  return [
    Math.round(16 + 0.257 * r + 0.504 * g + 0.098 * b),
    Math.round(128 - 0.148 * r - 0.291 * g + 0.439 * b),
    Math.round(128 + 0.439 * r - 0.368 * g - 0.071 * b),
  ];
}

/** An I420 or NV12 frame of one colour with coloured rectangles (chroma taken per 2x2 block at its top-left). */
export function colourFrame(
  width: number,
  height: number,
  options: {
    format?: typeof FrameFormat.I420 | typeof FrameFormat.NV12;
    background?: Rgb;
    rects?: (Rect & { rgb: Rgb })[];
  } = {},
): DetectorFrame {
  const { format = FrameFormat.I420, background = [0, 0, 0], rects = [] } = options;
  const colourAt = (x: number, y: number): Rgb => {
    let c = background;
    for (const r of rects) if (x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h) c = r.rgb;
    return c;
  };
  const data = new Uint8Array(rawFrameBytes(format, width, height));
  const cw = (width + 1) >> 1, ch = (height + 1) >> 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data[y * width + x] = rgbToYuv(colourAt(x, y))[0];
  }
  for (let cy = 0; cy < ch; cy++) {
    for (let cx = 0; cx < cw; cx++) {
      const [, u, v] = rgbToYuv(colourAt(2 * cx, 2 * cy));
      if (format === FrameFormat.I420) {
        data[width * height + cy * cw + cx] = u;
        data[width * height + cw * ch + cy * cw + cx] = v;
      } else {
        data[width * height + cy * 2 * cw + 2 * cx] = u;
        data[width * height + cy * 2 * cw + 2 * cx + 1] = v;
      }
    }
  }
  return { data, format, width, height };
}

/** A GRAY8 frame with white rectangles on black. */
export function grayFrame(
  width: number,
  height: number,
  rects: Rect[] = [],
  level = 255,
): DetectorFrame {
  const data = new Uint8Array(width * height);
  for (const r of rects) fillRect(data, width, r, level);
  return { data, format: FrameFormat.GRAY8, width, height };
}
