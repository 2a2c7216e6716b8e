/**
 * RTP for eyrie: pure protocol code, bytes in and packets or frames out, no
 * I/O, no timers, no globals. The actors wrap it with rings and sockets.
 *
 * Sending: a payloader ({@linkcode JpegPayloader}, RFC 2435, or
 * {@linkcode H264Payloader}, RFC 6184 mode 1) writes payloads;
 * {@linkcode RtpPacketizer} stamps the RTP header with an injected
 * {@linkcode Sequencer} and {@linkcode RtpClock}.
 *
 * Packets are written in place through a {@linkcode PacketTarget}:
 *
 * ```ts
 * interface PacketTarget {
 *   begin(maxBytes: number): Uint8Array; // a region ≥ maxBytes for one packet
 *   end(bytes: number, marker: boolean): void; // publish its first `bytes`
 * }
 * ```
 *
 * The payloader leaves the region's first {@linkcode RTP_HEADER_BYTES} for the
 * stamper and writes the payload after them; `end` gets the whole packet's
 * length. A SharedArrayBuffer byte ring implements it as reserve (begin) and
 * commit (end, with the marker as a flag and the RTP timestamp as `aux`), so
 * each packet is written once, straight into the ring. {@linkcode PacketBuffer}
 * is the preallocated array-backed target for tests and UDP senders:
 *
 * ```ts
 * const packetizer = new RtpPacketizer(new JpegPayloader({ mtu: 1400 }), {
 *   payloadType: 26, ssrc, sequencer: new RtpSequencer({ initial }), clock: new RtpClock({ offset }),
 * });
 * const packets = new PacketBuffer();
 * packets.clear();
 * packetizer.packetize({ data: jpeg, ptsNs, captureNs }, packets);
 * for (let i = 0; i < packets.length; i++) socket.send(packets.packet(i), port, host);
 * ```
 *
 * Receiving: {@linkcode JpegDepacketizer} and {@linkcode H264Depacketizer}
 * reorder within a small window and rebuild frames; "need more packets" is
 * the value {@linkcode NEED_MORE}. {@linkcode RtpReceiver} wraps them for one
 * incoming stream with its RFC 3550 receiver statistics and RTCP feedback.
 * RTCP and SDP live in `rtcp/` and `sdp.ts`.
 *
 * @module
 */
export {
  emptyRtpHeader,
  MAX_RTP_PACKET_BYTES,
  parseRtpHeader,
  RTP_HEADER_BYTES,
  rtpCsrc,
  type RtpHeader,
  type RtpHeaderInit,
  writeRtpHeader,
} from "./header.ts";
export {
  FIRST_SEQUENCE_MIN,
  randomInitialSequence,
  RtpSequencer,
  type Sequencer,
} from "./sequencer.ts";
export { type ClockSource, type FrameTime, RtpClock, VIDEO_CLOCK_RATE } from "./clock.ts";
export { PacketBuffer, type PacketTarget } from "./target.ts";
export {
  type MediaFrame,
  type Payloader,
  RtpPacketizer,
  type RtpPacketizerOptions,
} from "./packetizer.ts";
export { MAX_MISORDER, MAX_REORDER_WINDOW, ReorderBuffer, type ReorderVerdict } from "./reorder.ts";
export {
  type DepacketizeResult,
  type DepacketizerStats,
  type DroppedResult,
  type DropReason,
  type FrameResult,
  NEED_MORE,
  type NeedMore,
} from "./depacketizer.ts";
export * from "./jpeg/mod.ts";
export * from "./h264/mod.ts";
export * from "./rtcp/mod.ts";
export { buildSdp, isMulticastAddress, type SdpOptions } from "./sdp.ts";
export {
  codecOfPayloadType,
  type ReceiveCodec,
  type ReceiverCounters,
  type ReceiverInterval,
  RtpReceiver,
  SOURCE_SWITCH_NS,
} from "./receiver.ts";
export * from "./fec/mod.ts";
