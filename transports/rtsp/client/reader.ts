/**
 * Reads what an RTSP server sends its client (RFC 2326 7, 10.12), cut
 * anywhere: responses (status line, headers, Content-Length bytes of body)
 * and interleaved frames ("$", channel, 16-bit length, data), in any order.
 * Pure: bytes in through {@linkcode ResponseReader.push}, messages out of
 * {@linkcode ResponseReader.next}, "need more bytes" as {@linkcode NEED_MORE}.
 *
 * Everything the server controls is bounded by the constants below; a
 * response that breaks a bound or does not parse is an error value, and the
 * framing is lost after it.
 *
 * @module
 */
import { NEED_MORE, type NeedMore } from "../message.ts";

/**
 * A response's status line and headers. Reason: a camera's DESCRIBE answer
 * has about ten headers (~400 bytes); 8 KiB is HTTP's usual cap.
 */
export const MAX_RESPONSE_HEAD = 8192;
/** Header lines in one response. Reason: servers send fewer than 20. */
export const MAX_RESPONSE_HEADERS = 64;
/**
 * A response's body: the SDP of a DESCRIBE. Reason: a camera's SDP with
 * three media and parameter sets is 1-2 KiB; 64 KiB leaves room for many.
 */
export const MAX_RESPONSE_BODY = 65_536;
/** The whole buffer: the largest response, or an interleaved frame (16-bit length). */
const CAPACITY = MAX_RESPONSE_HEAD + MAX_RESPONSE_BODY;

/** One response, headers keyed in lower case. */
export interface RtspReply {
  status: number;
  reason: string;
  headers: ReadonlyMap<string, string>;
  body: Uint8Array;
}

export type ReplyResult =
  | { kind: "response"; response: RtspReply }
  /** `payload` is a view into the reader's buffer, valid until the next call. */
  | { kind: "interleaved"; channel: number; payload: Uint8Array }
  | { kind: "error"; reason: string };

const DOLLAR = 0x24;
const LF = 0x0a;
const CR = 0x0d;
const STATUS_LINE = /^RTSP\/\d\.\d (\d{3})(?: (.*))?$/;
const DIGITS = /^\d{1,9}$/;
const latin1 = new TextDecoder("latin1");

export class ResponseReader {
  readonly #buf = new Uint8Array(CAPACITY);
  #start = 0;
  #end = 0;
  #error: ReplyResult | null = null;

  /** Copies as much of `chunk` as fits; returns how many bytes were taken. */
  push(chunk: Uint8Array): number {
    if (this.#start > 0) {
      this.#buf.copyWithin(0, this.#start, this.#end);
      this.#end -= this.#start;
      this.#start = 0;
    }
    const n = Math.min(CAPACITY - this.#end, chunk.length);
    this.#buf.set(chunk.subarray(0, n), this.#end);
    this.#end += n;
    return n;
  }

  /** The next message, {@linkcode NEED_MORE}, or the error that ended the framing. */
  next(): ReplyResult | NeedMore {
    if (this.#error !== null) return this.#error;
    const b = this.#buf;
    while (this.#start < this.#end && (b[this.#start] === CR || b[this.#start] === LF)) {
      this.#start++;
    }
    if (this.#start === this.#end) return NEED_MORE;
    if (b[this.#start] === DOLLAR) {
      const s = this.#start;
      if (this.#end - s < 4) return NEED_MORE;
      const length = (b[s + 2] << 8) | b[s + 3];
      if (this.#end - s < 4 + length) return NEED_MORE;
      this.#start += 4 + length;
      return { kind: "interleaved", channel: b[s + 1], payload: b.subarray(s + 4, s + 4 + length) };
    }
    return this.#response();
  }

  #fail(reason: string): ReplyResult {
    this.#error = { kind: "error", reason };
    return this.#error;
  }

  #response(): ReplyResult | NeedMore {
    const b = this.#buf;
    const s = this.#start;
    const limit = Math.min(this.#end, s + MAX_RESPONSE_HEAD);
    let headEnd = -1;
    for (let i = s; i + 1 < limit; i++) {
      if (b[i] !== LF) continue;
      if (b[i + 1] === LF) headEnd = i + 2;
      else if (i + 2 < limit && b[i + 1] === CR && b[i + 2] === LF) headEnd = i + 3;
      if (headEnd > 0) break;
    }
    if (headEnd < 0) {
      if (this.#end - s >= MAX_RESPONSE_HEAD) {
        return this.#fail(`A response's head is longer than ${MAX_RESPONSE_HEAD} bytes`);
      }
      return NEED_MORE;
    }
    const lines = latin1.decode(b.subarray(s, headEnd)).split("\n")
      .map((l) => l.endsWith("\r") ? l.slice(0, -1) : l).filter((l) => l !== "");
    const m = STATUS_LINE.exec(lines[0] ?? "");
    if (m === null) {
      return this.#fail(`${JSON.stringify(lines[0]?.slice(0, 80))} is not an RTSP status line`);
    }
    if (lines.length - 1 > MAX_RESPONSE_HEADERS) {
      return this.#fail(`A response has more than ${MAX_RESPONSE_HEADERS} headers`);
    }
    const headers = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      if (colon <= 0) return this.#fail(`The header line ${JSON.stringify(line)} has no colon`);
      const key = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const before = headers.get(key);
      headers.set(key, before === undefined ? value : `${before}, ${value}`);
    }
    const length = headers.get("content-length") ?? "0";
    if (!DIGITS.test(length)) return this.#fail(`Content-Length ${JSON.stringify(length)}`);
    const bodyLength = Number(length);
    if (bodyLength > MAX_RESPONSE_BODY) {
      return this.#fail(`A body of ${bodyLength} bytes is over ${MAX_RESPONSE_BODY}`);
    }
    if (this.#end - headEnd < bodyLength) return NEED_MORE;
    const body = b.slice(headEnd, headEnd + bodyLength);
    this.#start = headEnd + bodyLength;
    return {
      kind: "response",
      response: { status: Number(m[1]), reason: m[2] ?? "", headers, body },
    };
  }
}
