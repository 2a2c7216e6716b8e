/** Hands out RTP sequence numbers; injected into a packetizer (Pion's `Sequencer`). */
export interface Sequencer {
  /** The next sequence number, 0 to 65535; after 65535 comes 0. */
  next(): number;
  /** How many times the sequence wrapped from 65535 to 0. */
  readonly rollovers: number;
}

/**
 * The lowest sequence number a stream begins with. Reason: RFC 3550 A.1 starts
 * a source with `max_seq = seq - 1` in 16 bits, so a first packet 0 sits after
 * a `max_seq` of 65535 and looks like a wrap. Receivers that run probation
 * forget it when probation ends; a receiver that skips probation keeps a
 * phantom cycle for ever. GStreamer's rtpsession (rtpbin) skips it for a
 * source it already heard RTCP from, and then reports 65536 packets lost and a
 * fraction lost of 255 for a loss-free stream. A stream that begins at 1 or
 * later never looks like that.
 */
export const FIRST_SEQUENCE_MIN = 1;

/**
 * A random first sequence number for a new stream (RFC 3550 5.1 asks for a
 * random one), from `FIRST_SEQUENCE_MIN` to 65535. `random` returns [0, 1)
 * like `Math.random`.
 */
export function randomInitialSequence(random: () => number = Math.random): number {
  const span = 0x1_0000 - FIRST_SEQUENCE_MIN;
  return FIRST_SEQUENCE_MIN + Math.min(span - 1, Math.floor(random() * span));
}

/**
 * The usual sequencer: counts up from `initial` and wraps at 16 bits.
 * RFC 3550 asks for a random start; pass one from
 * {@linkcode randomInitialSequence}. Without one it starts at
 * `FIRST_SEQUENCE_MIN`, so tests stay deterministic. An explicit 0 is
 * allowed: a restarted packetizer continues a stream the receivers know.
 */
export class RtpSequencer implements Sequencer {
  #next: number;
  #rollovers = 0;

  constructor(options: { initial?: number } = {}) {
    const initial = options.initial ?? FIRST_SEQUENCE_MIN;
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
