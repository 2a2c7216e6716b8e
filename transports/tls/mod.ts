/**
 * Device-to-device transport of encoded video over TLS 1.3 with mutual
 * authentication: one eyrie (the sender) streams access units to another
 * (the receiver), each side proving who it is with a certificate from
 * certs/, the sender pinning the receiver's certificate.
 *
 * The framing is pure code: {@linkcode encodeFrame} writes a 32-byte header
 * (magic, version, flags, format, sequence, size, pts, capture time) before
 * each access unit, and {@linkcode FrameDecoder} reads it back from chunks
 * cut anywhere, with "need more bytes" as the value
 * {@linkcode NEED_MORE_BYTES}. The layout is drawn in frame.ts.
 *
 * Around it, thin adapters:
 *
 * ```ts
 * const receiver = await listenAuReceiver({ certsDir, name: "console", host: "0.0.0.0", port: 7443 });
 * for await (const au of receiver) console.log(au.peer?.cn, au.seq, au.data.length);
 *
 * const sender = await connectAuSender({ host, port: 7443, certsDir, name: "garage-cam", remote: "hub" });
 * sender.send({ flags, format: WireFormat.H264, ptsNs, captureNs, data }); // never waits
 * ```
 *
 * `send()` never blocks: a bounded {@linkcode SendQueue} drops to the next
 * keyframe when the network is slower than the stream, and counts it; the
 * receiver sees the drops as sequence gaps.
 *
 * @module
 */
export {
  type AccessUnit,
  FRAME_HEADER_BYTES,
  FRAME_MAGIC,
  FRAME_VERSION,
  type FrameErrorReason,
  isWireFormat,
  KNOWN_FLAGS,
  MAX_ANY_PAYLOAD_BYTES,
  MAX_PAYLOAD_BYTES,
  type NumberedAccessUnit,
  WireFlags,
  WireFormat,
} from "./frame.ts";
export { encodeFrame, encodeHeader } from "./encode.ts";
export {
  type AccessUnitResult,
  type DecodeResult,
  FrameDecoder,
  type FrameDecoderOptions,
  type FrameErrorResult,
  NEED_MORE_BYTES,
  type NeedMoreBytes,
} from "./decode.ts";
export {
  DEFAULT_QUEUE_ACCESS_UNITS,
  DEFAULT_QUEUE_BYTES,
  SendQueue,
  type SendQueueOptions,
  type SendQueueStats,
} from "./send_queue.ts";
export {
  AuSender,
  type AuSenderOptions,
  type AuSenderStats,
  DEFAULT_FLUSH_TIMEOUT_MS,
} from "./sender.ts";
export {
  connectAuSender,
  type ConnectOptions,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  sendAccessUnits,
  TlsAuSender,
} from "./connect.ts";
export {
  AuReceiver,
  type AuReceiverOptions,
  type AuReceiverStats,
  DEFAULT_RECEIVE_QUEUE,
  type ReceivedAccessUnit,
} from "./receiver.ts";
export { listenAuReceiver, type ListenOptions, TlsAuReceiver } from "./listen.ts";
