/**
 * Reads RTSP from a client's byte stream, cut anywhere: requests (RFC 2326
 * 6, head then Content-Length bytes of body) and interleaved frames
 * (10.12: "$", channel, 16-bit length, data) in any order. Pure: bytes in
 * through {@linkcode RtspReader.space}/{@linkcode RtspReader.commit} (or
 * {@linkcode RtspReader.push}), messages out of {@linkcode RtspReader.next},
 * "need more bytes" as the value {@linkcode NEED_MORE}.
 *
 * Everything a client controls is bounded by the constants below, so a
 * connection costs one fixed buffer however it misbehaves. A message that
 * breaks a bound or does not parse is an error value; the framing is lost
 * after it, and every later call returns the same error.
 *
 * @module
 */
import {
  NEED_MORE,
  type NeedMore,
  type ReadErrorKind,
  type ReadResult,
  type RtspRequest,
} from "./message.ts";

/**
 * Request line and headers together. Reason: a client's request is a few
 * hundred bytes (ffmpeg's SETUP with Digest credentials: ~450); 8 KiB is
 * HTTP servers' usual cap.
 */
export const MAX_HEAD_BYTES = 8192;
/** Header lines in one request. Reason: clients send fewer than 15; more is an attack. */
export const MAX_HEADERS = 64;
/** Request target. Reason: rtsp://host:port/<camera id>/trackID=0 is under 200 bytes. */
export const MAX_URI_BYTES = 2048;
/**
 * Content-Length. Reason: only GET_PARAMETER and SET_PARAMETER carry a body
 * here (a few parameter names); eyrie takes no ANNOUNCE.
 */
export const MAX_BODY_BYTES = 4096;
/**
 * Interleaved frames handed out. Reason: a client sends only RTCP on its
 * channels, a few hundred bytes; longer frames are passed over unbuffered.
 */
export const MAX_INTERLEAVED_READ = 4096;
/** One buffer per connection: the largest complete request. */
const CAPACITY = MAX_HEAD_BYTES + MAX_BODY_BYTES;

const DOLLAR = 0x24;
const LF = 0x0a;
const CR = 0x0d;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const REQUEST_LINE = /^(\S+) (\S+) (\S+)$/;
const DIGITS = /^\d{1,9}$/;
/** Control characters other than horizontal tab, and DEL. */
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

const latin1 = new TextDecoder("latin1");

export class RtspReader {
  readonly #buf = new Uint8Array(CAPACITY);
  #start = 0;
  #end = 0;
  /** Where the search for the end of the head resumes, relative to #start. */
  #scanned = 0;
  /** Bytes of an oversized interleaved frame still to pass over. */
  #skip = 0;
  #error: ReadResult | null = null;

  /**
   * The free part of the buffer, to read into (then {@linkcode commit}). It
   * is never empty while the reader can make progress: the buffer holds the
   * largest message the bounds allow.
   */
  space(): Uint8Array {
    if (this.#start > 0) {
      this.#buf.copyWithin(0, this.#start, this.#end);
      this.#end -= this.#start;
      this.#start = 0;
    }
    return this.#buf.subarray(this.#end);
  }

  /** Takes the `n` bytes just written into {@linkcode space}. */
  commit(n: number): void {
    if (!Number.isInteger(n) || n < 0 || this.#end + n > CAPACITY) {
      throw new RangeError(
        `Cannot commit ${n} bytes to a reader with ${CAPACITY - this.#end} free`,
      );
    }
    this.#end += n;
  }

  /** Copies as much of `chunk` as fits; returns how many bytes were taken. */
  push(chunk: Uint8Array): number {
    const room = this.space();
    const n = Math.min(room.length, chunk.length);
    room.set(chunk.subarray(0, n));
    this.#end += n;
    return n;
  }

  /** Bytes held and not yet handed out. */
  get buffered(): number {
    return this.#end - this.#start;
  }

