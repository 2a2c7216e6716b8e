/**
 * One door to the light scanners of every container: what a segment file
 * holds (frames, keyframes, duration, codec) and the crash repair, picked by
 * the file's extension. MP4 and MOV share the box scanner (qtmux writes the
 * same fragments as mp4mux, under a `qt  ` brand); Matroska and AVI have
 * their own. Reconcile, the recorder and sealing all measure through here.
 *
 * @module
 */
import type { Codec } from "../defs.ts";
import { repairAvi } from "./avi_scan.ts";
import { containerOf, type RecordingContainer } from "./container.ts";
import { repairMkv } from "./mkv_scan.ts";
import { type Mp4Scan, repairMp4 } from "./mp4_scan.ts";

/** What a scan learned about a segment, whatever its container. */
export interface SegmentScan {
  container: RecordingContainer;
  /** The video codec, or null when it is neither H.264 nor MJPEG (or the file has no header). */
  codec: Codec | null;
  fileBytes: number;
  /** Bytes from the start that hold whole boxes, elements or chunks. */
  validBytes: number;
  /** The muxer closed the file cleanly. */
  finalised: boolean;
  durationMs: number;
  frames: number;
  keyframes: number;
  /** Why the scan stopped before the end of the file, or null. */
  damage: string | null;
}

/** What {@linkcode repairSegment} did. */
export interface SegmentRepair {
  /** Bytes cut off the end (0 when whole, or left alone). */
  truncatedBytes: number;
  /** Why a damaged file was left as it is, or null. */
  leftAlone: string | null;
  /** The file as it is now. */
  scan: SegmentScan;
}

const MP4_CODECS: Record<string, Codec> = {
  avc1: "h264",
  avc3: "h264",
  jpeg: "mjpeg",
  mjpa: "mjpeg",
  mjpb: "mjpeg",
};

function fromMp4(container: RecordingContainer, s: Mp4Scan): SegmentScan {
  return {
    container,
    codec: MP4_CODECS[s.sampleEntry] ?? null,
    fileBytes: s.fileBytes,
    validBytes: s.validBytes,
    finalised: s.finalised,
    durationMs: s.durationMs,
    frames: s.frames,
    keyframes: s.keyframes,
    damage: s.damage,
  };
}

/**
 * Measures the segment at `path` and repairs what a crash left: a fragment,
 * block or chunk cut short is cut off; Matroska gets its duration, AVI its
 * counts and index. Leaves it untouched (and says why) when the damage is
 * more than a crash explains.
 *
 * @throws {SyntaxError} when the file is not the container its extension names.
 * @throws {RangeError} when a header is larger than the scanners read.
 */
export async function repairSegment(
  path: string,
  options: { maxDiscardBytes?: number } = {},
): Promise<SegmentRepair> {
  const container = containerOf(path);
  switch (container) {
    case "mp4":
    case "mov": {
      const r = await repairMp4(path, options);
      return { ...r, scan: fromMp4(container, r.scan) };
    }
    case "mkv": {
      const r = await repairMkv(path, options);
      return {
        truncatedBytes: r.truncatedBytes,
        leftAlone: r.leftAlone,
        scan: { container, ...pick(r.scan) },
      };
    }
    case "avi": {
      const r = await repairAvi(path, options);
      return {
        truncatedBytes: r.truncatedBytes,
        leftAlone: r.leftAlone,
        scan: { container, ...pick(r.scan) },
      };
    }
    case null:
      throw new SyntaxError(`File ${JSON.stringify(path)} has no segment extension`);
  }
}

function pick(s: Omit<SegmentScan, "container">): Omit<SegmentScan, "container"> {
  return {
    codec: s.codec,
    fileBytes: s.fileBytes,
    validBytes: s.validBytes,
    finalised: s.finalised,
    durationMs: s.durationMs,
    frames: s.frames,
    keyframes: s.keyframes,
    damage: s.damage,
  };
}
