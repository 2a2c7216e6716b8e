// Row types of the recording index and the conversions between SQLite rows
// and them. Private to actors/recorder: recording_index.ts re-exports the types.
import type { SQLOutputValue } from "node:sqlite";
import type { Codec } from "../defs.ts";

/** One segment as the index knows it. */
export interface SegmentRecord {
  id: number;
  camera: string;
  /** Relative to the recordings dir. */
  path: string;
  startMs: number;
  /** Null while the segment is being written. */
  endMs: number | null;
  bytes: number;
  frames: number;
  keyframes: number;
  /** The muxer closed the file; false for one cut by a crash (and repaired). */
  complete: boolean;
  /** Relative to the recordings dir, or null. */
  thumbnail: string | null;
  /** Size of the thumbnail file (0 without one); it counts towards the size limits. */
  thumbnailBytes: number;
  /** The video codec, or null when a file found on disk holds another. */
  codec: Codec | null;
}

/** What is known of a segment once it is closed (or found on disk). */
export interface SegmentStats {
  endMs: number;
  bytes: number;
  frames: number;
  keyframes: number;
  complete: boolean;
  /** The codec a scan found; absent to keep what the index has. */
  codec?: Codec | null;
}

/** An event recorded in a segment. */
export interface SegmentEvent {
  id: number;
  segmentId: number;
  kind: string;
  atMs: number;
}

/** An event with the camera of the segment it was recorded in. */
export interface CameraEvent extends SegmentEvent {
  camera: string;
}

/** A page of segments; pass `next` back as `cursor` for the following page. */
export interface SegmentPage {
  segments: SegmentRecord[];
  next: string | null;
}

/** Filters and paging of {@linkcode RecordingIndex.list}. */
export interface ListOptions {
  camera?: string;
  /** Segments that end after this time (ms). */
  fromMs?: number;
  /** Segments that start before this time (ms). */
  toMs?: number;
  limit?: number;
  cursor?: string | null;
  /** Oldest first (default) or newest first. */
  order?: "asc" | "desc";
}

export type Row = Record<string, SQLOutputValue>;

export function num(row: Row, key: string): number {
  const v = row[key];
  if (typeof v !== "number") throw new TypeError(`Index column ${key} holds ${String(v)}`);
  return v;
}

export function toRecord(row: Row): SegmentRecord {
  return {
    id: num(row, "id"),
    camera: String(row.camera),
    path: String(row.path),
    startMs: num(row, "start_ms"),
    endMs: row.end_ms === null ? null : num(row, "end_ms"),
    bytes: num(row, "bytes"),
    frames: num(row, "frames"),
    keyframes: num(row, "keyframes"),
    complete: row.complete === 1,
    thumbnail: row.thumbnail === null ? null : String(row.thumbnail),
    thumbnailBytes: num(row, "thumbnail_bytes"),
    codec: row.codec === "h264" || row.codec === "mjpeg" ? row.codec : null,
  };
}

export function checkCount(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} ${value} is not a whole, non-negative number`);
  }
  return value;
}

export function checkStats(stats: SegmentStats): void {
  for (const k of ["endMs", "bytes", "frames", "keyframes"] as const) checkCount(stats[k], k);
}

export function parseCursor(cursor: string): [number, number] {
  const m = /^(\d{1,16})\.(\d{1,16})$/.exec(cursor);
  if (m === null) throw new SyntaxError(`Page cursor ${JSON.stringify(cursor)} is not valid`);
  return [Number(m[1]), Number(m[2])];
}