  /** The next message, {@linkcode NEED_MORE}, or the error that ended the framing. */
  next(): ReadResult | NeedMore {
    if (this.#error !== null) return this.#error;
    if (this.#skip > 0) {
      const n = Math.min(this.#skip, this.#end - this.#start);
      this.#skip -= n;
      this.#start += n;
      if (this.#skip > 0) return NEED_MORE;
    }
    // Empty lines between messages are allowed (RFC 7826 20.2.2's keep-alive CRLFs).
    while (
      this.#start < this.#end && (this.#buf[this.#start] === CR || this.#buf[this.#start] === LF)
    ) {
      this.#start++;
      this.#scanned = 0;
    }
    if (this.#start === this.#end) return NEED_MORE;
    if (this.#buf[this.#start] === DOLLAR) return this.#interleaved();
    return this.#request();
  }

  #interleaved(): ReadResult | NeedMore {
    const b = this.#buf;
    const s = this.#start;
    if (this.#end - s < 4) return NEED_MORE;
    const channel = b[s + 1];
    const length = (b[s + 2] << 8) | b[s + 3];
    if (length > MAX_INTERLEAVED_READ) {
      this.#start += 4;
      this.#skip = length;
      return { kind: "skipped", channel, length };
    }
    if (this.#end - s < 4 + length) return NEED_MORE;
    this.#start += 4 + length;
    return { kind: "interleaved", channel, payload: b.subarray(s + 4, s + 4 + length) };
  }

  #fail(error: ReadErrorKind, reason: string): ReadResult {
    this.#error = { kind: "error", error, reason };
    return this.#error;
  }

  /** The length of the head (through its empty line), or -1 while it is incomplete. */
  #headLength(): number {
    const b = this.#buf;
    const s = this.#start;
    const limit = Math.min(this.#end, s + MAX_HEAD_BYTES);
    let i = s + this.#scanned;
    for (; i < limit; i++) {
      if (b[i] !== LF) continue;
      // An empty line ends the head: "\n\n" or "\n\r\n".
      if (i + 1 < this.#end && b[i + 1] === LF) return i + 2 - s;
      if (i + 2 < this.#end && b[i + 1] === CR && b[i + 2] === LF) return i + 3 - s;
      if (i + 2 >= this.#end) break; // the next line's start has not arrived yet
    }
    this.#scanned = Math.max(0, i - s);
    return -1;
  }

  #request(): ReadResult | NeedMore {
    const headLength = this.#headLength();
    if (headLength < 0) {
      if (this.#end - this.#start >= MAX_HEAD_BYTES) {
        return this.#fail(
          "head_too_large",
          `The request line and headers are longer than ${MAX_HEAD_BYTES} bytes`,
        );
      }
      return NEED_MORE;
    }
    const head = this.#parseHead(
      latin1.decode(this.#buf.subarray(this.#start, this.#start + headLength)),
    );
    if (head.kind !== "head") return head;
    const bodyLength = head.bodyLength;
    if (this.#end - this.#start < headLength + bodyLength) return NEED_MORE;
    const from = this.#start + headLength;
    const body = this.#buf.slice(from, from + bodyLength);
    this.#start = from + bodyLength;
    this.#scanned = 0;
    return { kind: "request", request: { ...head.request, body } };
  }

  #parseHead(
    text: string,
  ):
    | { kind: "head"; request: Omit<RtspRequest, "body">; bodyLength: number }
    | ReadResult {
    const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
    while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
    if (lines.length - 1 > MAX_HEADERS) {
      return this.#fail("head_too_large", `A request may have at most ${MAX_HEADERS} headers`);
    }
    const first = lines[0];
    if (first.startsWith("RTSP/")) {
      return this.#fail("malformed", "A response arrived where a request was expected");
    }
    const m = REQUEST_LINE.exec(first);
    if (m === null || !TOKEN.test(m[1]) || CONTROL.test(first)) {
      return this.#fail(
        "malformed",
        `The request line ${quote(first)} is not "METHOD URI RTSP/1.0"`,
      );
    }
    const [, method, uri, version] = m;
    if (uri.length > MAX_URI_BYTES) {
      return this.#fail("uri_too_long", `The request target is longer than ${MAX_URI_BYTES} bytes`);
    }
    if (!/^RTSP\/\d\.\d$/.test(version)) {
      return this.#fail("malformed", `${quote(version)} is not an RTSP version`);
    }
    if (version !== "RTSP/1.0" && version !== "RTSP/2.0") {
      return this.#fail("version", `${version} is not served; this server speaks RTSP/1.0`);
    }
    const headers = new Map<string, string>();
    let last: string | null = null;
    let cseqValid = true;
    for (const line of lines.slice(1)) {
      if (CONTROL.test(line)) {
        return this.#fail("malformed", "A header holds a control character");
      }
      if ((line.startsWith(" ") || line.startsWith("\t")) && last !== null) {
        // An obsolete folded line continues the previous header's value.
        headers.set(last, `${headers.get(last)} ${line.trim()}`.trim());
        continue;
      }
      const colon = line.indexOf(":");
      const name = colon < 0 ? "" : line.slice(0, colon);
      if (!TOKEN.test(name)) {
        return this.#fail("malformed", `The header line ${quote(line)} is not "Name: value"`);
      }
      const key = name.toLowerCase();
      const value = line.slice(colon + 1).trim();
      const before = headers.get(key);
      if (before !== undefined) {
        if (key === "content-length" && before !== value) {
          return this.#fail("malformed", "Two different Content-Length headers");
        }
        if (key === "cseq" && before !== value) cseqValid = false;
        headers.set(
          key,
          key === "content-length" || key === "cseq" ? before : `${before}, ${value}`,
        );
      } else headers.set(key, value);
      last = key;
    }
    const length = headers.get("content-length");
    let bodyLength = 0;
    if (length !== undefined) {
      if (!DIGITS.test(length)) {
        return this.#fail("malformed", `Content-Length ${quote(length)} is not a number`);
      }
      bodyLength = Number(length);
      if (bodyLength > MAX_BODY_BYTES) {
        return this.#fail(
          "body_too_large",
          `A body of ${bodyLength} bytes is over the ${MAX_BODY_BYTES}-byte limit`,
        );
      }
    }
    const cseqText = headers.get("cseq");
    const cseq = cseqValid && cseqText !== undefined && DIGITS.test(cseqText)
      ? Number(cseqText)
      : null;
    return {
      kind: "head",
      request: { method, uri, version: version as RtspRequest["version"], cseq, headers },
      bodyLength,
    };
  }
}

/** A client's text, quoted and cut for a message. */
function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
