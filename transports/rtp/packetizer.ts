import { type FrameTime, RtpClock } from "./clock.ts";
import { stampRtpHeader } from "./header.ts";
import { RtpSequencer, type Sequencer } from "./sequencer.ts";
import type { PacketTarget } from "./target.ts";

/**
 * A payload format's encoder: writes one frame as RTP payloads into a
 * target, each after the 12 bytes of RTP header space, and
 * returns how many packets it wrote. It never touches the header bytes.
 * It validates the whole frame before its first `begin()`, so a rejected
 * frame leaves nothing half-written.
 */
export interface Payloader {
  payload(frame: Uint8Array, target: PacketTarget): number;
}

/** A frame to packetize: its bytes and its times. One object can be reused for every frame. */
export interface MediaFrame extends FrameTime {
  data: Uint8Array;
}

/** Options of {@linkcode RtpPacketizer}. */
export interface RtpPacketizerOptions {
  payloadType: number;
  ssrc: number;
  /** Defaults to an {@linkcode RtpSequencer} starting at `FIRST_SEQUENCE_MIN`. */
  sequencer?: Sequencer;
  /** Defaults to a 90 kHz {@linkcode RtpClock} on the pts. */
  clock?: RtpClock;
}

/**
 * Payloader plus header stamping (Pion's `Packetizer`): the payloader writes
 * payloads, and this stamps each packet's header with the injected sequencer
 * and clock on its way into the caller's {@linkcode PacketTarget}.
 */
export class RtpPacketizer {
  readonly payloadType: number;
  readonly ssrc: number;
  readonly sequencer: Sequencer;
  readonly clock: RtpClock;
  readonly #payloader: Payloader;
  // The stamping target the payloader writes through; one per packetizer.
  readonly #stamp: Stamper;

  constructor(payloader: Payloader, options: RtpPacketizerOptions) {
    const { payloadType, ssrc } = options;
    if (!Number.isInteger(payloadType) || payloadType < 0 || payloadType > 127) {
      throw new RangeError(`An RTP payload type must be 0 to 127, got ${payloadType}`);
    }
    if (!Number.isInteger(ssrc) || ssrc < 0 || ssrc > 0xffff_ffff) {
      throw new RangeError(`An SSRC must be 0 to 4294967295, got ${ssrc}`);
    }
    this.payloadType = payloadType;
    this.ssrc = ssrc;
    this.sequencer = options.sequencer ?? new RtpSequencer();
    this.clock = options.clock ?? new RtpClock();
    this.#payloader = payloader;
    this.#stamp = new Stamper(this.sequencer, payloadType, ssrc);
  }

  /** Packetizes one frame into `target`; returns the number of packets written. */
  packetize(frame: MediaFrame, target: PacketTarget): number {
    const stamp = this.#stamp;
    stamp.inner = target;
    stamp.timestamp = this.clock.timestamp(frame);
    return this.#payloader.payload(frame.data, stamp);
  }
}

class Stamper implements PacketTarget {
  inner: PacketTarget | null = null;
  timestamp = 0;
  #region: Uint8Array | null = null;
  readonly #sequencer: Sequencer;
  readonly #payloadType: number;
  readonly #ssrc: number;

  constructor(sequencer: Sequencer, payloadType: number, ssrc: number) {
    this.#sequencer = sequencer;
    this.#payloadType = payloadType;
    this.#ssrc = ssrc;
  }

  begin(maxBytes: number): Uint8Array {
    this.#region = this.inner!.begin(maxBytes);
    return this.#region;
  }

  end(bytes: number, marker: boolean): void {
    const buf = this.#region!;
    buf[0] = 0x80;
    buf[1] = (marker ? 0x80 : 0) | this.#payloadType;
    stampRtpHeader(buf, this.#sequencer.next(), this.timestamp, this.#ssrc);
    this.#region = null;
    this.inner!.end(bytes, marker);
  }
}
