/**
 * Device-to-device transport of encoded video over TLS 1.3 with mutual
 * authentication.
 *
 * The framing is pure code: {@linkcode encodeFrame} writes a 32-byte header
 * (magic, version, flags, format, sequence, size, pts, capture time) before
 * each access unit, and {@linkcode FrameDecoder} reads it back from chunks
 * cut anywhere, with "need more bytes" as the value
 * {@linkcode NEED_MORE_BYTES}. The layout is drawn in frame.ts.
 * {@linkcode SendQueue} is the bounded queue a sender keeps in front of a
 * slow connection: it drops to the next keyframe and counts it.
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
  type WireFormat,
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
