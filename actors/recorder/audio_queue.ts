/**
 * The Opus packets the recorder holds until their segment takes them: the
 * sound waits here until the video has passed its time (so a cut puts each
 * packet in the right file), and in events mode for as long as the pre-roll
 * keeps video. Preallocated: pushing copies one packet and allocates nothing.
 *
 * ```
 * store: | p5 p6 ··free·· | p2 p3 p4 |··|   (a packet never wraps; as in preroll.ts)
 * ```
 *
 * @module
 */

/**
 * Largest packet kept. Reason: RFC 6716 §3.2.1 bounds one Opus frame at 1275
 * bytes; the audio actor's 20 ms packets at 32 kb/s are about 80.
 */
export const MAX_OPUS_PACKET_BYTES = 1276;

/** A FIFO of Opus packets, bounded in packets and bytes; the oldest go first when full. */
export class AudioQueue {
  readonly #store: Uint8Array;
  readonly #offset: Float64Array;
  readonly #size: Float64Array;
  readonly #pts: Float64Array;
  readonly #duration: Float64Array;
  #first = 0;
  #count = 0;
  /** Packets dropped because the queue was full (the video fell far behind, or a long pre-roll). */
  dropped = 0;

  /** Holds up to `packets` packets (20 ms each: 3000 is a minute). */
  constructor(packets: number) {
    if (!Number.isSafeInteger(packets) || packets < 1 || packets > 1_000_000) {
      throw new RangeError(`Audio queue of ${packets} packets must hold 1 to 1000000`);
    }
    // 128 bytes a packet on average (32 kb/s is 80), and room for a few of the largest.
    this.#store = new Uint8Array(Math.max(packets * 128, 4 * MAX_OPUS_PACKET_BYTES));
    this.#offset = new Float64Array(packets);
    this.#size = new Float64Array(packets);
    this.#pts = new Float64Array(packets);
    this.#duration = new Float64Array(packets);
  }

  get count(): number {
    return this.#count;
  }

  /** Pts of the oldest packet held, or NaN. */
  get oldestPts(): number {
    return this.#count === 0 ? NaN : this.#pts[this.#first];
  }

  /** Pts of the newest packet held, or NaN. */
  get newestPts(): number {
    return this.#count === 0 ? NaN : this.#pts[this.#at(this.#count - 1)];
  }

  #at(i: number): number {
    return (this.#first + i) % this.#pts.length;
  }

  #place(n: number): number {
    if (this.#count === 0) return 0;
    const tail = this.#offset[this.#first];
    const last = this.#at(this.#count - 1);
    const head = this.#offset[last] + this.#size[last];
    if (this.#offset[last] < tail) return tail - head >= n ? head : -1; // wrapped
    if (this.#store.length - head >= n) return head;
    return tail >= n ? 0 : -1;
  }

  /** Copies one packet in; false for an empty or oversized one. */
  push(packet: Uint8Array, meta: { ptsNs: number; durationNs: number }): boolean {
    if (packet.length === 0 || packet.length > MAX_OPUS_PACKET_BYTES) return false;
    let at = this.#place(packet.length);
    while (at < 0 || this.#count === this.#pts.length) {
      this.shift();
      this.dropped++;
      at = this.#place(packet.length);
    }
    const slot = this.#at(this.#count);
    this.#store.set(packet, at);
    this.#offset[slot] = at;
    this.#size[slot] = packet.length;
    this.#pts[slot] = meta.ptsNs;
    this.#duration[slot] = meta.durationNs;
    this.#count++;
    return true;
  }

  /** The oldest packet (a view valid until the next push) and its times, or null. */
  peek(): { bytes: Uint8Array; ptsNs: number; durationNs: number } | null {
    if (this.#count === 0) return null;
    const s = this.#first;
    return {
      bytes: this.#store.subarray(this.#offset[s], this.#offset[s] + this.#size[s]),
      ptsNs: this.#pts[s],
      durationNs: this.#duration[s],
    };
  }

  /** Drops the oldest packet. */
  shift(): void {
    if (this.#count === 0) return;
    this.#first = this.#at(1);
    this.#count--;
    if (this.#count === 0) this.#first = 0;
  }

  /** Drops every packet that ends at or before `ns`. */
  dropBefore(ns: number): void {
    while (this.#count > 0 && this.#pts[this.#first] + this.#duration[this.#first] <= ns) {
      this.shift();
    }
  }

  clear(): void {
    this.#first = 0;
    this.#count = 0;
  }
}
