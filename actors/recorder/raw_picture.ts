/**
 * The camera's newest raw frame, copied out of its raw ring for a thumbnail:
 * a reader attaches at the newest frame, copies it, checks it was not torn,
 * and detaches (one frame a segment; it holds no place in the ring between).
 *
 * @module
 */
import { FrameFormat, type RawFormat } from "../defs.ts";
import { RingReader } from "../ring/mod.ts";

export interface RawFrame {
  bytes: Uint8Array<ArrayBuffer>;
  format: RawFormat;
  width: number;
  height: number;
}

function rawFormat(format: number): RawFormat | null {
  switch (format) {
    case FrameFormat.I420:
      return "I420";
    case FrameFormat.NV12:
      return "NV12";
    default:
      return null;
  }
}

/** The newest intact frame of `ring` (as reader `index`), or null when there is none now. */
export function newestRawFrame(ring: SharedArrayBuffer, index: number): RawFrame | null {
  const reader = new RingReader(ring, index, { start: "latest" });
  try {
    if (!reader.next()) return null;
    const format = rawFormat(reader.format);
    if (format === null || reader.width <= 0 || reader.height <= 0) return null;
    const bytes = new Uint8Array(reader.size);
    if (reader.copyTo(bytes) < 0) return null; // overwritten while copied
    return { bytes, format, width: reader.width, height: reader.height };
  } finally {
    reader.close();
  }
}
