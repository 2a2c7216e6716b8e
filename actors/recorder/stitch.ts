/**
 * Stitching segments into one download, as pure parts: the messages between
 * the HTTP route and the stitch Worker, and the trimmer that decides which
 * access units of the segments fall in the requested range. The output
 * starts at the keyframe at or before `from` (a player cannot start
 * elsewhere) and ends before the first access unit at or after `to`.
 *
 * @module
 */

import type { ExportFile, ExportJob } from "./stitch_run.ts";

/** One segment file to read, in time order. */
export type StitchFile = ExportFile;

export type ToStitcher =
  /** Export `job` as bytes ("chunk" messages). */
  | { type: "start"; job: ExportJob }
  /** Export `job` into the file at `path` (created), then say "done". */
  | { type: "file"; job: ExportJob; path: string }
  /** Hand out the pictures of an MJPEG recording ("frame" messages). */
  | { type: "frames"; files: StitchFile[]; fromMs: number; toMs: number }
  /** The reader took a chunk or frame: send the next. */
  | { type: "more" }
  | { type: "cancel" };

export type FromStitcher =
  | { type: "chunk"; bytes: Uint8Array }
  | { type: "frame"; bytes: Uint8Array; atMs: number }
  /** Media time muxed so far, ms from the first frame. */
  | { type: "progress"; doneMs: number }
  | { type: "done"; frames: number }
  | { type: "error"; message: string };

/** What to do with one access unit. */
export type TrimAction =
  /** Before the range: keep it, since a later one may need it (it is in the GOP that holds `from`). */
  | "hold"
  /** Before the range and a keyframe: forget what was held, keep this. */
  | "restart"
  /** In the range: write what is held, then this. */
  | "emit"
  /** At or past the end: stop. */
  | "end";

/** Decides, one access unit at a time, what of the segments goes into the download. */
export class RangeTrimmer {
  readonly #fromMs: number;
  readonly #toMs: number;
  #started = false;

  constructor(range: { fromMs: number; toMs: number }) {
    if (!(range.toMs > range.fromMs)) {
      throw new RangeError(`Range end ${range.toMs} is not after its start ${range.fromMs}`);
    }
    this.#fromMs = range.fromMs;
    this.#toMs = range.toMs;
  }

  /** Whether anything has been emitted yet. */
  get started(): boolean {
    return this.#started;
  }

  /** The action for an access unit at `atMs` (absolute, UTC ms). */
  next(atMs: number, keyframe: boolean): TrimAction {
    if (atMs >= this.#toMs) return "end";
    if (this.#started) return "emit";
    if (atMs < this.#fromMs) return keyframe ? "restart" : "hold";
    this.#started = true;
    return "emit";
  }
}
