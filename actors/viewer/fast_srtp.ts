/**
 * A faster SRTP protect for werift's AES_CM_128_HMAC_SHA1_80, the profile
 * Chromium picks. Same bytes out as werift's (a test compares them), about
 * half the CPU: werift builds an AES-CTR cipher and an HMAC per packet, and
 * a BigInt for the counter; this keeps one AES-128-CTR context per session
 * (RFC 3711 4.1.1: AES-CM is counter mode with the counter block below) and
 * HMAC-SHA1 states with the padded key already absorbed, both in OpenSSL
 * through ffi/crypto, and writes the packet into one buffer. Nothing is
 * allocated per packet: node:crypto's hash copies are native objects that
 * only a full GC frees, and its cipher updates return new buffers; per
 * packet they piled up in the viewer Worker's malloc arena
 * (bench/README.md, memgrowth).
 * {@linkcode protectInPlace} encrypts a packet already in the caller's
 * buffer (the direct send path, direct_send.ts); the werift patch
 * ({@linkcode installFastSrtp}) serves sessions that stay on werift's path.
 *
 * ```
 *  counter block j = (salt · 2^16) XOR (SSRC · 2^64) XOR (index · 2^16) + j     (128 bits)
 *  index = ROC · 2^16 + SEQ
 *  out = header ‖ payload XOR AES(counter blocks) ‖ HMAC-SHA1(header ‖ cipher text ‖ ROC)[0..10)
 * ```
 *
 * Only the send side (encryptRtp) is replaced; decryption and SRTCP stay werift's.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { SrtpSession } from "werift";
import { AesCtr128, HmacSha1 } from "../../ffi/crypto/mod.ts";

/** The RTP header werift hands to the cipher (its RtpHeader). */
interface HeaderLike {
  sequenceNumber: number;
  ssrc: number;
  serializeSize: number;
  serialize(size: number): Buffer;
}

/** The fields of werift's CipherAesCtr this file reads. */
export interface CtrCipher {
  srtpSessionKey: Buffer;
  srtpSessionSalt: Buffer;
  srtpSessionAuthTag: Buffer;
  encryptRtp(header: HeaderLike, payload: Buffer, rolloverCounter: number): Buffer;
}

/** RFC 3711: an SRTP payload is at most 2^16 blocks; ours are ≤ 1200 bytes. Room for 9000. */
const MAX_BLOCKS = 9216 / 16;
const TAG_BYTES = 10;

/** One SRTP sending context's keys, with the ciphers made once. */
export interface SrtpState {
  /** AES-128-CTR with the session key. */
  ctr: AesCtr128;
  /** HMAC-SHA1 with the session's authentication key. */
  hmac: HmacSha1;
  salt: Uint8Array;
  /** The packet's first counter block, rewritten per packet. */
  counter: Uint8Array;
}

/** The bytes SRTP adds after the packet (the 80-bit authentication tag). */
export const SRTP_TAG_BYTES = TAG_BYTES;

/** The sending state for AES-CM session keys (RFC 3711 4.1.1, 4.2.1). */
export function srtpState(
  sessionKey: Uint8Array,
  sessionSalt: Uint8Array,
  authKey: Uint8Array,
): SrtpState {
  return {
    ctr: new AesCtr128(sessionKey),
    hmac: new HmacSha1(authKey),
    salt: Uint8Array.from(sessionSalt),
    counter: new Uint8Array(16),
  };
}

/**
 * Encrypts `buf[headerBytes..end)` in place and writes the tag at `end`;
 * SSRC and sequence number come from the RTP header in `buf`. Returns the
 * SRTP packet's length (`end + SRTP_TAG_BYTES`). `buf` must have room.
 */
