import { MAX_RTP_PACKET_BYTES } from "./header.ts";

/**
 * A packet this far behind the next expected one is late (dropped); further
 * behind, the sender restarted. Reason: RFC 3550 A.1's MAX_MISORDER.
 */
export const MAX_MISORDER = 100;

/** Largest reorder window. Reason: every slot may hold a full-size packet copy. */
export const MAX_REORDER_WINDOW = 512;

/** What {@linkcode ReorderBuffer.push} did with a packet. */
export type ReorderVerdict = "queued" | "duplicate" | "late";

/**
 * Puts packets back in sequence-number order within a window of `window`
 * packets (gortsplib's rtpreorderer). A gap that is still open when a
 * packet `window` or more ahead arrives is declared lost. Pure: no timers,
 * so a gap at the very end of a stream waits for `flush()`.
 *
 * Use: `push()` a packet, then `peek()`/`pop()` until `peek()` gives null.
 * `takeLost()` says how many sequence numbers were skipped before the packet
 * `peek()` returned. Packets are copied in, so the caller may reuse its
 * receive buffer.
 */
export class ReorderBuffer {
  readonly window: number;
  #slots: Uint8Array[];
  #sizes: Int32Array;
  #present: Uint8Array;
  #expected = 0;
  #started = false;
  #buffered = 0;
  // A packet that arrived too far ahead waits here while the slots drain.
  #overflow: Uint8Array;
  #overflowSize = -1;
  #overflowSeq = 0;
  #overflowGap = 0;
  #flushing = false;
  #lost = 0;

  constructor(options: { window?: number } = {}) {
    const window = options.window ?? 16;
    if (!Number.isInteger(window) || window < 1 || window > MAX_REORDER_WINDOW) {
      throw new RangeError(`A reorder window must be 1 to ${MAX_REORDER_WINDOW}, got ${window}`);
    }
    this.window = window;
    this.#slots = Array.from({ length: window }, () => new Uint8Array(2048));
    this.#sizes = new Int32Array(window);
    this.#present = new Uint8Array(window);
    this.#overflow = new Uint8Array(2048);
  }

  /**
   * Sequence numbers skipped since the last call, all of them before the
   * packet `peek()` returns now: read it after `peek()`.
   */
  takeLost(): number {
    const lost = this.#lost;
    this.#lost = 0;
    return lost;
  }

  push(packet: Uint8Array, seq: number): ReorderVerdict {
    if (packet.length > MAX_RTP_PACKET_BYTES) {
      throw new RangeError(`A packet of ${packet.length} bytes exceeds ${MAX_RTP_PACKET_BYTES}`);
    }
    seq &= 0xffff;
    if (this.#flushing) this.#finishFlush();
    if (!this.#started) {
      this.#started = true;
      this.#expected = seq;
    }
    let d = (seq - this.#expected) & 0xffff;
    if (d >= 0x8000) d -= 0x10000;
    if (d < 0 && d >= -MAX_MISORDER) return "late";
    if (d >= 0 && d < this.window) {
      const i = seq % this.window;
      if (this.#present[i]) return "duplicate";
      this.#slots[i] = store(this.#slots[i], packet);
      this.#sizes[i] = packet.length;
      this.#present[i] = 1;
      this.#buffered++;
      return "queued";
    }
    // Too far ahead, or a restart far behind: drain what is buffered, then
    // continue from this packet.
    this.#overflow = store(this.#overflow, packet);
    this.#overflowSize = packet.length;
    this.#overflowSeq = seq;
    this.#overflowGap = d > 0 ? d : 0;
    this.#flushing = true;
    return "queued";
  }

  /** The next packet in order, or null while waiting for a missing one. */
  peek(): Uint8Array | null {
    const w = this.window;
    let i = this.#expected % w;
    if (this.#present[i]) return this.#slots[i].subarray(0, this.#sizes[i]);
    if (!this.#flushing) return null;
    if (this.#buffered > 0) {
      let skipped = 0;
      while (!this.#present[i]) {
        this.#expected = (this.#expected + 1) & 0xffff;
        i = this.#expected % w;
        skipped++;
      }
      this.#lost += skipped;
      this.#overflowGap -= skipped;
      return this.#slots[i].subarray(0, this.#sizes[i]);
    }
    if (this.#overflowSize < 0) {
      this.#flushing = false;
      return null;
    }
    if (this.#overflowGap > 0) this.#lost += this.#overflowGap;
    this.#overflowGap = 0;
    return this.#overflow.subarray(0, this.#overflowSize);
  }

  /** Consumes the packet `peek()` returned. */
  pop(): void {
    const i = this.#expected % this.window;
    if (this.#present[i]) {
      this.#present[i] = 0;
      this.#buffered--;
      this.#expected = (this.#expected + 1) & 0xffff;
      if (this.#flushing) this.#overflowGap--;
      return;
    }
    if (this.#flushing && this.#buffered === 0) {
      this.#expected = (this.#overflowSeq + 1) & 0xffff;
      this.#flushing = false;
      this.#overflowSize = -1;
      return;
    }
    throw new TypeError("pop() needs a packet from peek() first");
  }

  /** Releases everything buffered, gaps and all: for the end of a stream. */
  flush(): void {
    if (this.#flushing || this.#buffered === 0) return;
    // Park nothing in the overflow: drain the slots, then stop.
    this.#flushing = true;
    this.#overflowSize = -1;
    this.#overflowGap = 0;
  }

  // A push while still draining: what was not taken is given up.
  #finishFlush(): void {
    this.#present.fill(0);
    this.#buffered = 0;
    this.#flushing = false;
    if (this.#overflowSize >= 0) {
      const i = this.#overflowSeq % this.window;
      this.#slots[i] = store(this.#slots[i], this.#overflow.subarray(0, this.#overflowSize));
      this.#sizes[i] = this.#overflowSize;
      this.#present[i] = 1;
      this.#buffered = 1;
      this.#expected = this.#overflowSeq;
      this.#overflowSize = -1;
    }
  }
}

function store(slot: Uint8Array, packet: Uint8Array): Uint8Array {
  if (slot.length < packet.length) slot = new Uint8Array(Math.max(packet.length, slot.length * 2));
  slot.set(packet);
  return slot;
}
