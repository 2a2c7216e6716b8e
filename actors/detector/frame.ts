import { FrameFormat, rawFrameBytes } from "../defs.ts";

/**
 * A raw frame as the detector reads it from its ring: tightly packed planes
 * (no row padding), Y first. Only the Y plane is read for motion; the model
 * also reads U and V (I420) or the interleaved UV plane (NV12).
 */
export interface DetectorFrame {
  data: Uint8Array;
  format: FrameFormat;
  width: number;
  height: number;
}

/** Frame formats the detector can analyse. */
export type RawDetectorFormat =
  | typeof FrameFormat.I420
  | typeof FrameFormat.NV12
  | typeof FrameFormat.GRAY8;

/**
 * Largest frame side the detector accepts. Reason: the detector reads a
 * downscaled copy; a 4K side is already generous, and the bound keeps the
 * preallocated tables and masks small.
 */
export const MAX_FRAME_SIDE = 4096;

/** Throws a RangeError when a frame size is not usable. */
export function checkFrameSize(width: number, height: number): void {
  if (!Number.isInteger(width) || width < 2 || width > MAX_FRAME_SIDE) {
    throw new RangeError(
      `Frame width must be an integer from 2 to ${MAX_FRAME_SIDE}, got ${width}`,
    );
  }
  if (!Number.isInteger(height) || height < 2 || height > MAX_FRAME_SIDE) {
    throw new RangeError(
      `Frame height must be an integer from 2 to ${MAX_FRAME_SIDE}, got ${height}`,
    );
  }
}

/**
 * Throws when a frame cannot be analysed: a format other than I420, NV12 or
 * GRAY8 (TypeError), or fewer bytes than its format and size need (RangeError).
 */
export function checkFrame(frame: DetectorFrame): void {
  const { format, width, height, data } = frame;
  if (format !== FrameFormat.I420 && format !== FrameFormat.NV12 && format !== FrameFormat.GRAY8) {
    throw new TypeError(`Frame format ${format} cannot be analysed; use I420, NV12 or GRAY8`);
  }
  checkFrameSize(width, height);
  const need = rawFrameBytes(format, width, height);
  if (data.length < need) {
    throw new RangeError(
      `A ${width}x${height} frame needs ${need} bytes, got ${data.length}`,
    );
  }
}
