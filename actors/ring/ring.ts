import {
  align64,
  dataStart,
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
  H_DATA_BYTES,
  H_ENTRY_COUNT,
  H_HEAD,
  H_KIND,
  H_MAGIC,
  H_OLDEST,
  H_SLOT_BYTES,
  H_WRITE_SEQ,
  H_WRITER_GEN,
  HEADER_BYTES,
  KIND_BYTES,
  KIND_FIXED,
  MAGIC,
  MAX_DATA_BYTES,
  MAX_ENTRIES,
  type RingViews,
  views,
} from "./_layout.ts";

/** Metadata committed with every entry. */
export interface EntryMeta {
  /** Presentation time in ns. */
  pts: number;
  /** Capture time, monotonic ns (performance.timeOrigin-based), carried through every stage. */
  captureNs: number;
  durationNs: number;
  /** {@linkcode FrameFlags} bits. */
  flags: number;
  /** {@linkcode FrameFormat}. */
  format: number;
  width: number;
  height: number;
  /** Free for the stage's use: the RTP timestamp in a packet ring. */
  aux: number;
}

/**
 * A reservation may take at most this share of a byte ring's data area.
 * Reason: invalidation walks forward from the oldest entry and must never
 * reach the entries it has just written.
 */
export const MAX_RESERVATION_SHARE = 0.25;

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

function allocate(kind: number, entryCount: number, dataBytes: number, slotBytes: number) {
  if (!isPowerOfTwo(entryCount) || entryCount < 2 || entryCount > MAX_ENTRIES) {
    throw new RangeError(
      `A ring needs a power-of-two entry count from 2 to ${MAX_ENTRIES}, got ${entryCount}`,
    );
  }
  if (!Number.isInteger(dataBytes) || dataBytes < 1 || dataBytes > MAX_DATA_BYTES) {
    throw new RangeError(`A ring's data area must be 1 B to 1 GiB, got ${dataBytes}`);
  }
  const sab = new SharedArrayBuffer(dataStart(entryCount) + align64(dataBytes));
  const header = new Int32Array(sab, 0, HEADER_BYTES / 4);
  header[H_KIND] = kind;
  header[H_ENTRY_COUNT] = entryCount;
  header[H_DATA_BYTES] = dataBytes;
  header[H_SLOT_BYTES] = slotBytes;
  header[H_CLOSED] = 1;
  Atomics.store(header, H_MAGIC, MAGIC);
  return sab;
}

/** A ring of `slots` fixed-size slots for raw frames. `slots` is a power of two. */
export function createFrameRing(options: { slots: number; slotBytes: number }): SharedArrayBuffer {
  const { slots, slotBytes } = options;
  if (!Number.isInteger(slotBytes) || slotBytes < 1 || slots * slotBytes > MAX_DATA_BYTES) {
    throw new RangeError(
      `A frame ring's slots must total at most 1 GiB, got ${slots} × ${slotBytes}`,
    );
  }
  return allocate(KIND_FIXED, slots, slots * slotBytes, slotBytes);
}

/** A ring of variable-size entries (access units, RTP packets) in `dataBytes` of storage. */
export function createByteRing(options: { entries: number; dataBytes: number }): SharedArrayBuffer {
  return allocate(KIND_BYTES, options.entries, options.dataBytes, 0);
}

/** Options of {@linkcode RingWriter.commit}. */
export interface CommitOptions {
  /** Wake waiting readers (true), or leave them to a later commit or {@linkcode RingWriter.notify}. */
  notify: boolean;
}

const NOTIFY: CommitOptions = Object.freeze({ notify: true });
/** Commit without waking readers: no object per commit on a hot path. */
export const NO_NOTIFY: CommitOptions = Object.freeze({ notify: false });

/**
 * The one writer of a ring. It never waits for readers: reserving space
 * invalidates the oldest entries in the way, and readers find out.
 */
export class RingWriter {
  readonly #v: RingViews;
  readonly #slotViews: Uint8Array[];
  readonly #maxReservation: number;
  #seq: number;
  #oldest: number;
  #head: number;
  #start = -1;
  #reserved = 0;

  constructor(sab: SharedArrayBuffer) {
    const v = views(sab);
    this.#v = v;
    this.#slotViews = [];
    if (v.kind === KIND_FIXED) {
      for (let i = 0; i < v.entryCount; i++) {
        this.#slotViews.push(v.data.subarray(i * v.slotBytes, (i + 1) * v.slotBytes));
      }
      this.#maxReservation = v.slotBytes;
    } else {
      this.#maxReservation = Math.floor(v.dataBytes * MAX_RESERVATION_SHARE);
    }
    // Continue where a previous writer (a restarted actor) left off.
    this.#seq = Atomics.load(v.header, H_WRITE_SEQ);
    this.#oldest = Atomics.load(v.header, H_OLDEST);
    this.#head = Atomics.load(v.header, H_HEAD);
    Atomics.add(v.header, H_WRITER_GEN, 1);
    Atomics.store(v.header, H_CLOSED, 0);
  }

