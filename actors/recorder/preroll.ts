/**
 * The pre-roll buffer of event recording: the last N seconds of access
 * units, always starting at a keyframe, in preallocated memory bounded in
 * bytes and frames. Pushing copies one AU and allocates nothing.
 *
 * ```
 * storage: | AU5 AU6 ··free·· | AU2 AU3 AU4 |··| (an AU never wraps; the gap
 *            ^head=end of newest  ^tail=oldest    at the end is left unused)
 * ```
 *
 * It keeps every frame from the newest keyframe at or before
 * `newest pts - seconds`, so at least `seconds` are held once that much has
 * arrived. When bytes or frames run out it drops whole GOPs from the front.
 *
 * @module
 */

/**
 * Default byte bound. Reason: 10 s of a high 1080p stream (8 Mbit/s) is
 * 10 MB; a Pi with 1 GB of RAM must hold this for several cameras.
 */
export const DEFAULT_PREROLL_BYTES = 16 * 2 ** 20;

/** Largest byte bound accepted. Reason: memory on a Pi; beyond this, pre-roll belongs on disk. */
export const MAX_PREROLL_BYTES = 256 * 2 ** 20;

/** Default frame bound. Reason: 30 s at 120 fps plus a GOP; the metadata costs 17 bytes a frame. */
export const DEFAULT_PREROLL_FRAMES = 4096;

/** Longest pre-roll accepted, in seconds. Reason: a longer one is continuous recording. */
export const MAX_PREROLL_S = 60;

/** One buffered access unit; `data` is a view that the next push may overwrite. */
export interface PreRollFrame {
  data: Uint8Array;
  ptsNs: number;
  keyframe: boolean;
  /** Presentation minus decode time (B-frames), ns; 0 without reordering. */
  reorderNs: number;
}

/** Bounded pre-roll of access units; see the module doc. */
export class PreRollBuffer {
  #store: Uint8Array;
  #offset: Float64Array;
  #size: Float64Array;
  #pts: Float64Array;
  #reorder: Float64Array;
  #key: Uint8Array;
  #first = 0;
  #count = 0;
  #bytes = 0;
  #windowNs: number;

  constructor(options: { seconds: number; maxBytes?: number; maxFrames?: number }) {
    const { seconds } = options;
    const maxBytes = options.maxBytes ?? DEFAULT_PREROLL_BYTES;
    const maxFrames = options.maxFrames ?? DEFAULT_PREROLL_FRAMES;
    if (!(seconds >= 0 && seconds <= MAX_PREROLL_S)) {
      throw new RangeError(`Pre-roll of ${seconds} s must be between 0 and ${MAX_PREROLL_S} s`);
    }
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_PREROLL_BYTES) {
      throw new RangeError(`Pre-roll size ${maxBytes} must be 1 to ${MAX_PREROLL_BYTES} bytes`);
    }
    if (!Number.isSafeInteger(maxFrames) || maxFrames < 1 || maxFrames > 1_000_000) {
      throw new RangeError(`Pre-roll frame count ${maxFrames} must be 1 to 1000000`);
    }
    this.#windowNs = seconds * 1e9;
    this.#store = new Uint8Array(maxBytes);
    this.#offset = new Float64Array(maxFrames);
    this.#size = new Float64Array(maxFrames);
    this.#pts = new Float64Array(maxFrames);
    this.#reorder = new Float64Array(maxFrames);
    this.#key = new Uint8Array(maxFrames);
  }

  /** Frames held. */
  get count(): number {
    return this.#count;
  }

  /** Bytes of the frames held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Span from the oldest to the newest frame held, in ns. */
  get spanNs(): number {
    return this.#count === 0 ? 0 : this.#pts[this.#at(this.#count - 1)] - this.#pts[this.#first];
  }

  #at(i: number): number {
    return (this.#first + i) % this.#key.length;
  }

  /** Drops the oldest frame and any non-keyframes after it, so the buffer starts at a keyframe. */
  #dropGop(): void {
    do {
      this.#bytes -= this.#size[this.#first];
      this.#first = this.#at(1);
      this.#count--;
    } while (this.#count > 0 && this.#key[this.#first] === 0);
  }

  /** Where `n` bytes fit contiguously, or -1. */
  #place(n: number): number {
    if (this.#count === 0) return n <= this.#store.length ? 0 : -1;
    const tail = this.#offset[this.#first];
    const last = this.#at(this.#count - 1);
    const head = this.#offset[last] + this.#size[last];
    if (this.#offset[last] < tail) return tail - head >= n ? head : -1; // wrapped
    if (this.#store.length - head >= n) return head;
    return tail >= n ? 0 : -1;
  }

  /**
   * Copies one access unit in. Returns false when it was not kept: a
   * non-keyframe with no keyframe before it, or an AU larger than the buffer.
   */
  push(data: Uint8Array, meta: { ptsNs: number; keyframe: boolean; reorderNs?: number }): boolean {
    if (data.length > this.#store.length) {
      this.clear();
      return false;
    }
    if (this.#count === 0 && !meta.keyframe) return false;
    let at = this.#place(data.length);
    while (at < 0 || this.#count === this.#key.length) {
      this.#dropGop();
      if (this.#count === 0 && !meta.keyframe) return false;
      at = this.#place(data.length);
    }
    const slot = this.#at(this.#count);
    this.#store.set(data, at);
    this.#offset[slot] = at;
    this.#size[slot] = data.length;
    this.#pts[slot] = meta.ptsNs;
    this.#reorder[slot] = meta.reorderNs ?? 0;
    this.#key[slot] = meta.keyframe ? 1 : 0;
    this.#count++;
    this.#bytes += data.length;
    this.#trim(meta.ptsNs - this.#windowNs);
    return true;
  }

  /** Drops GOPs while the next keyframe is still at or before `cutoffNs`. */
  #trim(cutoffNs: number): void {
    for (;;) {
      let next = -1;
      for (let i = 1; i < this.#count; i++) {
        const s = this.#at(i);
        if (this.#pts[s] > cutoffNs) break;
        if (this.#key[s] === 1) {
          next = i;
          break;
        }
      }
      if (next < 0) return;
      while (next-- > 0) {
        this.#bytes -= this.#size[this.#first];
        this.#first = this.#at(1);
        this.#count--;
      }
    }
  }

  /** The frames held, oldest first, starting at a keyframe. Views stay valid until the next push. */
  frames(): PreRollFrame[] {
    const out: PreRollFrame[] = [];
    for (let i = 0; i < this.#count; i++) {
      const s = this.#at(i);
      out.push({
        data: this.#store.subarray(this.#offset[s], this.#offset[s] + this.#size[s]),
        ptsNs: this.#pts[s],
        keyframe: this.#key[s] === 1,
        reorderNs: this.#reorder[s],
      });
    }
    return out;
  }

  /** Forgets every frame (after a gap in the stream, or once flushed to a segment). */
  clear(): void {
    this.#first = 0;
    this.#count = 0;
    this.#bytes = 0;
  }
}
