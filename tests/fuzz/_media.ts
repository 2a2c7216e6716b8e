/**
 * Seeds for the media fuzzers, from the codecs' case tables: JPEG files,
 * H.264 access units, and the RTP packets eyrie's own payloaders make of
 * them (so mutations start from what a real sender puts on the wire).
 *
 * @module
 */
import {
  H264Payloader,
  JpegPayloader,
  PacketBuffer,
  RtpPacketizer,
  RtpSequencer,
} from "../../transports/rtp/mod.ts";
import { accessUnit, H264_CASES } from "../transports/rtp/h264/_cases.ts";
import { JPEG_CASES, JPEG_REJECTS } from "../transports/rtp/jpeg/_cases.ts";
import { RTCP_CASES } from "../transports/rtp/rtcp/_cases.ts";

export const JPEG_SEEDS: readonly Uint8Array[] = [
  ...JPEG_CASES.map((c) => c.jpeg),
  ...JPEG_REJECTS.map((c) => c.jpeg),
];
export const AU_SEEDS: readonly Uint8Array[] = H264_CASES.map(accessUnit);
export const RTCP_SEEDS: readonly Uint8Array[] = RTCP_CASES.map((c) => Uint8Array.from(c.bytes));

/** A 1080p SPS (High profile) as x264 writes it. */
export const SPS_SEED = Uint8Array.from([
  0x67,
  0x64,
  0x00,
  0x1f,
  0xac,
  0xd9,
  0x40,
  0x50,
  0x05,
  0xbb,
  0x01,
  0x10,
  0x00,
  0x00,
  0x03,
  0x00,
  0x10,
  0x00,
  0x00,
  0x03,
  0x03,
  0xc0,
  0xf1,
  0x83,
  0x19,
  0x60,
]);

/** The RTP packets of `frames` through `payloader`, sequence numbers about to wrap. */
export function packetsOf(
  payloader: JpegPayloader | H264Payloader,
  frames: readonly Uint8Array[],
  payloadType: number,
): Uint8Array[] {
  const p = new RtpPacketizer(payloader, {
    payloadType,
    ssrc: 3,
    sequencer: new RtpSequencer({ initial: 65000 }),
  });
  const out: Uint8Array[] = [];
  const buf = new PacketBuffer({ slotBytes: payloader.mtu });
  frames.forEach((f, i) => {
    buf.clear();
    const n = p.packetize({ data: f, ptsNs: i * 33_333_333, captureNs: 0 }, buf);
    for (let k = 0; k < n; k++) out.push(buf.packet(k).slice());
  });
  return out;
}

export const JPEG_PACKETS = packetsOf(
  new JpegPayloader({ mtu: 400 }),
  JPEG_CASES.map((c) => c.jpeg),
  26,
);
export const H264_PACKETS = packetsOf(new H264Payloader({ mtu: 400 }), AU_SEEDS, 96);