  /** The largest reservation this ring allows. */
  get maxReservation(): number {
    return this.#maxReservation;
  }

  /** The sequence number the next commit gets. */
  get nextSeq(): number {
    return this.#seq;
  }

  /**
   * A writable region of at least `bytes` for the next entry. Entries whose
   * bytes lie in the region stop being valid now, before anything is written.
   */
  reserve(bytes: number): Uint8Array {
    const v = this.#v;
    if (!(bytes >= 1 && bytes <= this.#maxReservation)) {
      throw new RangeError(
        `A reservation must be 1 to ${this.#maxReservation} bytes, got ${bytes}`,
      );
    }
    const fixed = v.kind === KIND_FIXED;
    const span = fixed ? v.slotBytes : bytes;
    const head = this.#head;
    const wrap = head + span > v.dataBytes;
    const start = wrap ? 0 : head;
    // Walk forward from the oldest entry: entries lie in the data area in
    // sequence order, starting just past the head, so the first one that
    // does not overlap ends the walk.
    let oldest = this.#oldest;
    const byIndex = (this.#seq - v.entryCount + 1) | 0;
    if (((oldest - byIndex) | 0) < 0) oldest = byIndex;
    while (((this.#seq - oldest) | 0) > 0) {
      const base = entryBase(oldest, v.entryCount);
      const off = v.entriesI32[base + E_OFFSET];
      const end = off + v.entriesI32[base + E_SIZE];
      const hit = wrap ? end > head || off < span : off < head + span && end > head;
      if (!hit) break;
      oldest = (oldest + 1) | 0;
    }
    if (oldest !== this.#oldest) {
      this.#oldest = oldest;
      // An exchange, not a store: a full fence, so no byte written below can
      // become visible before readers can see that the old entry is gone.
      Atomics.exchange(v.header, H_OLDEST, oldest);
    }
    this.#start = start;
    this.#reserved = span;
    return fixed ? this.#slotViews[start / v.slotBytes] : v.data.subarray(start, start + span);
  }

  /**
   * Publishes the reserved entry with `size` bytes. Returns its sequence
   * number. With `notify: false` waiting readers are not woken for it (a
   * writer that commits several entries in a row, such as the RTP packets of
   * one access unit, wakes them once, with the last, or with
   * {@linkcode notify}); a reader that is awake sees it at once all the same.
   */
  commit(size: number, meta: EntryMeta, options: CommitOptions = NOTIFY): number {
    const v = this.#v;
    if (this.#start < 0) throw new TypeError("commit() needs a reserve() first");
    if (!(size >= 1 && size <= this.#reserved)) {
      throw new RangeError(`A commit must be 1 to ${this.#reserved} bytes, got ${size}`);
    }
    const seq = this.#seq;
    const i = entryBase(seq, v.entryCount);
    const f = i >> 1;
    v.entriesF64[f + E_PTS] = meta.pts;
    v.entriesF64[f + E_CAPTURE] = meta.captureNs;
    v.entriesF64[f + E_DURATION] = meta.durationNs;
    v.entriesI32[i + E_SIZE] = size;
    v.entriesI32[i + E_FLAGS] = meta.flags;
    v.entriesI32[i + E_FORMAT] = meta.format;
    v.entriesI32[i + E_WIDTH] = meta.width;
    v.entriesI32[i + E_HEIGHT] = meta.height;
    v.entriesI32[i + E_OFFSET] = this.#start;
    v.entriesI32[i + E_AUX] = meta.aux;
    v.entriesI32[i + E_SEQ] = seq;
    this.#head = this.#start + (v.kind === KIND_FIXED ? v.slotBytes : size);
    this.#start = -1;
    this.#seq = (seq + 1) | 0;
    Atomics.store(v.header, H_HEAD, this.#head);
    Atomics.store(v.header, H_WRITE_SEQ, this.#seq);
    if (options.notify) Atomics.notify(v.header, H_WRITE_SEQ);
    return seq;
  }

  /** Wakes every waiting reader (after commits with `notify: false`). */
  notify(): void {
    Atomics.notify(this.#v.header, H_WRITE_SEQ);
  }

  /** Reserve, copy `bytes` in and commit: for callers that already hold the bytes. */
  write(bytes: Uint8Array, meta: EntryMeta): number {
    this.reserve(bytes.length).set(bytes);
    return this.commit(bytes.length, meta);
  }

  /** Marks the ring as having no writer and wakes every waiting reader. */
  close(): void {
    Atomics.store(this.#v.header, H_CLOSED, 1);
    Atomics.notify(this.#v.header, H_WRITE_SEQ);
  }
}
