import { FrameFormat } from "../defs.ts";
import { checkInteger } from "./_check.ts";
import { checkFrame, checkFrameSize, type DetectorFrame } from "./frame.ts";

/** Grey of the letterbox bars, as YOLOv8/YOLO11 were trained with (114 / 255). */
export const PAD_VALUE = 114 / 255;

/**
 * Largest model input side. Reason: the input tensor is 3 x S x S floats;
 * 2048 (48 MiB) is past any YOLO export a Pi could run.
 */
export const MAX_INPUT_SIZE = 2048;

/**
 * How a `srcWidth` x `srcHeight` frame sits in a `size` x `size` model input:
 * scaled to fit, aspect kept, centred between grey bars.
 *
 * ```
 *   ┌──────── size ────────┐
 *   │  pad (top rows)      │
 *   │──────────────────────│ ← top
 *   │ frame, scaleX/scaleY │  width × height
 *   │──────────────────────│
 *   │  pad                 │
 *   └──────────────────────┘   (left/right bars for tall frames)
 * ```
 */
export interface LetterboxGeometry {
  size: number;
  srcWidth: number;
  srcHeight: number;
  /** Size of the scaled frame inside the input. */
  width: number;
  height: number;
  /** Offset of the scaled frame inside the input. */
  left: number;
  top: number;
  /** width / srcWidth and height / srcHeight (equal up to rounding). */
  scaleX: number;
  scaleY: number;
}

/** The letterbox of a `srcWidth` x `srcHeight` frame in a square model input of side `size`. */
export function letterboxGeometry(
  srcWidth: number,
  srcHeight: number,
  options: { size: number },
): LetterboxGeometry {
  checkFrameSize(srcWidth, srcHeight);
  const size = checkInteger("size", options.size, 8, MAX_INPUT_SIZE);
  const scale = Math.min(size / srcWidth, size / srcHeight);
  const width = Math.min(size, Math.max(1, Math.round(srcWidth * scale)));
  const height = Math.min(size, Math.max(1, Math.round(srcHeight * scale)));
  const left = (size - width) >> 1;
  const top = (size - height) >> 1;
  return {
    size,
    srcWidth,
    srcHeight,
    width,
    height,
    left,
    top,
    scaleX: width / srcWidth,
    scaleY: height / srcHeight,
  };
}

/** Maps an x in model-input pixels to frame pixels (not clamped). */
export function inputToFrameX(g: LetterboxGeometry, x: number): number {
  return (x - g.left) / g.scaleX;
}

/** Maps a y in model-input pixels to frame pixels (not clamped). */
export function inputToFrameY(g: LetterboxGeometry, y: number): number {
  return (y - g.top) / g.scaleY;
}

/**
 * Writes frames into a preallocated NCHW float tensor [1, 3, S, S], RGB,
 * 0..1, letterboxed with {@linkcode PAD_VALUE} bars. Resampling is bilinear
 * on Y (as cv2.INTER_LINEAR, pixel centres aligned) and nearest on chroma.
 * I420 and NV12 convert to RGB with BT.601 limited-range coefficients (what
 * cameras and GStreamer produce); GRAY8 fills all three channels with Y.
 * Tables and bars are made once; {@linkcode Letterbox.fill} allocates nothing.
 */
export class Letterbox {
  readonly geometry: LetterboxGeometry;
  /** The model input, [1, 3, size, size]. */
  readonly tensor: Float32Array;
  #x0: Int32Array;
  #x1: Int32Array;
  #fx: Float32Array;
  #cx: Int32Array;
  #y0: Int32Array;
  #y1: Int32Array;
  #fy: Float32Array;
  #cy: Int32Array;

