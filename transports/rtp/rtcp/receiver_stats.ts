import type { ReceptionReport } from "./types.ts";

// RFC 3550 appendix A.1 constants.
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const MIN_SEQUENTIAL = 2;
const SEQ_MOD = 0x1_0000;

/**
 * What a receiver knows about one source, per RFC 3550 appendix A.1 (sequence
 * validation and extended sequence numbers), A.3 (expected and lost packets)
 * and A.8 (interarrival jitter). Pure: the caller passes arrival times.
 */
export class ReceiverStats {
  readonly ssrc: number;
  readonly clockRate: number;
  #maxSeq = 0;
  #cycles = 0;
  #baseSeq = 0;
  #badSeq = SEQ_MOD + 1;
  #probation = MIN_SEQUENTIAL;
  #received = 0;
  #expectedPrior = 0;
  #receivedPrior = 0;
  #transit = 0;
  #jitter = 0;
  #haveTransit = false;
  #started = false;

  constructor(options: { ssrc: number; clockRate?: number }) {
    this.ssrc = options.ssrc;
    this.clockRate = options.clockRate ?? 90_000;
    if (!(this.clockRate > 0)) {
      throw new RangeError(`A clock rate must be > 0, got ${this.clockRate}`);
    }
  }

  #init(seq: number): void {
    this.#baseSeq = seq;
    this.#maxSeq = seq;
    this.#badSeq = SEQ_MOD + 1;
    this.#cycles = 0;
    this.#received = 0;
    this.#receivedPrior = 0;
    this.#expectedPrior = 0;
  }

  /**
   * Accounts one packet: its header's sequence number and timestamp, and its
   * arrival time (monotonic ns). Returns false while the source is on
   * probation or the packet is a wild jump (A.1); such packets do not count.
   */
  update(
    packet: { readonly sequenceNumber: number; readonly timestamp: number },
    arrivalNs: number,
  ): boolean {
    const seq = packet.sequenceNumber & 0xffff;
    const rtpTimestamp = packet.timestamp;
    if (!this.#started) {
      this.#started = true;
      this.#init(seq);
      this.#maxSeq = (seq - 1) & 0xffff;
      this.#probation = MIN_SEQUENTIAL;
    }
    const udelta = (seq - this.#maxSeq) & 0xffff;
    if (this.#probation > 0) {
      if (seq === ((this.#maxSeq + 1) & 0xffff)) {
        this.#probation--;
        this.#maxSeq = seq;
        if (this.#probation === 0) {
          this.#init(seq);
          this.#received++;
          this.#jitterUpdate(rtpTimestamp, arrivalNs);
          return true;
        }
      } else {
        this.#probation = MIN_SEQUENTIAL - 1;
        this.#maxSeq = seq;
      }
      return false;
    }
    if (udelta < MAX_DROPOUT) {
      if (seq < this.#maxSeq) this.#cycles += SEQ_MOD;
      this.#maxSeq = seq;
    } else if (udelta <= SEQ_MOD - MAX_MISORDER) {
      if (seq === this.#badSeq) {
        // Two sequential packets after a jump: the source restarted.
        this.#init(seq);
      } else {
        this.#badSeq = (seq + 1) & 0xffff;
        return false;
      }
    }
    this.#received++;
    this.#jitterUpdate(rtpTimestamp, arrivalNs);
    return true;
  }

  // A.8: J += (|D| - J) / 16, D the change in transit time between packets.
  #jitterUpdate(rtpTimestamp: number, arrivalNs: number): void {
    const arrival = (arrivalNs / 1e9) * this.clockRate;
    // Transit modulo 2^32 timestamps: keep it relative via the signed delta.
    const transit = arrival - (rtpTimestamp | 0);
    if (this.#haveTransit) {
      let d = transit - this.#transit;
      // A timestamp wrap shifts transit by 2^32; fold it back.
      if (d > 0x8000_0000) d -= 0x1_0000_0000;
      else if (d < -0x8000_0000) d += 0x1_0000_0000;
      this.#jitter += (Math.abs(d) - this.#jitter) / 16;
    }
    this.#transit = transit;
    this.#haveTransit = true;
  }

  /** Highest sequence number seen, with the wrap count in the upper 16 bits. */
  get extendedHighestSeq(): number {
    return (this.#cycles + this.#maxSeq) >>> 0;
  }

  /** Packets received that counted. */
  get received(): number {
    return this.#received;
  }

  /** Expected minus received since the start (A.3); negative with duplicates. */
  get cumulativeLost(): number {
    if (!this.#started || this.#probation > 0) return 0;
    const expected = this.#cycles + this.#maxSeq - this.#baseSeq + 1;
    return expected - this.#received;
  }

  /** Interarrival jitter in timestamp units. */
  get jitter(): number {
    return Math.floor(this.#jitter);
  }

  /**
   * A report block for this source, and the start of the next interval for
   * the fraction lost. `lastSr`/`delaySinceLastSr` come from the caller,
   * who knows when the last SR arrived.
   */
  report(options: { lastSr?: number; delaySinceLastSr?: number } = {}): ReceptionReport {
    const expected = this.#started && this.#probation === 0
      ? this.#cycles + this.#maxSeq - this.#baseSeq + 1
      : 0;
    const expectedInterval = expected - this.#expectedPrior;
    const receivedInterval = this.#received - this.#receivedPrior;
    this.#expectedPrior = expected;
    this.#receivedPrior = this.#received;
    const lostInterval = expectedInterval - receivedInterval;
    const fraction = expectedInterval === 0 || lostInterval <= 0
      ? 0
      : Math.floor((lostInterval * 256) / expectedInterval);
    return {
      ssrc: this.ssrc,
      fractionLost: Math.min(fraction, 255),
      cumulativeLost: Math.max(-0x80_0000, Math.min(0x7f_ffff, expected - this.#received)),
      extendedHighestSeq: this.extendedHighestSeq,
      jitter: this.jitter,
      lastSr: options.lastSr ?? 0,
      delaySinceLastSr: options.delaySinceLastSr ?? 0,
    };
  }
}
