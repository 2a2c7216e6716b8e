/**
 * Retention and the free-disk floor while eyrie runs: one check at a time
 * (a call during a check schedules one more after it), on a timer and
 * whenever a segment closes. It says when the floor cannot be met, and when
 * free space is back above it with a margin, so recording does not flap.
 *
 * @module
 */
import type { Logger } from "../log/logger.ts";
import type { RecordingIndex } from "./recording_index.ts";
import { enforceRetention } from "./retention_apply.ts";
import type { RetentionPolicy } from "./retention.ts";
import { formatSize } from "./units.ts";
import { resumeMargin } from "./floor.ts";

/** What the loop needs. */
export interface RetentionLoopOptions {
  dir: string;
  index: RecordingIndex;
  log: Logger;
  /** The limits as of now. */
  policy: () => RetentionPolicy;
  /** Free bytes of the recordings disk. */
  freeBytes: (dir: string) => Promise<number>;
  /** Called when recording must stop (with the cause) or may go on (null). */
  onDiskFull: (cause: string | null) => void;
}

/** Retention on a timer, and the disk floor's state. */
export class RetentionLoop {
  readonly #o: RetentionLoopOptions;
  #timer: ReturnType<typeof setInterval> | undefined;
  #checking: Promise<void> | null = null;
  #again = false;
  #diskFull = false;
  #free: number | null = null;
  #cause: string | null = null;
  #stopped = false;
  /** The last error reading free space, logged once until it changes. */
  #statError = "";

  constructor(options: RetentionLoopOptions) {
    this.#o = options;
  }

  /** True while the free-disk floor holds recording back. */
  get diskFull(): boolean {
    return this.#diskFull;
  }

  /** Free bytes on the recordings disk at the last check. */
  get freeBytes(): number | null {
    return this.#free;
  }

  /** While the floor holds recording back: "disk full at /rec: 400 kB free, floor 2.0 MB". */
  get cause(): string | null {
    return this.#cause;
  }

  /** Checks every `everyMs` from now on. */
  start(everyMs: number): void {
    this.#timer = setInterval(() => this.check().catch(() => {}), everyMs);
  }

  /** Applies retention and the floor now; concurrent calls share one run. */
  check(): Promise<void> {
    if (this.#checking !== null) {
      this.#again = true;
      return this.#checking;
    }
    this.#checking = (async () => {
      try {
        do {
          this.#again = false;
          await this.#enforce();
        } while (this.#again && !this.#stopped);
      } finally {
        this.#checking = null;
      }
    })();
    return this.#checking;
  }

  /** Stops the timer and waits for a check under way. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#checking?.catch(() => {});
    this.#stopped = true;
  }

  async #enforce(): Promise<void> {
    if (this.#stopped) return;
    const { dir, index, log } = this.#o;
    let free: number;
    try {
      free = await this.#o.freeBytes(dir);
    } catch (e) {
      const error = (e as Error).message;
      if (error !== this.#statError) log.error("cannot read free disk space", { error });
      this.#statError = error;
      return;
    }
    this.#statError = "";
    const policy = this.#o.policy();
    const result = await enforceRetention(policy, {
      dir,
      index,
      nowMs: Date.now(),
      freeBytes: free,
    });
    if (result.deleted.length > 0) {
      log.info("retention", {
        deleted: result.deleted.length,
        freed: formatSize(result.bytesFreed),
      });
      free = await this.#o.freeBytes(dir).catch(() => free + result.bytesFreed);
    }
    for (const f of result.failed) {
      log.warn("retention could not delete", { path: f.path, reason: f.reason });
    }
    this.#free = free;
    const floor = policy.minFreeBytes;
    // One sample decides both: what retention deleted and whether recording holds.
    const full = result.stopRecording || (this.#diskFull && free < floor + resumeMargin(floor));
    if (full) {
      this.#cause = `disk full at ${dir}: ${formatSize(free)} free, floor ${formatSize(floor)}`;
    }
    if (full === this.#diskFull) return;
    this.#diskFull = full;
    if (full) {
      log.error("recording paused: the disk is at its free-space floor", {
        dir,
        free: formatSize(free),
        floor: formatSize(floor),
      });
    } else {
      this.#cause = null;
      log.info("recording resumes: free space is back above the floor", { free: formatSize(free) });
    }
    this.#o.onDiskFull(this.#cause);
  }
}
