import {
  E_AUX,
  E_CAPTURE,
  E_DURATION,
  E_FLAGS,
  E_FORMAT,
  E_HEIGHT,
  E_OFFSET,
  E_PTS,
  E_SEQ,
  E_SIZE,
  E_WIDTH,
  entryBase,
  H_CLOSED,
  H_OLDEST,
  H_WRITE_SEQ,
  MAX_READERS,
  R_CURSOR,
  R_DROPS,
  R_GAPS,
  R_STATE,
  READER_BYTES,
  READER_TABLE,
  type RingViews,
  views,
} from "./_layout.ts";
import { nextTick, release, TICK_MS } from "./_tick.ts";

const timedOut = () => "timed-out";

/** Same bit as FrameFlags.KEYFRAME in actors/defs.ts; the ring reads only this one flag. */
const KEYFRAME = 1;

/**
 * Where a reader starts, and where it resyncs after being overrun:
 * - `latest`: the newest entry (raw frames: a live consumer wants the freshest frame);
 * - `keyframe`: the newest entry flagged as keyframe still intact, else the next
 *   keyframe to arrive (access units: a decoder cannot start anywhere else);
 * - `next`: only entries committed after attaching (start only; resyncs like `latest`).
 */
export type ReaderStart = "latest" | "keyframe" | "next";

export type WaitResult = "ready" | "timed-out" | "closed";

/**
 * One reader of a ring, with its own cursor. After {@linkcode next} returns
 * true, the entry's fields describe the current entry; its bytes are read by
 * {@linkcode copyTo} (checked) or {@linkcode view} followed by {@linkcode valid}.
 */
export class RingReader {
  readonly #v: RingViews;
  readonly #table: Int32Array;
  readonly #resync: "latest" | "keyframe";
  #cursor: number;
  #waitingForKeyframe = false;
  #gapPending = false;
  /** The pending untimed waitAsync of {@linkcode wait}, and the write sequence it waits to change. */
  #waiting: Promise<string> | null = null;
  #waitingFor = 0;

  /** The whole data area; the current entry is `data[offset, offset + size)`. */
  readonly data: Uint8Array;
  seq = 0;
  size = 0;
  offset = 0;
  flags = 0;
  format = 0;
  width = 0;
  height = 0;
  aux = 0;
  pts = 0;
  captureNs = 0;
  durationNs = 0;
  /** True when entries were lost just before the current one (overrun, torn read, attach). */
  gap = false;

