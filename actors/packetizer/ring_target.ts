/**
 * A {@linkcode PacketTarget} that writes RTP packets straight into a byte
 * ring: `begin` reserves, `end` commits with the marker as a flag and the
 * RTP timestamp in `aux`. One copy per packet (the payload into the ring),
 * no allocation. Readers are woken once per frame, by its last packet (the
 * marker): a reader woken by the first packet of a frame would find one
 * packet, wait again and be woken again for each of the rest (the RTSP
 * server woke about four times per access unit, bench/README.md#passthrough).
 *
 * @module
 */
import { FrameFlags, FrameFormat } from "../defs.ts";
import { NO_NOTIFY, type RingWriter } from "../ring/mod.ts";
import type { PacketTarget } from "../../transports/rtp/mod.ts";

export class RingPacketTarget implements PacketTarget {
  readonly #ring: RingWriter;
  /** Times of the frame being packetized, copied into each packet's entry. */
  ptsNs = 0;
  captureNs = 0;
  rtpTimestamp = 0;
  /** Set for the frame's first packet only when the frame is a keyframe, so readers start there. */
  keyframe = false;
  discont = false;
  packets = 0;
  bytes = 0;
  #first = true;

  constructor(ring: RingWriter) {
    this.#ring = ring;
  }

  /** Call before each frame. */
  frame(ptsNs: number, captureNs: number, keyframe: boolean, discont: boolean): void {
    this.ptsNs = ptsNs;
    this.captureNs = captureNs;
    this.keyframe = keyframe;
    this.discont = discont;
    this.#first = true;
  }

  begin(maxBytes: number): Uint8Array {
    return this.#ring.reserve(maxBytes);
  }

  end(bytes: number, marker: boolean): void {
    let flags = marker ? FrameFlags.MARKER : 0;
    if (this.#first) {
      if (this.keyframe) flags |= FrameFlags.KEYFRAME;
      if (this.discont) flags |= FrameFlags.DISCONT;
      this.#first = false;
    }
    this.#ring.commit(bytes, {
      pts: this.ptsNs,
      captureNs: this.captureNs,
      durationNs: 0,
      flags,
      format: FrameFormat.H264,
      width: 0,
      height: 0,
      aux: this.rtpTimestamp | 0,
    }, marker ? undefined : NO_NOTIFY);
    this.packets++;
    this.bytes += bytes;
  }
}
