// The control stream: the first bidirectional stream the sender opens. It
// carries the mutual authentication and, once admitted, the receiver's
// keyframe requests. Each message is
//
//  +-----------+----------------------+---------------------+
//  | type (u8) | body length (varint) | body (length bytes) |
//  +-----------+----------------------+---------------------+
//
//  type  name           direction  body
//  1     client_hello   S→R        version (u8) | nonce (32) | client certificate (DER, rest)
//  2     server_hello   R→S        nonce (32) | signature length (varint) | signature | server certificate (DER, rest)
//  3     client_proof   S→R        signature (rest)
//  4     admitted       R→S        version (u8)
//  5     refused        R→S        reason (UTF-8, rest)
//  6     keyframe       R→S        (empty)
//
// (S is the sender, the QUIC client; R the receiver, the QUIC server.) What
// the signatures cover is in transcript.ts.
import { readVarint, type Varint, varintLength, writeVarint } from "./varint.ts";

/** The only version this code speaks. */
export const CONTROL_VERSION = 1;
/** Bytes of each side's random nonce. */
export const NONCE_BYTES = 32;
/**
 * Largest body accepted. Reason: the biggest message is a server_hello with
 * one certificate (eyrie's are under 1 KB) and a signature (≤ 72 bytes);
 * 16 KiB leaves room for long names and refuses a peer that streams garbage.
 */
export const MAX_CONTROL_BODY = 16 * 1024;
/** Longest refusal reason sent; longer ones are cut. */
export const MAX_REASON_BYTES = 1024;

export type ControlMessage =
  | { type: "client_hello"; version: number; nonce: Uint8Array; cert: Uint8Array }
  | { type: "server_hello"; nonce: Uint8Array; signature: Uint8Array; cert: Uint8Array }
  | { type: "client_proof"; signature: Uint8Array }
  | { type: "admitted"; version: number }
  | { type: "refused"; reason: string }
  | { type: "keyframe" };

const TYPE = {
  client_hello: 1,
  server_hello: 2,
  client_proof: 3,
  admitted: 4,
  refused: 5,
  keyframe: 6,
} as const;

function frame(type: number, parts: readonly Uint8Array[]): Uint8Array {
  const length = parts.reduce((n, p) => n + p.length, 0);
  if (length > MAX_CONTROL_BODY) {
    throw new RangeError(`A control message body of ${length} bytes is over ${MAX_CONTROL_BODY}`);
  }
  const out = new Uint8Array(1 + varintLength(length) + length);
  out[0] = type;
  let at = 1 + writeVarint(length, out, 1);
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function varint(value: number): Uint8Array {
  const out = new Uint8Array(varintLength(value));
  writeVarint(value, out, 0);
  return out;
}

/** The bytes of one control message. */
export function encodeControl(m: ControlMessage): Uint8Array {
  switch (m.type) {
    case "client_hello":
      if (m.nonce.length !== NONCE_BYTES) throw new RangeError("A nonce must be 32 bytes");
      return frame(TYPE.client_hello, [Uint8Array.of(m.version), m.nonce, m.cert]);
    case "server_hello":
      if (m.nonce.length !== NONCE_BYTES) throw new RangeError("A nonce must be 32 bytes");
      return frame(TYPE.server_hello, [m.nonce, varint(m.signature.length), m.signature, m.cert]);
    case "client_proof":
      return frame(TYPE.client_proof, [m.signature]);
    case "admitted":
      return frame(TYPE.admitted, [Uint8Array.of(m.version)]);
    case "refused": {
      const reason = new TextEncoder().encode(m.reason).subarray(0, MAX_REASON_BYTES);
      return frame(TYPE.refused, [reason]);
    }
    case "keyframe":
      return frame(TYPE.keyframe, []);
  }
}

/** "Need more bytes": the decoder holds a partial message. */
export const NEED_MORE_CONTROL = Object.freeze({ type: "more" as const });
export type ControlResult = ControlMessage | typeof NEED_MORE_CONTROL | {
  type: "error";
  message: string;
};

/**
 * Reads control messages from chunks cut anywhere. A malformed message is
 * an error result; the stream is then unusable (the caller closes it).
 */
export class ControlDecoder {
  #buf = new Uint8Array(0);
  readonly #v: Varint = { value: 0, length: 0 };

  push(chunk: Uint8Array): void {
    const next = new Uint8Array(this.#buf.length + chunk.length);
    next.set(this.#buf);
    next.set(chunk, this.#buf.length);
    this.#buf = next;
  }

  /** The next whole message, {@linkcode NEED_MORE_CONTROL}, or an error. */
  next(): ControlResult {
    const buf = this.#buf;
    if (buf.length < 2) return NEED_MORE_CONTROL;
    let v: Varint;
    try {
      v = readVarint(buf, 1, this.#v);
    } catch (error) {
      return { type: "error", message: (error as Error).message };
    }
    if (v.length === 0) return NEED_MORE_CONTROL;
    if (v.value > MAX_CONTROL_BODY) {
      return {
        type: "error",
        message: `A control message of ${v.value} bytes is over ${MAX_CONTROL_BODY}`,
      };
    }
    const start = 1 + v.length;
    const end = start + v.value;
    if (buf.length < end) return NEED_MORE_CONTROL;
    const body = buf.slice(start, end);
    const type = buf[0];
    this.#buf = buf.slice(end);
    return parseBody(type, body);
  }
}

function parseBody(type: number, body: Uint8Array): ControlResult {
  const bad = (what: string) => ({ type: "error" as const, message: `A malformed ${what}` });
  switch (type) {
    case TYPE.client_hello:
      if (body.length < 1 + NONCE_BYTES + 1) return bad("client_hello");
      return {
        type: "client_hello",
        version: body[0],
        nonce: body.subarray(1, 1 + NONCE_BYTES),
        cert: body.subarray(1 + NONCE_BYTES),
      };
    case TYPE.server_hello: {
      if (body.length < NONCE_BYTES + 2) return bad("server_hello");
      const v = readVarint(body, NONCE_BYTES, { value: 0, length: 0 });
      const sigStart = NONCE_BYTES + v.length;
      if (v.length === 0 || sigStart + v.value >= body.length) return bad("server_hello");
      return {
        type: "server_hello",
        nonce: body.subarray(0, NONCE_BYTES),
        signature: body.subarray(sigStart, sigStart + v.value),
        cert: body.subarray(sigStart + v.value),
      };
    }
    case TYPE.client_proof:
      if (body.length === 0) return bad("client_proof");
      return { type: "client_proof", signature: body };
    case TYPE.admitted:
      if (body.length !== 1) return bad("admitted");
      return { type: "admitted", version: body[0] };
    case TYPE.refused:
      return { type: "refused", reason: new TextDecoder().decode(body) };
    case TYPE.keyframe:
      if (body.length !== 0) return bad("keyframe");
      return { type: "keyframe" };
    default:
      return { type: "error", message: `Unknown control message type "${type}"` };
  }
}
