/**
 * Whether the recorder may open a segment: its disk as a link to the world
 * outside (actors/supervisor/link.ts). A segment that fails to write takes
 * the link offline with the cause — "disk full at /rec: 400 kB free, floor
 * 2.0 MB" for a full disk or quota, the error itself otherwise — and no
 * segment opens before the retry time (`LINK_RETRY`). A full disk is
 * measured before each retry and stays offline, without a file being made,
 * until it has room above the floor. The main thread's floor check (the
 * retention loop) holds recording too, with its own cause. The recorder and
 * everything else of the camera keep running meanwhile.
 *
 * @module
 */
import { statfsSync } from "node:fs";
import { Link, type LinkNote } from "../supervisor/link.ts";
import { resumeMargin } from "./floor.ts";
import { formatSize } from "./units.ts";

/**
 * A segment that wrote this long without an error proves the disk works
 * again. Reason: mp4mux writes a fragment every 500 ms; a full disk fails
 * the first write, so two fragments' time is proof enough.
 */
export const WRITE_PROBATION_MS = 1000;

/** GStreamer's resource error domain, and its "no space left" code (GST_RESOURCE_ERROR_NO_SPACE_LEFT). */
const RESOURCE_DOMAIN = "gst-resource-error-quark";
const NO_SPACE_LEFT = 14;

/** Whether a write failure means the disk (or the user's quota) is full. */
export function isDiskFull(
  error: { message: string; debug?: string; domain?: string; code?: number },
): boolean {
  if (error.domain === RESOURCE_DOMAIN && error.code === NO_SPACE_LEFT) return true;
  return /no space left|disk quota exceeded|ENOSPC|EDQUOT|os error 28\b/i.test(
    `${error.message} ${error.debug ?? ""}`,
  );
}

/** Why recording is held, as the recorder's state shows it. */
export type HoldState = "disk_full" | "failing";

/** Where the hold stands, for stats. */
export interface HoldStatus {
  /** null while writing may go on. */
  state: HoldState | null;
  /** Why, in words a user can act on; null when not held. */
  cause: string | null;
  /** When the next try starts (epoch ms); null when not held, or held by the floor check. */
  retryAt: number | null;
}

/** Bytes available on the filesystem of `dir` (statvfs), or null when it cannot be read. */
function statfsFree(dir: string): number | null {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

export interface DiskHoldOptions {
  /** The recordings dir. */
  dir: string;
  /** recording.min_free in bytes. */
  floorBytes: number;
  /** Free bytes of `dir`'s disk (default statfs). */
  freeBytes?: (dir: string) => number | null;
  now?: () => number;
  random?: () => number;
}

/** The recorder's link to its disk. */
export class DiskHold {
  readonly #dir: string;
  readonly #floor: number;
  readonly #free: (dir: string) => number | null;
  readonly #now: () => number;
  readonly link: Link;
  #kind: HoldState = "failing";
  /** The display cause of the last fault (a full disk's with the free bytes measured). */
  #cause = "";
  /** The main thread's floor hold: its cause, or null. */
  #floorCause: string | null = null;

  constructor(options: DiskHoldOptions) {
    this.#dir = options.dir;
    this.#floor = options.floorBytes;
    this.#free = options.freeBytes ?? statfsFree;
    this.#now = options.now ?? Date.now;
    this.link = new Link({
      what: `recording to ${options.dir}`,
      now: this.#now,
      random: options.random,
    });
    // Nothing is known to be wrong at the start: a first segment is the first try.
    this.link.up();
  }

  /** Free space needed before a retry after a full disk: the floor and the retention loop's margin. */
  get #room(): number {
    return this.#floor + resumeMargin(this.#floor);
  }

  #fullCause(free: number | null): string {
    const floor = `floor ${formatSize(this.#floor)}`;
    return free === null
      ? `disk full at ${this.#dir} (${floor})`
      : `disk full at ${this.#dir}: ${formatSize(free)} free, ${floor}`;
  }

  /**
   * Whether a segment may open now. At the retry time of a full disk it
   * measures first: still under the floor (plus margin) is another failed
   * try, with no file made. Returns a note for the log when there is one.
   */
  may(): { ok: boolean; note: LinkNote | null } {
    if (this.#floorCause !== null) return { ok: false, note: null };
    const s = this.link.state;
    if (s.state !== "offline") return { ok: true, note: null };
    if (this.#now() < s.retryAt) return { ok: false, note: null };
    if (this.#kind === "disk_full") {
      const free = this.#free(this.#dir);
      if (free !== null && free < Math.max(this.#room, 1)) {
        this.#cause = this.#fullCause(free);
        return { ok: false, note: this.link.down(this.#fullCause(null)).note };
      }
    }
    this.link.connecting();
    return { ok: true, note: null };
  }

  /** A segment failed to open or write. Returns a note for the log when the state or cause changed. */
  fault(
    error: { message: string; debug?: string; domain?: string; code?: number },
  ): LinkNote | null {
    if (isDiskFull(error)) {
      this.#kind = "disk_full";
      this.#cause = this.#fullCause(this.#free(this.#dir));
      // The link's cause leaves out the free bytes, so a new measure is not a new cause.
      return this.link.down(this.#fullCause(null)).note;
    }
    this.#kind = "failing";
    this.#cause = error.message;
    return this.link.down(error.message).note;
  }

  /** A segment has written for {@linkcode WRITE_PROBATION_MS}: the disk works (a note when it had not). */
  wrote(): LinkNote | null {
    if (this.link.state.state === "up") return null;
    return this.link.up();
  }

  /** The main thread's floor check: held with `cause`, or released (null). */
  setFloor(cause: string | null): void {
    this.#floorCause = cause;
    // Space came back: a full disk need not wait out its backoff.
    const s = this.link.state;
    if (cause === null && this.#kind === "disk_full" && s.state === "offline") {
      this.link.connecting();
    }
  }

  status(): HoldStatus {
    if (this.#floorCause !== null) {
      return { state: "disk_full", cause: this.#floorCause, retryAt: null };
    }
    const s = this.link.state;
    if (s.state !== "offline") return { state: null, cause: null, retryAt: null };
    return { state: this.#kind, cause: this.#cause, retryAt: s.retryAt };
  }
}