  constructor(
    srcWidth: number,
    srcHeight: number,
    options: { size: number; tensor?: Float32Array },
  ) {
    const g = letterboxGeometry(srcWidth, srcHeight, options);
    this.geometry = g;
    const plane = g.size * g.size;
    this.tensor = options.tensor ?? new Float32Array(3 * plane);
    if (this.tensor.length !== 3 * plane) {
      throw new RangeError(
        `A ${g.size}x${g.size} input needs ${3 * plane} floats, got ${this.tensor.length}`,
      );
    }
    this.tensor.fill(PAD_VALUE);
    [this.#x0, this.#x1, this.#fx, this.#cx] = axisTable(g.width, srcWidth);
    [this.#y0, this.#y1, this.#fy, this.#cy] = axisTable(g.height, srcHeight);
  }

  /** Writes `frame` (the size this letterbox was made for) into {@linkcode Letterbox.tensor}. */
  fill(frame: DetectorFrame): Float32Array {
    checkFrame(frame);
    const g = this.geometry;
    if (frame.width !== g.srcWidth || frame.height !== g.srcHeight) {
      throw new RangeError(
        `This letterbox takes ${g.srcWidth}x${g.srcHeight} frames, got ${frame.width}x${frame.height}`,
      );
    }
    const { data, format } = frame;
    const sw = g.srcWidth;
    const cw = (sw + 1) >> 1;
    const uBase = sw * g.srcHeight;
    const vBase = uBase + cw * ((g.srcHeight + 1) >> 1);
    const plane = g.size * g.size;
    const t = this.tensor;
    const x0 = this.#x0, x1 = this.#x1, fx = this.#fx, cx = this.#cx;
    for (let oy = 0; oy < g.height; oy++) {
      const r0 = this.#y0[oy] * sw, r1 = this.#y1[oy] * sw, wy = this.#fy[oy];
      const crow = this.#cy[oy];
      let o = (g.top + oy) * g.size + g.left;
      for (let ox = 0; ox < g.width; ox++, o++) {
        const a = x0[ox], b = x1[ox], wx = fx[ox];
        const top = data[r0 + a] + wx * (data[r0 + b] - data[r0 + a]);
        const bottom = data[r1 + a] + wx * (data[r1 + b] - data[r1 + a]);
        const y = top + wy * (bottom - top);
        if (format === FrameFormat.GRAY8) {
          const v = y * (1 / 255);
          t[o] = v;
          t[o + plane] = v;
          t[o + 2 * plane] = v;
          continue;
        }
        let u: number, v: number;
        if (format === FrameFormat.I420) {
          const ci = crow * cw + cx[ox];
          u = data[uBase + ci] - 128;
          v = data[vBase + ci] - 128;
        } else {
          const ci = uBase + crow * 2 * cw + 2 * cx[ox];
          u = data[ci] - 128;
          v = data[ci + 1] - 128;
        }
        // BT.601 limited range: Y 16..235, U/V 16..240 around 128.
        const c = 1.164 * (y - 16);
        t[o] = clamp01((c + 1.596 * v) * (1 / 255));
        t[o + plane] = clamp01((c - 0.392 * u - 0.813 * v) * (1 / 255));
        t[o + 2 * plane] = clamp01((c + 2.017 * u) * (1 / 255));
      }
    }
    return t;
  }
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

// For each output position along one axis: the two source samples, the
// weight of the second, and the chroma sample (half resolution, nearest).
function axisTable(
  outLength: number,
  srcLength: number,
): [Int32Array, Int32Array, Float32Array, Int32Array] {
  const i0 = new Int32Array(outLength);
  const i1 = new Int32Array(outLength);
  const f = new Float32Array(outLength);
  const c = new Int32Array(outLength);
  const step = srcLength / outLength;
  for (let o = 0; o < outLength; o++) {
    const s = Math.min(srcLength - 1, Math.max(0, (o + 0.5) * step - 0.5));
    const a = Math.floor(s);
    i0[o] = a;
    i1[o] = Math.min(srcLength - 1, a + 1);
    f[o] = s - a;
    c[o] = Math.min(((srcLength + 1) >> 1) - 1, Math.round(s) >> 1);
  }
  return [i0, i1, f, c];
}
