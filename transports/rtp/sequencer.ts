/** Hands out RTP sequence numbers; injected into a packetizer (Pion's `Sequencer`). */
export interface Sequencer {
  /** The next sequence number, 0 to 65535; after 65535 comes 0. */
  next(): number;
  /** How many times the sequence wrapped from 65535 to 0. */
  readonly rollovers: number;
}

/**
 * The usual sequencer: counts up from `initial` and wraps at 16 bits.
 * RFC 3550 asks for a random start; pass one (for example from
 * `crypto.getRandomValues`). It starts at 0 when none is given, so tests
 * stay deterministic.
 */
export class RtpSequencer implements Sequencer {
  #next: number;
  #rollovers = 0;

  constructor(options: { initial?: number } = {}) {
    const initial = options.initial ?? 0;
    if (!Number.isInteger(initial) || initial < 0 || initial > 0xffff) {
      throw new RangeError(`An initial sequence number must be 0 to 65535, got ${initial}`);
    }
    this.#next = initial;
  }

  next(): number {
    const seq = this.#next;
    if (seq === 0xffff) {
      this.#next = 0;
      this.#rollovers++;
    } else {
      this.#next = seq + 1;
    }
    return seq;
  }

  get rollovers(): number {
    return this.#rollovers;
  }
}
