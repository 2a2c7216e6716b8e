/**
 * The glass-to-glass probe's stamp: a wall-clock time in ms drawn into the
 * top-left corner of a raw frame as a 8 × 6 grid of black and white cells,
 * big and flat enough to survive H.264 at the lowest bitrate. The console's
 * latency page reads it back from the decoded video (ui/console/).
 *
 * ```
 *  cell = 16 px (smaller only for frames under 128 × 96), row-major, MSB first
 *  ┌──┬──┬──┬──┬──┬──┬──┬──┐
 *  │b0│b1│  …                 bits 0-43: the time in ms (44 bits, until the year 2527)
 *  ├──┼──┼──                  bits 44-47: check = (sum of the eleven time nibbles + 5) mod 16
 *  │  …            b47│
 *  └──┴──┴──┴──┴──┴──┴──┴──┘
 *  1 = luma 235, 0 = luma 16; chroma under the grid is neutral (128)
 * ```
 *
 * Frames are packed I420 or NV12 (Y stride = width), as rawFrameBytes() in
 * actors/defs.ts lays them out.
 *
 * @module
 */

export const TIMECODE_COLS = 8;
export const TIMECODE_ROWS = 6;
export const TIMECODE_BITS = TIMECODE_COLS * TIMECODE_ROWS;
const VALUE_BITS = 44;
const WHITE = 235;
const BLACK = 16;
const NEUTRAL = 128;

/** Cell size in pixels for a frame size: 16 (a macroblock), smaller for tiny frames, 0 if none fits. */
export function timecodeCell(width: number, height: number): number {
  const fit = Math.min(Math.floor(width / TIMECODE_COLS), Math.floor(height / TIMECODE_ROWS));
  const cell = Math.min(16, fit - (fit % 2));
  return cell >= 2 ? cell : 0;
}

/** A rectangle of pixels: columns x0..x1-1, rows y0..y1-1. */
export interface PixelRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Where {@linkcode stampTimecode} draws in a `width` x `height` frame: the
 * grid of {@linkcode timecodeCell} cells at the top-left corner, or null when
 * no stamp fits. The detector leaves this region out of motion
 * (actors/detector/timecode_region.ts).
 */
export function timecodeRect(width: number, height: number): PixelRect | null {
  const cell = timecodeCell(width, height);
  if (cell === 0) return null;
  return { x0: 0, y0: 0, x1: TIMECODE_COLS * cell, y1: TIMECODE_ROWS * cell };
}

function checkNibble(ms: number): number {
  let sum = 0;
  let v = ms;
  for (let i = 0; i < VALUE_BITS / 4; i++) {
    sum += v % 16;
    v = Math.floor(v / 16);
  }
  return (sum + 5) % 16;
}

/** Bit `i` (0 = first cell) of the stamp of `ms`. */
function bitOf(ms: number, check: number, i: number): number {
  if (i < VALUE_BITS) return Math.floor(ms / 2 ** (VALUE_BITS - 1 - i)) % 2;
  return (check >> (TIMECODE_BITS - 1 - i)) & 1;
}

/** How a raw frame is laid out. */
export interface FrameLayout {
  format: "I420" | "NV12";
  width: number;
  height: number;
}

/** Stamps `ms` into `frame`. Returns false (and leaves it alone) when the frame is too small. */
export function stampTimecode(frame: Uint8Array, ms: number, layout: FrameLayout): boolean {
  const { format, width, height } = layout;
  const cell = timecodeCell(width, height);
  const chromaW = (width + 1) >> 1;
  const chromaH = (height + 1) >> 1;
  if (cell === 0 || frame.length < width * height + 2 * chromaW * chromaH) return false;
  const stamp = Math.max(0, Math.floor(ms)) % 2 ** VALUE_BITS;
  const check = checkNibble(stamp);
  for (let i = 0; i < TIMECODE_BITS; i++) {
    const value = bitOf(stamp, check, i) === 1 ? WHITE : BLACK;
    const x0 = (i % TIMECODE_COLS) * cell;
    const y0 = Math.floor(i / TIMECODE_COLS) * cell;
    for (let y = y0; y < y0 + cell; y++) frame.fill(value, y * width + x0, y * width + x0 + cell);
  }
  // Neutral chroma under the grid, so the luma read back from RGB is the luma written.
  const cw = (TIMECODE_COLS * cell) >> 1;
  const ch = (TIMECODE_ROWS * cell) >> 1;
  const base = width * height;
  for (let y = 0; y < ch; y++) {
    if (format === "I420") {
      frame.fill(NEUTRAL, base + y * chromaW, base + y * chromaW + cw);
      const v = base + chromaW * chromaH;
      frame.fill(NEUTRAL, v + y * chromaW, v + y * chromaW + cw);
    } else {
      frame.fill(NEUTRAL, base + y * 2 * chromaW, base + y * 2 * chromaW + 2 * cw);
    }
  }
  return true;
}

/**
 * Reads a stamp back from a luma plane (`stride` bytes per row), sampling
 * each cell's centre. Returns the ms, or null when the check does not match.
 */
export function readTimecode(
  luma: Uint8Array,
  options: { width: number; height: number; stride?: number },
): number | null {
  const cell = timecodeCell(options.width, options.height);
  if (cell === 0) return null;
  const stride = options.stride ?? options.width;
  const half = cell >> 1;
  const r = Math.max(1, cell >> 2);
  let ms = 0;
  let check = 0;
  for (let i = 0; i < TIMECODE_BITS; i++) {
    const cx = (i % TIMECODE_COLS) * cell + half;
    const cy = Math.floor(i / TIMECODE_COLS) * cell + half;
    let sum = 0;
    let n = 0;
    for (let y = cy - r; y < cy + r; y++) {
      for (let x = cx - r; x < cx + r; x++) {
        sum += luma[y * stride + x];
        n++;
      }
    }
    const bit = sum / n >= NEUTRAL ? 1 : 0;
    if (i < VALUE_BITS) ms = ms * 2 + bit;
    else check = check * 2 + bit;
  }
  return check === checkNibble(ms) ? ms : null;
}
