/**
 * RTSP messages as the reader hands them out (RFC 2326 6, RFC 7826 8): a
 * request with its method, target, version, CSeq and headers, or a frame of
 * interleaved binary data (RFC 2326 10.12), and the closed set of things
 * that can go wrong with bytes from a client.
 *
 * @module
 */

/** Methods eyrie serves (RFC 2326 10); anything else is answered 501 or 405. */
export const SERVED_METHODS = [
  "OPTIONS",
  "DESCRIBE",
  "SETUP",
  "PLAY",
  "PAUSE",
  "TEARDOWN",
  "GET_PARAMETER",
  "SET_PARAMETER",
] as const;
export type ServedMethod = typeof SERVED_METHODS[number];

/**
 * Methods RTSP defines that eyrie does not serve (publishing, redirects):
 * 405 Method Not Allowed with the Allow header, not 501.
 */
export const REFUSED_METHODS = ["ANNOUNCE", "RECORD", "REDIRECT", "PLAY_NOTIFY"] as const;

/** Header names are case-insensitive: the map's keys are lower case. */
export type RtspHeaders = ReadonlyMap<string, string>;

export interface RtspRequest {
  /** As sent (a token, RFC 2326 15.1); case-sensitive, so "play" is an unknown method. */
  method: string;
  /** The request target as sent: an absolute rtsp:// URL, or "*". */
  uri: string;
  version: "RTSP/1.0" | "RTSP/2.0";
  /**
   * The CSeq, or null when it is missing or not a number: such a request is
   * still framed correctly, and is answered 400 without a CSeq.
   */
  cseq: number | null;
  headers: RtspHeaders;
  /** Empty unless Content-Length said otherwise (bounded by MAX_BODY_BYTES). */
  body: Uint8Array;
}

/** Why a client's bytes cannot be read as RTSP; after one, the connection's framing is lost. */
export type ReadErrorKind =
  /** A request line or header that does not parse. */
  | "malformed"
  /** The request line and headers run past MAX_HEAD_BYTES, or past MAX_HEADERS lines. */
  | "head_too_large"
  /** The request target is longer than MAX_URI_BYTES. */
  | "uri_too_long"
  /** Content-Length past MAX_BODY_BYTES. */
  | "body_too_large"
  /** A version other than RTSP/1.0 and RTSP/2.0. */
  | "version";

/** What {@linkcode RtspReader.next} gives. */
export type ReadResult =
  | { kind: "request"; request: RtspRequest }
  /**
   * One interleaved frame ("$", channel, 16-bit length, data). `payload` is a
   * view into the reader's buffer, valid until the next call on the reader.
   */
  | { kind: "interleaved"; channel: number; payload: Uint8Array }
  /** An interleaved frame longer than MAX_INTERLEAVED_READ: its bytes were passed over. */
  | { kind: "skipped"; channel: number; length: number }
  | { kind: "error"; error: ReadErrorKind; reason: string };

/** "Need more bytes" is a value: the reader holds a partial message and waits for the rest. */
export const NEED_MORE = Object.freeze({ kind: "need_more" as const });
export type NeedMore = typeof NEED_MORE;