  /** Attaches as reader `index` (0 to 15). Each consumer of a ring keeps a fixed index. */
  constructor(sab: SharedArrayBuffer, index: number, options: { start?: ReaderStart } = {}) {
    if (!Number.isInteger(index) || index < 0 || index >= MAX_READERS) {
      throw new RangeError(`A reader index must be 0 to ${MAX_READERS - 1}, got ${index}`);
    }
    const v = views(sab);
    this.#v = v;
    this.data = v.data;
    this.#table = new Int32Array(sab, READER_TABLE + index * READER_BYTES, READER_BYTES / 4);
    const start = options.start ?? "latest";
    this.#resync = start === "keyframe" ? "keyframe" : "latest";
    Atomics.store(this.#table, R_STATE, 1);
    const w = Atomics.load(v.header, H_WRITE_SEQ);
    this.#cursor = w;
    if (start !== "next") this.#resyncFrom(w, false);
    Atomics.store(this.#table, R_CURSOR, this.#cursor);
  }

  /** Entries this reader has lost since it attached (overruns, torn reads, keyframe waits). */
  get drops(): number {
    return Atomics.load(this.#table, R_DROPS) >>> 0;
  }

  /** Entries committed but not yet taken by this reader. */
  get lag(): number {
    return (Atomics.load(this.#v.header, H_WRITE_SEQ) - this.#cursor) | 0;
  }

  /** Whether the ring currently has no writer. */
  get closed(): boolean {
    return Atomics.load(this.#v.header, H_CLOSED) === 1;
  }

  /** Moves to the next intact entry. False when there is none yet. */
  next(): boolean {
    const v = this.#v;
    for (;;) {
      const w = Atomics.load(v.header, H_WRITE_SEQ);
      if (this.#cursor === w) return false;
      const oldest = Atomics.load(v.header, H_OLDEST);
      if (((this.#cursor - oldest) | 0) < 0) {
        this.#resyncFrom(w, true);
        if (this.#cursor === w) return false;
      }
      const seq = this.#cursor;
      const i = entryBase(seq, v.entryCount);
      const f = i >> 1;
      this.seq = seq;
      this.size = v.entriesI32[i + E_SIZE];
      this.offset = v.entriesI32[i + E_OFFSET];
      this.flags = v.entriesI32[i + E_FLAGS];
      this.format = v.entriesI32[i + E_FORMAT];
      this.width = v.entriesI32[i + E_WIDTH];
      this.height = v.entriesI32[i + E_HEIGHT];
      this.aux = v.entriesI32[i + E_AUX];
      this.pts = v.entriesF64[f + E_PTS];
      this.captureNs = v.entriesF64[f + E_CAPTURE];
      this.durationNs = v.entriesF64[f + E_DURATION];
      const seqInEntry = v.entriesI32[i + E_SEQ];
      this.#cursor = (seq + 1) | 0;
      // The metadata must belong to `seq` and still be intact after reading it.
      if (seqInEntry !== seq || !this.#intact(seq)) {
        this.#drop(1);
        continue;
      }
      if (this.#waitingForKeyframe) {
        if ((this.flags & KEYFRAME) === 0) {
          this.#drop(1);
          continue;
        }
        this.#waitingForKeyframe = false;
      }
      this.gap = this.#gapPending;
      this.#gapPending = false;
      return true;
    }
  }

  /** A view of the current entry's bytes. Check {@linkcode valid} after using it. */
  view(): Uint8Array {
    return this.data.subarray(this.offset, this.offset + this.size);
  }

  /** Whether the current entry's bytes were intact through everything read so far. */
  valid(): boolean {
    if (this.#intact(this.seq)) return true;
    this.#drop(1);
    return false;
  }

  /** Copies the current entry into `dst` at `at`; returns its size, or -1 if it was overwritten meanwhile. */
  copyTo(dst: Uint8Array, at = 0): number {
    if (this.size > dst.length - at) {
      throw new RangeError(`An entry of ${this.size} bytes does not fit in ${dst.length - at}`);
    }
    dst.set(this.data.subarray(this.offset, this.offset + this.size), at);
    return this.valid() ? this.size : -1;
  }

  /**
   * Waits (without blocking the event loop) until an entry is ready, the
   * writer leaves, or the timeout. A ring without a writer (one that is
   * restarting) still waits out the timeout before it answers "closed", so
   * a reader that loops on wait() never spins while its writer is away.
   * A timeout of {@linkcode TICK_MS} or more ends on the thread's coarse
   * clock (_tick.ts), up to TICK_MS late: a wait that a write ends leaves no
   * timer behind to wake the thread for nothing.
   */
  async wait(timeoutMs: number): Promise<WaitResult> {
    const h = this.#v.header;
    if (Atomics.load(h, H_WRITE_SEQ) !== this.#cursor) return "ready";
    if (timeoutMs < TICK_MS) return await this.#waitShort(timeoutMs);
    // One untimed waitAsync per value waited for: one that a tick outlasted is still pending
    // (until the next write) and serves the next wait, so none pile up while nothing comes.
    if (this.#waiting === null || this.#waitingFor !== this.#cursor) {
      const r = Atomics.waitAsync(h, H_WRITE_SEQ, this.#cursor);
      if (!r.async) return this.#settle(r.value);
      const value = r.value.then(() => {
        if (this.#waiting === value) this.#waiting = null;
        return "ok";
      });
      this.#waiting = value;
      this.#waitingFor = this.#cursor;
    }
    const woken = this.#waiting;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      // Neither promise rejects, so every nextTick() is released.
      const outcome = await Promise.race([woken, nextTick().then(timedOut)]);
      release();
      if (outcome !== "timed-out" || this.#waiting !== woken) return this.#settle("ok");
      if (Atomics.load(h, H_WRITE_SEQ) !== this.#cursor) return "ready";
      if (performance.now() >= deadline) return this.#settle("timed-out");
    }
  }

  /** A wait shorter than a tick: V8's own timeout (one wake-up more per wait, see _tick.ts). */
  async #waitShort(timeoutMs: number): Promise<WaitResult> {
    const h = this.#v.header;
    const r = Atomics.waitAsync(h, H_WRITE_SEQ, this.#cursor, timeoutMs);
    if (!r.async) return this.#settle(r.value);
    if (Atomics.load(h, H_CLOSED) === 0) return this.#settle(await r.value);
    // No writer, so maybe no notify for a long while: a timer, which keeps the event loop
    // alive where a pending waitAsync alone does not, bounds the wait.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const outcome = await Promise.race([
      r.value,
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve("timed-out"), timeoutMs))),
    ]);
    clearTimeout(timer);
    return this.#settle(outcome);
  }

  /** Like {@linkcode wait}, but blocks the thread (a Worker only). */
  waitSync(timeoutMs: number): WaitResult {
    const h = this.#v.header;
    if (Atomics.load(h, H_WRITE_SEQ) !== this.#cursor) return "ready";
    return this.#settle(Atomics.wait(h, H_WRITE_SEQ, this.#cursor, timeoutMs));
  }

  /** Gives the reader's table entry back. */
  close(): void {
    Atomics.store(this.#table, R_STATE, 0);
  }

  #settle(outcome: string): WaitResult {
    const h = this.#v.header;
    if (Atomics.load(h, H_WRITE_SEQ) !== this.#cursor) return "ready";
    if (Atomics.load(h, H_CLOSED) === 1) return "closed";
    return outcome === "timed-out" ? "timed-out" : "ready";
  }

  #intact(seq: number): boolean {
    // The exchange publishes the cursor and is a full fence: the reads above
    // complete before OLDEST is loaded (seqlock read side).
    Atomics.exchange(this.#table, R_CURSOR, this.#cursor);
    return ((seq - Atomics.load(this.#v.header, H_OLDEST)) | 0) >= 0;
  }

  #drop(n: number): void {
    if (n > 0) Atomics.add(this.#table, R_DROPS, n);
    this.#gapPending = true;
  }

  /** Jumps over lost entries to where this reader's policy says to resume. */
  #resyncFrom(w: number, overrun: boolean): void {
    const v = this.#v;
    const oldest = Atomics.load(v.header, H_OLDEST);
    let target = w;
    if ((w - oldest | 0) > 0) {
      target = (w - 1) | 0;
      if (this.#resync === "keyframe") {
        target = w;
        for (let s = (w - 1) | 0; ((s - oldest) | 0) >= 0; s = (s - 1) | 0) {
          if ((v.entriesI32[entryBase(s, v.entryCount) + E_FLAGS] & KEYFRAME) !== 0) {
            target = s;
            break;
          }
        }
        this.#waitingForKeyframe = target === w;
      }
    } else if (this.#resync === "keyframe") {
      this.#waitingForKeyframe = true;
    }
    if (overrun) {
      Atomics.add(this.#table, R_GAPS, 1);
      this.#drop((target - this.#cursor) | 0);
    } else {
      this.#gapPending = true;
    }
    this.#cursor = target;
    Atomics.store(this.#table, R_CURSOR, target);
  }
}
