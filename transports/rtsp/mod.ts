/**
 * RTSP for eyrie's server (RFC 2326, with RFC 7826 where clients use it):
 * pure protocol code, bytes in and messages out, no I/O, no timers.
 *
 * - {@linkcode RtspReader} reads requests and interleaved frames from a
 *   client's bytes cut anywhere, every length bounded, "need more bytes" as
 *   the value {@linkcode NEED_MORE}, an error value when framing is lost.
 * - {@linkcode writeResponse} writes a response; {@linkcode writeInterleavedHeader}
 *   frames RTP and RTCP on the connection.
 * - {@linkcode chooseTransport}/{@linkcode formatTransport}: the Transport header.
 * - {@linkcode step}: a session's state machine; {@linkcode parseTarget}: the request target.
 * - {@linkcode parseAuthorization}, {@linkcode digestResponse}: Digest (MD5) and Basic.
 *
 * The server that uses them is an actor: actors/rtsp/.
 *
 * @module
 */
export {
  NEED_MORE,
  type NeedMore,
  type ReadErrorKind,
  type ReadResult,
  REFUSED_METHODS,
  type RtspHeaders,
  type RtspRequest,
  SERVED_METHODS,
  type ServedMethod,
} from "./message.ts";
export {
  MAX_BODY_BYTES,
  MAX_HEAD_BYTES,
  MAX_HEADERS,
  MAX_INTERLEAVED_READ,
  MAX_URI_BYTES,
  RtspReader,
} from "./reader.ts";
export { type RtspResponse, type RtspStatus, STATUS_TEXT, writeResponse } from "./response.ts";
export {
  INTERLEAVED_HEADER_BYTES,
  MAX_INTERLEAVED_PAYLOAD,
  writeInterleavedHeader,
} from "./interleaved.ts";
export {
  chooseTransport,
  formatTransport,
  MAX_TRANSPORT_SPECS,
  type TransportChoice,
  type TransportReply,
  type TransportRequest,
} from "./transport.ts";
export {
  DEFAULT_SESSION_TIMEOUT_S,
  formatSession,
  sessionIdOf,
  type SessionMethod,
  type SessionState,
  type Step,
  step,
} from "./session.ts";
export { MAX_PATH_SEGMENTS, parseTarget, type RtspTarget } from "./url.ts";
export {
  type Authorization,
  basicChallenge,
  digestChallenge,
  type DigestCredentials,
  digestHa1,
  digestResponse,
  MAX_AUTH_PARAMS,
  md5Hex,
  parseAuthorization,
} from "./auth.ts";
