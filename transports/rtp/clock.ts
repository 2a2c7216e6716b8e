/** The times a frame carries through eyrie's rings. */
export interface FrameTime {
  /** Presentation time in ns. */
  ptsNs: number;
  /** Capture time, monotonic ns. */
  captureNs: number;
}

/** Which of a frame's times the RTP timestamp follows. */
export type ClockSource = "pts" | "capture";

/** The video clock rate of RFC 2435 and RFC 6184. */
export const VIDEO_CLOCK_RATE = 90_000;

const NS_PER_S = 1_000_000_000;

/**
 * Turns nanoseconds into RTP timestamps: `rate` ticks per second plus an
 * offset, modulo 2^32. Injected into a packetizer. Pure: the random offset
 * RFC 3550 asks for is the caller's to pick (0 when none is given).
 *
 * With `source: "capture"` the timestamps follow the monotonic capture clock,
 * so a sender report can map any monotonic instant (`fromNs(now)`) to the
 * same timeline; with `"pts"` they follow the encoder's timestamps.
 */
export class RtpClock {
  readonly rate: number;
  readonly offset: number;
  readonly source: ClockSource;

  constructor(options: { rate?: number; offset?: number; source?: ClockSource } = {}) {
    const rate = options.rate ?? VIDEO_CLOCK_RATE;
    const offset = options.offset ?? 0;
    if (!Number.isInteger(rate) || rate < 1 || rate > 10_000_000) {
      throw new RangeError(`An RTP clock rate must be 1 to 10000000 Hz, got ${rate}`);
    }
    if (!Number.isInteger(offset) || offset < 0 || offset > 0xffff_ffff) {
      throw new RangeError(`An RTP timestamp offset must be 0 to 4294967295, got ${offset}`);
    }
    const source = options.source ?? "pts";
    if (source !== "pts" && source !== "capture") {
      throw new TypeError(`An RTP clock source must be "pts" or "capture", got "${source}"`);
    }
    this.rate = rate;
    this.offset = offset;
    this.source = source;
  }

  /** The RTP timestamp of an instant in ns on this clock's timeline. */
  fromNs(ns: number): number {
    // Split seconds from the remainder so that ns * rate never leaves the
    // 2^53 range where doubles are exact (it would after ~11 days at 90 kHz).
    const s = Math.floor(ns / NS_PER_S);
    const rem = ns - s * NS_PER_S;
    const ticks = s * this.rate + Math.floor((rem * this.rate) / NS_PER_S);
    // ToUint32 (>>> 0) is exact modulo 2^32 for any integer below 2^53.
    return (ticks + this.offset) >>> 0;
  }

  /** The RTP timestamp of a frame, from the time this clock follows. */
  timestamp(frame: FrameTime): number {
    return this.fromNs(this.source === "pts" ? frame.ptsNs : frame.captureNs);
  }
}