export function protectInPlace(
  s: SrtpState,
  buf: Uint8Array,
  headerBytes: number,
  end: number,
  rolloverCounter: number,
): number {
  const payloadBytes = end - headerBytes;
  const blocks = (payloadBytes + 15) >> 4;
  if (blocks > MAX_BLOCKS) throw new RangeError(`An RTP payload of ${payloadBytes} bytes`);
  // First counter block: salt XOR SSRC XOR index, low 16 bits 0; CTR adds 1 per block (j < 2^16,
  // so the carry never leaves the low 16 bits, as RFC 3711's counter wants).
  const salt = s.salt;
  const ctr = s.counter;
  const roc = rolloverCounter >>> 0;
  for (let i = 0; i < 14; i++) ctr[i] = salt[i];
  ctr[4] ^= buf[8];
  ctr[5] ^= buf[9];
  ctr[6] ^= buf[10];
  ctr[7] ^= buf[11];
  ctr[8] ^= roc >>> 24;
  ctr[9] ^= (roc >>> 16) & 255;
  ctr[10] ^= (roc >>> 8) & 255;
  ctr[11] ^= roc & 255;
  ctr[12] ^= buf[2];
  ctr[13] ^= buf[3];
  ctr[14] = 0;
  ctr[15] = 0;
  s.ctr.apply(buf.subarray(headerBytes, end), ctr);
  // The authenticated bytes are the packet and then the ROC: write the ROC where the tag goes
  // (one hash update instead of two; the tag overwrites it).
  buf[end] = roc >>> 24;
  buf[end + 1] = (roc >>> 16) & 255;
  buf[end + 2] = (roc >>> 8) & 255;
  buf[end + 3] = roc & 255;
  const tag = s.hmac.sign(buf, end + 4);
  for (let i = 0; i < TAG_BYTES; i++) buf[end + i] = tag[i];
  return end + TAG_BYTES;
}

const states = new WeakMap<CtrCipher, SrtpState>();
let installed = false;

/** The sending state of one of werift's AES-CM ciphers (made once per cipher). */
export function stateOf(c: CtrCipher): SrtpState {
  let s = states.get(c);
  if (s === undefined) {
    s = srtpState(c.srtpSessionKey, c.srtpSessionSalt, c.srtpSessionAuthTag);
    states.set(c, s);
  }
  return s;
}

/** SRTP-protects one packet; the same bytes as werift's CipherAesCtr.encryptRtp. */
export function protectRtp(
  c: CtrCipher,
  header: HeaderLike,
  payload: Buffer,
  rolloverCounter: number,
): Buffer {
  const headerBytes = header.serializeSize;
  const end = headerBytes + payload.length;
  const out = Buffer.allocUnsafe(end + TAG_BYTES);
  out.set(header.serialize(headerBytes), 0);
  out.set(payload, headerBytes);
  protectInPlace(stateOf(c), out, headerBytes, end, rolloverCounter);
  return out;
}

/** The prototype of werift's AES-CM cipher, reached through a throwaway session. */
function ctrPrototype(): CtrCipher {
  const zero = (n: number) => Buffer.alloc(n);
  const session = new SrtpSession({
    keys: {
      localMasterKey: zero(16),
      localMasterSalt: zero(14),
      remoteMasterKey: zero(16),
      remoteMasterSalt: zero(14),
    },
    profile: 1, // SRTP_AES128_CM_HMAC_SHA1_80
  });
  const context = session.localContext as unknown as { cipher: CtrCipher };
  return Object.getPrototypeOf(context.cipher) as CtrCipher;
}

/** werift's own AES-CM protect, for the test that compares the two. */
export let weriftProtectRtp: CtrCipher["encryptRtp"] | undefined;

/** Makes every werift AES-CM session in this Worker protect with {@linkcode protectRtp}. Idempotent. */
export function installFastSrtp(): void {
  if (installed) return;
  installed = true;
  const proto = ctrPrototype();
  weriftProtectRtp = proto.encryptRtp;
  proto.encryptRtp = function (this: CtrCipher, header, payload, rolloverCounter) {
    return protectRtp(this, header, payload, rolloverCounter);
  };
}
