/**
 * eyrie's forward over QUIC: RTP packets in QUIC datagrams (RFC 9221),
 * framed as draft-ietf-avtcore-rtp-over-quic (a flow identifier, then the
 * RTP packet; datagram.ts), never retransmitted, so a lost packet costs its
 * frame and not the ones after it. The first bidirectional stream carries
 * the control messages (control.ts): mutual authentication with the
 * installation's certificates, signed inside the connection because Deno's
 * QUIC server cannot ask for client certificates (transcript.ts says what
 * the signatures bind), and the receiver's keyframe requests.
 *
 * ```ts
 * const receiver = await listenQuicReceiver({ certsDir, name: "console", host: "0.0.0.0", port: 7443 });
 * for await (const au of receiver) console.log(au.peer?.cn, au.data.length);
 *
 * const sender = await connectQuicSender({ host, port: 7443, certsDir, name: "garage-cam", remote: "hub" });
 * sender.send({ flags, format: WireFormat.H264, ptsNs, captureNs, data }); // never waits
 * ```
 *
 * Needs `--unstable-net` (deno.json turns it on).
 *
 * @module
 */
export { MAX_VARINT, readVarint, type Varint, varintLength, writeVarint } from "./varint.ts";
export {
  datagramOverhead,
  parseDatagram,
  type ParsedDatagram,
  VIDEO_FLOW,
  writeDatagramHeader,
} from "./datagram.ts";
export {
  CONTROL_VERSION,
  ControlDecoder,
  type ControlMessage,
  type ControlResult,
  encodeControl,
  MAX_CONTROL_BODY,
  NEED_MORE_CONTROL,
  NONCE_BYTES,
} from "./control.ts";
export { transcript } from "./transcript.ts";
export {
  formatOfPayloadType,
  H264_PAYLOAD_TYPE,
  JPEG_PAYLOAD_TYPE,
  payloadTypeOf,
} from "./payload_type.ts";
export { ALPN } from "./_channel.ts";
export {
  connectQuicSender,
  DEFAULT_QUIC_HANDSHAKE_TIMEOUT_MS,
  MAX_DATAGRAMS_IN_FLIGHT,
  QUIC_IDLE_TIMEOUT_MS,
  QUIC_SERVER_NAME,
  QuicAuSender,
  type QuicSenderOptions,
  type QuicSenderStats,
  senderEndpoint,
} from "./sender.ts";
export {
  DEFAULT_QUIC_RECEIVE_QUEUE,
  KEYFRAME_REQUEST_EVERY_MS,
  listenQuicReceiver,
  QuicAuReceiver,
  type QuicReceiverOptions,
  type QuicReceiverStats,
} from "./receiver.ts";
